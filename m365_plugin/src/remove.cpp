#include "remove.h"

#include "admin_session.h"
#include "adopt_policy.h"
#include "app_registration.h"
#include "graph_client.h"
#include "instance_record.h"
#include "journal.h"
#include "permission_manifest.h"
#include "progress.h"
#include "recovery.h"

#include <Poco/String.h>

#include <optional>

namespace m365 {

namespace {

/// Deletes every local trace of the instance: the record first (the instance stops being configured),
/// then its secrets, then the rest (validation state, journal).
void forgetLocally(const wp::Host& host) {
    host.config().removeIf(keys::instance);
    for (const auto& key : host.secrets().list())
        host.secrets().removeIf(key);
    for (const auto& key : host.config().list())
        host.config().removeIf(key);
}

/// The id of `path` (e.g. "/applications(appId='...')"), or "" when it does not exist (any more).
std::string lookUpId(GraphClient& graph, const std::string& path) {
    try {
        auto found = graph.get(path + "?$select=id");
        return found.body ? found.body->optValue<std::string>("id", "") : std::string();
    } catch (const ServiceError& e) {
        if (e.httpStatus() == 404)
            return {};
        throw;
    }
}

/// Whether remove deletes the application in the tenant: by default only one setup created; an adopted
/// application belongs to the identity team and is deleted only when delete_application=true says so.
bool deletesApplication(const std::optional<InstanceRecord>& record, const RemoveSettings& settings) {
    if (settings.localOnly && settings.deleteApplication.value_or(false))
        throw wp::Error(WP_E_INVALID_CONFIG, "config.settings_conflict",
                        "local_only=true and delete_application=true contradict each other.");
    if (settings.localOnly)
        return false;
    return settings.deleteApplication.value_or(!(record && isAdopted(*record)));
}

void forgetOnly(const ActionContext& context, const std::optional<InstanceRecord>& record,
                const RemoveSettings& settings, Progress& progress) {
    auto step = progress.step("forget", "Forgetting the instance locally (the tenant is not touched)");
    bool adoptedDefault = record && isAdopted(*record) && !settings.localOnly;
    if (record)
        progress.warn("application " + record->appId + " stays in tenant " + record->tenantId +
                      (adoptedDefault ? ": it was adopted, not created by this plugin (set "
                                        "delete_application=true to delete it)"
                                      : "; delete it in the Entra admin center if it is no longer needed"));
    forgetLocally(context.host);
    step.done();
    context.call.event(std::string("{\"event\":\"result\",\"action\":\"remove\",\"removed\":true,"
                                   "\"local_only\":true,\"application_deleted\":false,\"reason\":\"") +
                       (settings.localOnly ? "local_only"
                        : adoptedDefault   ? "adopted"
                                           : "delete_application") +
                       "\"}");
}

} // namespace

void runRemove(const ActionContext& context, const RemoveSettings& settings) {
    const auto& host = context.host;
    Progress progress(host, context.call);
    std::optional<InstanceRecord> record;
    if (auto stored = host.config().get(keys::instance)) {
        try {
            record = InstanceRecord::fromJson(stored->value);
        } catch (const wp::Error&) {
            if (!settings.localOnly)
                throw;
        }
    }
    Journal journal(host.config());
    auto interrupted = journal.peek();
    if (!record && !interrupted && !settings.localOnly) {
        progress.info("Nothing to remove: this instance is not configured.");
        context.call.event("{\"event\":\"result\",\"action\":\"remove\",\"removed\":false}");
        return;
    }
    bool deleteApplicationToo = deletesApplication(record, settings);
    // An interrupted setup left objects of ours in the tenant: cleaning them up needs the admin anyway.
    bool setupLeftovers = interrupted && interrupted->operation == "setup";
    if (!deleteApplicationToo && !(setupLeftovers && !settings.localOnly)) {
        forgetOnly(context, record, settings, progress);
        return;
    }

    AdminSignIn signIn;
    if (record) {
        signIn = {record->tenantId, record->cloud, record->signInClientId};
    } else {
        signIn = {interrupted->tenant, interrupted->cloud, interrupted->signInClientId};
    }
    if (!settings.clientId.empty())
        signIn.clientId = settings.clientId;
    auto caFile = !settings.caFile.empty() ? settings.caFile : record ? record->caFile : interrupted->caFile;
    // An interrupted setup's journal has no proxy settings: the environment's proxy applies then.
    auto transport = makeTransport(caFile, "m365-plugin/" + std::string(host.hostName()),
                                   record ? record->proxy : ProxyConfig{});
    SignedInAdmin admin;
    {
        auto step = progress.step("sign_in", "Signing in the administrator (device code)");
        admin = signInAdmin(transport, signIn, PermissionManifest::builtIn(), context.call);
        step.done(admin.userPrincipalName);
    }
    if (record && Poco::icompare(admin.tenantId, record->tenantId) != 0)
        throw wp::Error(WP_E_PERMISSION_DENIED, "auth.wrong_tenant",
                        "The administrator signed in to tenant " + admin.tenantId +
                            ", but this instance belongs to " + record->tenantId + ".",
                        "Sign in with an account of the configured tenant.");
    auto runId = randomGuid();
    GraphClient graph(transport, signIn.cloud.graphBase(), admin.token.token, runId, &context.call);
    graph.onRetry(
        [&](const std::string& what, std::chrono::milliseconds wait) { progress.waiting(what, wait); });
    graph.onTrace([&](const std::string& line) { host.log(wp::LogLevel::Trace, line); });
    recoverInterrupted(graph, admin.tenantId, host, progress);
    if (record && deleteApplicationToo) {
        auto step =
            progress.step("delete_application", "Deleting application " + record->appId + " from the tenant");
        // An adopted application that could not read itself has no object ids on record: look them up.
        auto objectId = !record->applicationObjectId.empty()
                            ? record->applicationObjectId
                            : lookUpId(graph, "/applications(appId='" + record->appId + "')");
        auto principalId = !record->servicePrincipalId.empty()
                               ? record->servicePrincipalId
                               : lookUpId(graph, "/servicePrincipals(appId='" + record->appId + "')");
        deleteApplication(graph, objectId, principalId);
        step.done();
    } else if (record) {
        progress.warn("application " + record->appId + " stays in tenant " + record->tenantId +
                      " (not deleted: " + (settings.localOnly ? "local_only" : "adopted") + ")");
    }
    {
        auto step = progress.step("forget", "Removing the instance's configuration and secrets");
        forgetLocally(host);
        step.done();
    }
    context.call.event(std::string("{\"event\":\"result\",\"action\":\"remove\",\"removed\":true,"
                                   "\"local_only\":false,\"application_deleted\":") +
                       (record && deleteApplicationToo ? "true" : "false") + "}");
}

} // namespace m365
