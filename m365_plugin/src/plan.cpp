// configure --action plan: what setup would do (reads and writes nothing, remote or local), or with
// for=update what update would change (reads the tenant as the signed-in admin, writes nothing).
#include "plan.h"

#include "journal.h"
#include "json_util.h"
#include "permission_manifest.h"
#include "progress.h"
#include "settings_reader.h"
#include "settings_split.h"
#include "update_session.h"

#include <set>

namespace m365 {

void runPlan(const ActionContext& context, const SetupSettings& settings) {
    const auto& manifest = PermissionManifest::builtIn();
    Progress progress(context.host, context.call);
    auto permissions = manifest.required(settings.workloads, settings.includeRestore);
    const auto& cloud = settings.connection.cloud;

    Poco::JSON::Object::Ptr plan = new Poco::JSON::Object;
    plan->set("event", "plan");
    plan->set("action", "setup");
    Poco::JSON::Object::Ptr application = new Poco::JSON::Object;
    application->set("display_name", settings.appName);
    application->set("sign_in_audience", "AzureADMyOrg");
    application->set("service_principal", true);
    plan->set("application", application);
    Poco::JSON::Array::Ptr list = new Poco::JSON::Array;
    std::set<std::string> resources;
    for (const auto& permission : permissions) {
        const auto& resource = manifest.resource(permission.resource);
        resources.insert(permission.resource);
        Poco::JSON::Object::Ptr entry = new Poco::JSON::Object;
        entry->set("name", permission.name);
        entry->set("resource", resource.displayName);
        entry->set("resource_app_id", resource.appId);
        entry->set("app_role_id", permission.expectedId);
        entry->set("workloads", json::toArray(permission.workloads));
        entry->set("why", permission.why);
        list->add(entry);
        progress.info("grant " + permission.name + " on " + resource.displayName + ": " + permission.why);
    }
    plan->set("permissions", list);
    Poco::JSON::Object::Ptr certificate = new Poco::JSON::Object;
    certificate->set("algorithm", "RSA");
    certificate->set("key_bits", settings.keyBits);
    certificate->set("signature", "sha256WithRSAEncryption");
    certificate->set("validity_days", settings.validityDays);
    certificate->set("subject", "CN=m365-plugin-" + context.instanceId);
    certificate->set("assertion", assertionProfileName(settings.assertion));
    plan->set("certificate", certificate);
    Poco::JSON::Object::Ptr endpoints = new Poco::JSON::Object;
    endpoints->set("cloud", cloud.name);
    endpoints->set("authority", cloud.authorityFor(settings.connection.tenant));
    endpoints->set("graph", cloud.graphBase());
    endpoints->set("graph_resource", cloud.graphResource);
    endpoints->set("exchange_resource", cloud.exchangeResource);
    endpoints->set("sharepoint_host", settings.sharepointHost.empty() ? "<tenant>." + cloud.sharepointDomain +
                                                                            " (discovered from the tenant)"
                                                                      : settings.sharepointHost);
    plan->set("endpoints", endpoints);
    // The directory roles the signing-in administrator needs (any one of each list).
    Poco::JSON::Array::Ptr roles = new Poco::JSON::Array;
    Poco::JSON::Object::Ptr create = new Poco::JSON::Object;
    create->set("to", "create the application");
    create->set("any_of", json::toArray(manifest.creatingRoles()));
    roles->add(create);
    for (const auto& key : resources) {
        const auto& resource = manifest.resource(key);
        Poco::JSON::Object::Ptr grant = new Poco::JSON::Object;
        grant->set("to", "grant " + resource.displayName + " application permissions");
        grant->set("any_of", json::toArray(resource.grantingRoles));
        roles->add(grant);
    }
    plan->set("required_directory_roles", roles);
    Poco::JSON::Array::Ptr scopes = new Poco::JSON::Array;
    for (const auto& scope : manifest.adminScopes())
        scopes->add(cloud.graphResource + "/" + scope);
    plan->set("admin_sign_in_scopes", scopes);
    progress.info("setup would create application '" + settings.appName + "' with " +
                  std::to_string(permissions.size()) + " permission(s) and a " +
                  std::to_string(settings.keyBits) + "-bit certificate valid " +
                  std::to_string(settings.validityDays) + " days; nothing was changed");
    context.call.event(json::stringify(plan));
}

namespace {

Poco::JSON::Array::Ptr permissionList(const std::vector<std::pair<std::string, std::string>>& names) {
    Poco::JSON::Array::Ptr list = new Poco::JSON::Array;
    for (const auto& [name, resource] : names) {
        Poco::JSON::Object::Ptr entry = new Poco::JSON::Object;
        entry->set("name", name);
        entry->set("resource", resource);
        list->add(entry);
    }
    return list;
}

} // namespace

void runUpdatePlan(const ActionContext& context, const UpdateSettings& settings) {
    Progress progress(context.host, context.call);
    UpdateSession session(context, settings, progress);
    session.inspect();
    const auto& changes = session.changes();
    const auto& record = session.record();

    Poco::JSON::Object::Ptr plan = new Poco::JSON::Object;
    plan->set("event", "plan");
    plan->set("action", "update");
    plan->set("changes", !changes.none());
    plan->set("workloads", json::toArray(session.workloads()));
    plan->set("include_restore", session.includeRestore());
    Poco::JSON::Object::Ptr certificate = new Poco::JSON::Object;
    certificate->set("replace", changes.key.replace);
    certificate->set("reason", changes.key.reason);
    certificate->set("detail", changes.key.detail);
    certificate->set("key_id", record.certificate.keyId);
    certificate->set("expires", isoTime(record.certificate.notAfter));
    if (changes.key.replace)
        certificate->set("new_key_bits", session.keyBits());
    plan->set("certificate", certificate);
    progress.info(changes.key.replace ? "update would replace the certificate: " + changes.key.detail
                                      : "update would keep the certificate: " + changes.key.detail);

    std::vector<std::pair<std::string, std::string>> grants, revokes;
    for (const auto& grant : changes.grants) {
        grants.emplace_back(grant.permission.name, grant.permission.resource);
        progress.info("update would grant " +
                      permissionLabel(grant.permission.name, grant.permission.resource));
    }
    Poco::JSON::Array::Ptr revokeList = permissionList({});
    for (const auto& revoke : changes.revokes) {
        Poco::JSON::Object::Ptr entry = new Poco::JSON::Object;
        entry->set("name", revoke.name);
        entry->set("resource", revoke.resource);
        entry->set("assignment_id", revoke.assignmentId);
        revokeList->add(entry);
        progress.info("update would revoke " + permissionLabel(revoke.name, revoke.resource));
    }
    plan->set("grant", permissionList(grants));
    plan->set("revoke", revokeList);
    plan->set("required_resource_access", changes.requiredResourceAccess ? "replace" : "unchanged");
    // An interrupted operation is settled by update before it compares; plan only names it.
    if (auto pending = Journal(context.host.config()).peek()) {
        plan->set("interrupted_operation", pending->operation + " (run " + pending->runId + ")");
        progress.warn("an interrupted " + pending->operation + " is recorded; update settles it first");
    }
    auto missingRole = changes.none() ? std::string() : session.missingAdminRole();
    plan->set("admin_role_missing", missingRole);
    if (!missingRole.empty())
        progress.warn("the signed-in administrator could not apply this: " + missingRole);
    progress.info(changes.none() ? "update would change nothing; nothing was changed"
                                 : "plan only: nothing was changed");
    context.call.event(json::stringify(plan));
}

void runPlanAction(const ActionContext& context, std::string_view settingsJson) {
    auto split = splitSettings(settingsJson, {"for"});
    SettingsReader reader(split.taken);
    auto target = reader.text("for", "setup");
    if (target != "setup" && target != "update")
        reader.fail("config.for_invalid", "'for' must be setup or update.");
    reader.finish();
    if (target == "update")
        runUpdatePlan(context, parseUpdateSettings(split.rest, context.instanceId));
    else
        runPlan(context, parseSetupSettings(split.rest, context.instanceId));
}

} // namespace m365
