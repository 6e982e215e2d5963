#include "setup.h"

#include "admin_access.h"
#include "admin_session.h"
#include "app_registration.h"
#include "certificate.h"
#include "credential_worker.h"
#include "graph_client.h"
#include "instance_record.h"
#include "journal.h"
#include "kill_point.h"
#include "permission_manifest.h"
#include "progress.h"
#include "recovery.h"
#include "rotation_support.h"
#include "tenant_directory.h"
#include "token_client.h"
#include "verify.h"

#include <Poco/String.h>

namespace m365 {

namespace {

std::chrono::milliseconds seconds(int s) {
    return std::chrono::milliseconds(static_cast<long long>(s) * 1000);
}

/// Everything setup learned and created, in the order it happened.
struct SetupRun {
    SignedInAdmin admin;
    OrganizationInfo organization;
    std::string sharepointHost;
    std::vector<ResolvedPermission> permissions;
    GeneratedCredential credential;
    CreatedApplication application;
    std::string servicePrincipalId;
    std::vector<Grant> grants;
};

void checkNotConfigured(const wp::Host& host) {
    // A setup that committed but died before clearing its journal is complete: clear the journal so that
    // no later action mistakes its application for leftovers.
    settleCommittedSetup(host);
    if (host.config().get(keys::instance))
        throw wp::Error(WP_E_CONFLICT, "config.already_configured", "This instance is already configured.",
                        "Use configure --action remove first, or pick another instance name.");
}

std::vector<VerifyTarget> verifyTargets(const SetupRun& run, const InstanceRecord& record) {
    std::vector<VerifyTarget> targets;
    for (const auto& resource : {"graph", "exchange", "sharepoint"}) {
        auto names = record.permissionNames(resource);
        if (names.empty())
            continue;
        targets.push_back(
            {resource, record.resourceAudience(resource) + "/.default", {names.begin(), names.end()}});
    }
    (void)run;
    return targets;
}

InstanceRecord buildRecord(const ActionContext& context, const SetupSettings& settings, const SetupRun& run,
                           const JournalEntry& journal, const std::vector<std::string>& requestIds) {
    InstanceRecord record;
    record.tenantId = run.admin.tenantId;
    record.tenantDomain = settings.connection.tenant;
    record.initialDomain = run.organization.initialDomain;
    record.cloud = settings.connection.cloud;
    record.caFile = settings.connection.caFile;
    record.proxy = settings.connection.proxy;
    record.signInClientId = settings.connection.clientId;
    record.sharepointHost = run.sharepointHost;
    record.assertion = assertionProfileName(settings.assertion);
    record.displayName = settings.appName;
    record.applicationObjectId = run.application.objectId;
    record.appId = run.application.appId;
    record.servicePrincipalId = run.servicePrincipalId;
    record.workloads = settings.workloads;
    record.includeRestore = settings.includeRestore;
    record.reminderDays = settings.reminderDays;
    for (const auto& grant : run.grants)
        record.permissions.push_back({grant.permission->permission.resource,
                                      grant.permission->permission.name, grant.permission->appRoleId,
                                      grant.assignmentId});
    const auto& certificate = run.credential.certificate;
    record.certificate = {journal.secretKey,     certificate.thumbprintSha1, certificate.thumbprintSha256,
                          run.application.keyId, certificate.subject,        certificate.notBefore,
                          certificate.notAfter,  certificate.keyBits};
    AuditEntry audit;
    audit.action = "setup";
    audit.at = isoTime(unixNow());
    audit.host = std::string(context.host.hostName());
    audit.runId = journal.runId;
    audit.signedInUpn = run.admin.userPrincipalName;
    audit.signedInObjectId = run.admin.objectId;
    audit.created = {"application " + run.application.objectId + " (appId " + run.application.appId + ")",
                     "servicePrincipal " + run.servicePrincipalId,
                     std::to_string(run.grants.size()) + " appRoleAssignment(s)",
                     "keyCredential " + run.application.keyId + " (SHA-1 " + certificate.thumbprintSha1 +
                         ")"};
    audit.requestIds = requestIds;
    record.audit.push_back(audit);
    return record;
}

/// Secrets first under a key name no one uses yet, then the config record with compare-and-swap:
/// the instance becomes visible only when both exist.
void commit(const wp::Host& host, const InstanceRecord& record, const GeneratedCredential& credential) {
    auto secret = credentialSecretJson(credential.privateKeyPem.view(), credential.certificate.pem);
    if (!host.secrets().putIf(record.certificate.secretKey, WP_REVISION_ABSENT, secret.view()))
        throw wp::Error(WP_E_CONFLICT, "store.secret_exists",
                        "A credential with this thumbprint is already stored; refusing to overwrite it.");
    testKillPoint("setup_secret_stored");
    if (!host.config().putIf(keys::instance, WP_REVISION_ABSENT, record.toJson()))
        throw wp::Error(WP_E_CONFLICT, "config.already_configured",
                        "Another process configured this instance meanwhile.",
                        "Use configure --action remove first, or pick another instance name.");
    testKillPoint("setup_committed");
}

void createAndVerify(const ActionContext& context, const SetupSettings& settings, SetupRun& run,
                     GraphClient& graph, Journal& journal, Progress& progress) {
    {
        auto step = progress.step("create_application", "Creating application '" + settings.appName + "'");
        journal.intend("create_application");
        ApplicationSpec spec{settings.appName, journal.entry().marker(),
                             "Backup application created by " + std::string(context.host.hostName()) +
                                 " (instance " + context.instanceId + ", run " + journal.entry().runId +
                                 "). Holds only the permissions its workloads need.",
                             &run.permissions, &run.credential.certificate};
        run.application = createApplication(graph, spec);
        testKillPoint("setup_application_created");
        journal.record([&](JournalEntry& e) {
            e.applicationObjectId = run.application.objectId;
            e.appId = run.application.appId;
        });
        testKillPoint("setup_application_recorded");
        step.done("appId " + run.application.appId);
    }
    {
        auto step = progress.step("create_service_principal", "Creating its service principal");
        journal.intend("create_service_principal");
        run.servicePrincipalId =
            createServicePrincipal(graph, run.application.appId, seconds(settings.verifyTimeoutSeconds));
        testKillPoint("setup_service_principal_created");
        journal.record([&](JournalEntry& e) { e.servicePrincipalId = run.servicePrincipalId; });
        testKillPoint("setup_service_principal_recorded");
        step.done("id " + run.servicePrincipalId);
    }
    {
        auto step = progress.step("grant_permissions", "Granting " + std::to_string(run.permissions.size()) +
                                                           " application permission(s)");
        journal.intend("grant_permissions");
        run.grants = grantPermissions(graph, run.servicePrincipalId, run.permissions,
                                      seconds(settings.verifyTimeoutSeconds), progress);
        testKillPoint("setup_granted");
        journal.record([&](JournalEntry& e) {
            for (const auto& grant : run.grants)
                e.assignmentIds.push_back(grant.permission->resourceSpId + "/" + grant.assignmentId);
        });
        step.done();
    }
}

} // namespace

void runSetup(const ActionContext& context, const SetupSettings& settings) {
    const auto& manifest = PermissionManifest::builtIn();
    const auto& host = context.host;
    Progress progress(host, context.call);
    checkNotConfigured(host);
    auto permissions = manifest.required(settings.workloads, settings.includeRestore);
    auto transport = makeTransport(settings.connection.caFile, "m365-plugin/" + std::string(host.hostName()),
                                   settings.connection.proxy);
    // The key and certificate need nothing from the sign-in: they are generated while the administrator
    // signs in. If the sign-in (or any check before the generate_certificate step) fails, the worker is
    // joined and its key wiped on the way out.
    CredentialWorker keygen(("m365-plugin-" + context.instanceId).substr(0, 64), settings.keyBits,
                            settings.validityDays);
    SetupRun run;
    {
        auto step = progress.step("sign_in", "Signing in the administrator (device code)");
        run.admin = signInAdmin(transport,
                                {settings.connection.tenant, settings.connection.cloud,
                                 settings.connection.clientId, settings.connection.deviceCodeAttempts},
                                manifest, context.call);
        step.done(run.admin.userPrincipalName.empty() ? "tenant " + run.admin.tenantId
                                                      : run.admin.userPrincipalName);
    }
    std::string runId = randomGuid();
    GraphClient graph =
        adminGraph(transport, settings.connection.cloud, run.admin, runId, progress, &context.call);
    recoverInterrupted(graph, run.admin.tenantId, host, progress);
    {
        auto step = progress.step("check_roles", "Checking the administrator's directory roles");
        requireAdminRoles(run.admin, manifest, permissions, "setup");
        step.done();
    }
    {
        auto step = progress.step("resolve_tenant", "Reading the tenant's organization");
        run.organization = fetchOrganization(graph);
        run.sharepointHost = settings.sharepointHost;
        if (run.sharepointHost.empty())
            run.sharepointHost = sharepointHostFromInitialDomain(
                run.organization.initialDomain, settings.connection.cloud.initialDomainSuffix,
                settings.connection.cloud.sharepointDomain);
        bool needsSharepoint = std::any_of(permissions.begin(), permissions.end(),
                                           [](const Permission& p) { return p.resource == "sharepoint"; });
        if (needsSharepoint && run.sharepointHost.empty())
            throw wp::Error(WP_E_INVALID_CONFIG, "config.sharepoint_host_missing",
                            "The SharePoint host cannot be derived from the tenant's initial domain.",
                            "Set sharepoint_host (e.g. contoso.sharepoint.com).");
        step.done("tenant " + run.organization.tenantId);
    }
    {
        auto step = progress.step("resolve_permissions", "Resolving " + std::to_string(permissions.size()) +
                                                             " application permission(s) in the tenant");
        run.permissions = resolvePermissions(graph, manifest, permissions, progress);
        step.done();
    }
    {
        auto step = progress.step("generate_certificate", "Generating a " + std::to_string(settings.keyBits) +
                                                              "-bit RSA key and certificate");
        run.credential = keygen.take(); // started before the sign-in; usually done by now
        step.done("SHA-1 " + run.credential.certificate.thumbprintSha1);
    }

    context.call.throwIfCancelled();
    Journal journal(host.config());
    JournalEntry entry;
    entry.operation = "setup";
    entry.runId = runId;
    entry.startedAt = isoTime(unixNow());
    entry.host = std::string(host.hostName());
    entry.tenant = run.admin.tenantId;
    entry.cloud = settings.connection.cloud;
    entry.caFile = settings.connection.caFile;
    entry.signInClientId = settings.connection.clientId;
    entry.secretKey = keys::credential(run.credential.certificate.thumbprintSha1);
    entry.displayName = settings.appName;
    entry.owner = processOwnerId();
    RunningOperation running(runId); // a concurrent configure of this instance sees the journal as live
    journal.begin(entry);
    testKillPoint("setup_journaled");
    try {
        createAndVerify(context, settings, run, graph, journal, progress);
        InstanceRecord record = buildRecord(context, settings, run, journal.entry(), graph.writeRequestIds());
        {
            auto step = progress.step("verify", "Verifying the permissions with an app-only token");
            ConfidentialClientSettings clientSettings{
                settings.connection.cloud.authorityFor(run.admin.tenantId) + "/token", run.application.appId,
                settings.assertion};
            ConfidentialClient client(transport, clientSettings,
                                      SigningKey::fromPem(run.credential.privateKeyPem.view()),
                                      run.credential.certificate);
            verifyCredential(client, verifyTargets(run, record), seconds(settings.verifyTimeoutSeconds),
                             progress);
            step.done();
        }
        testKillPoint("setup_verified");
        {
            auto step = progress.step("persist", "Saving the configuration");
            context.call.throwIfCancelled();
            commit(host, record, run.credential);
            journal.finish();
            step.done();
        }
        progress.info("Tenant " + run.admin.tenantId + " configured: application " + run.application.appId +
                      " with " + std::to_string(record.permissions.size()) +
                      " permission(s), certificate valid until " + isoTime(record.certificate.notAfter));
        context.call.event("{\"event\":\"result\",\"action\":\"setup\",\"tenant_id\":\"" +
                           run.admin.tenantId + "\",\"app_id\":\"" + run.application.appId +
                           "\",\"certificate_expires\":\"" + isoTime(record.certificate.notAfter) + "\"}");
    } catch (...) {
        auto step = progress.step("rollback", "Rolling back what this setup created");
        try {
            // Not cancellable: the undo must run to the end even when the cancel is what brought us here.
            GraphClient undo(transport, settings.connection.cloud.graphBase(), run.admin.token.token, runId,
                             nullptr);
            rollBackSetup(undo, journal, host, progress); // the tenant even when the store is down
            step.done();
        } catch (const std::exception& e) {
            progress.warn(
                std::string(
                    "rollback incomplete, the next configure or remove of this instance retries it: ") +
                e.what());
        }
        throw;
    }
}

} // namespace m365
