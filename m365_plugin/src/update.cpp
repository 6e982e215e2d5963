#include "update.h"

#include "admin_access.h"
#include "admin_session.h"
#include "adopt_policy.h"
#include "app_registration.h"
#include "json_util.h"
#include "jwt.h"
#include "kill_point.h"
#include "rotate.h"
#include "rotation_support.h"
#include "update_session.h"
#include "verify.h"

#include <optional>
#include <set>

namespace m365 {

namespace {

std::chrono::milliseconds seconds(long long s) {
    return std::chrono::milliseconds(s * 1000);
}

/// What this run changed in the tenant and the stores so far: what a rollback has to undo.
struct UpdateRun {
    std::optional<GeneratedCredential> fresh;
    bool secretStored = false;
    bool grantAttempted = false;
    std::vector<Grant> granted;
    std::vector<AppRoleGrant> revoked;
    bool accessPatched = false;
    bool switched = false;
};

/// The token checks: every resource the instance touches carries the needed roles (and, through
/// revokedRoles, none of the revoked ones); the graph token is always checked so that a new key is proven
/// even without roles.
std::vector<VerifyTarget> verifyTargets(const UpdateSession& session, const RevokedRoles& revoked) {
    std::vector<VerifyTarget> targets;
    for (const std::string resource : {"graph", "exchange", "sharepoint"}) {
        std::set<std::string> roles;
        for (const auto& permission : session.needed())
            if (permission.permission.resource == resource)
                roles.insert(permission.permission.name);
        if (roles.empty() && !revoked.count(resource) && resource != "graph")
            continue;
        targets.push_back({resource, session.record().resourceAudience(resource) + "/.default", roles});
    }
    return targets;
}

RevokedRoles revokedRoles(const UpdateSession& session) {
    RevokedRoles revoked;
    for (const auto& revoke : session.changes().revokes) {
        bool stillNeeded = false;
        for (const auto& permission : session.needed())
            stillNeeded = stillNeeded || (permission.permission.resource == revoke.resource &&
                                          permission.permission.name == revoke.name);
        if (!revoke.name.empty() && !stillNeeded)
            revoked[revoke.resource].insert(revoke.name);
    }
    return revoked;
}

JournalEntry journalEntry(const ActionContext& context, const UpdateSession& session, const UpdateRun& run) {
    const auto& record = session.record();
    JournalEntry entry;
    entry.operation = "update";
    entry.runId = session.runId();
    entry.startedAt = isoTime(unixNow());
    entry.host = std::string(context.host.hostName());
    entry.tenant = record.tenantId;
    entry.cloud = record.cloud;
    entry.caFile = record.caFile;
    entry.signInClientId = record.signInClientId;
    entry.owner = processOwnerId();
    entry.servicePrincipalId = record.servicePrincipalId;
    if (run.fresh) {
        entry.secretKey = keys::credential(run.fresh->certificate.thumbprintSha1);
        entry.addedKeyId = randomGuid();
        entry.replacedKeyId = record.certificate.keyId;
        entry.replacedSecret = record.certificate.secretKey;
    }
    return entry;
}

/// The tenant changes, each announced in the journal first. Throws on the first failure (the caller undoes).
void applyChanges(UpdateSession& session, const UpdateSettings& settings, UpdateRun& run, Journal& journal,
                  Progress& progress) {
    const auto& record = session.record();
    const auto& changes = session.changes();
    auto& graph = session.graph();
    const auto budget = seconds(settings.target.verifyTimeoutSeconds);
    if (run.fresh) {
        auto step =
            progress.step("add_key", "Adding the new certificate to the application (PATCH keyCredentials)");
        const auto& entry = journal.entry();
        auto secret = credentialSecretJson(run.fresh->privateKeyPem.view(), run.fresh->certificate.pem);
        if (!progress.host().secrets().putIf(entry.secretKey, WP_REVISION_ABSENT, secret.view()))
            throw wp::Error(WP_E_CONFLICT, "store.secret_exists",
                            "A credential with this thumbprint is already stored; refusing to overwrite it.");
        run.secretStored = true;
        journal.intend("add_key");
        // Still-valid keys stay (the current one too, until the switch); expired ones go.
        auto keys = keysWithout(session.state().keys, {}, session.now());
        if (!keys) {
            keys = new Poco::JSON::Array;
            for (const auto& key : session.state().keys)
                keys->add(keptKeyCredentialJson(key));
        }
        keys->add(keyCredentialJson(run.fresh->certificate, entry.addedKeyId));
        replaceKeyCredentials(graph, record.applicationObjectId, keys);
        journal.record([](JournalEntry&) {});
        step.done("keyId " + entry.addedKeyId);
        testKillPoint("update_key_added");
    }
    if (!changes.grants.empty()) {
        auto step = progress.step("grant_permissions", "Granting " + std::to_string(changes.grants.size()) +
                                                           " application permission(s)");
        journal.intend("grant_permissions");
        run.grantAttempted = true;
        run.granted = grantPermissions(graph, record.servicePrincipalId, changes.grants, budget, progress);
        journal.record([&](JournalEntry& e) {
            for (const auto& grant : run.granted)
                if (!grant.assignmentId.empty())
                    e.assignmentIds.push_back(grant.permission->resourceSpId + "/" + grant.assignmentId);
        });
        step.done();
        testKillPoint("update_granted");
    }
    if (!changes.revokes.empty()) {
        auto step = progress.step("revoke_permissions", "Revoking " + std::to_string(changes.revokes.size()) +
                                                            " permission(s) no longer needed");
        journal.intend("revoke_permissions");
        for (const auto& revoke : changes.revokes) {
            revokeGrant(graph, revoke.resourceSpId, revoke.assignmentId);
            run.revoked.push_back(revoke);
            progress.info("revoked " + permissionLabel(revoke.name, revoke.resource));
        }
        journal.record([](JournalEntry&) {});
        step.done();
    }
    if (changes.requiredResourceAccess) {
        auto step = progress.step("update_required_access",
                                  "Declaring exactly the needed permissions on the application");
        journal.intend("update_required_access");
        run.accessPatched = true;
        replaceRequiredResourceAccess(graph, record.applicationObjectId,
                                      requiredResourceAccessJson(session.needed()));
        journal.record([](JournalEntry&) {});
        step.done();
    }
}

/// Before the switch: puts the tenant and the stores back as they were. Not cancellable.
void rollback(UpdateSession& session, UpdateRun& run, Journal& journal, Progress& progress) {
    const auto& record = session.record();
    const auto& host = progress.host();
    GraphClient graph =
        adminGraph(session.transport(), record.cloud, session.admin(), session.runId(), progress, nullptr);
    const auto& manifest = PermissionManifest::builtIn();
    auto current =
        readApplicationState(graph, manifest, record.applicationObjectId, record.servicePrincipalId);
    if (run.grantAttempted) {
        // Every assignment of a role this run set out to grant, also those whose answer the failure hid.
        for (const auto& grant : current.grants)
            for (const auto& planned : session.changes().grants)
                if (grant.resourceSpId == planned.resourceSpId && grant.appRoleId == planned.appRoleId) {
                    revokeGrant(graph, grant.resourceSpId, grant.assignmentId);
                    progress.info("took back the grant of " + permissionLabel(grant.name, grant.resource));
                }
    }
    if (!run.revoked.empty()) {
        std::vector<ResolvedPermission> regrant;
        for (const auto& revoked : run.revoked) {
            Permission permission;
            permission.name = revoked.name;
            permission.resource = revoked.resource;
            regrant.push_back({permission, revoked.resourceAppId, revoked.resourceSpId, revoked.appRoleId});
        }
        grantPermissions(graph, record.servicePrincipalId, regrant, std::chrono::seconds(120), progress);
        progress.info("granted the " + std::to_string(regrant.size()) + " revoked permission(s) again");
    }
    if (run.accessPatched)
        replaceRequiredResourceAccess(graph, record.applicationObjectId,
                                      session.state().requiredResourceAccessJson);
    const auto& entry = journal.entry();
    if (!entry.addedKeyId.empty()) {
        if (auto keys = keysWithout(current.keys, {entry.addedKeyId}, 0)) {
            replaceKeyCredentials(graph, record.applicationObjectId, keys);
            progress.info("removed the added key " + entry.addedKeyId + " from the application");
        }
    }
    if (run.secretStored)
        host.secrets().removeIf(entry.secretKey);
    journal.finish();
}

InstanceRecord updatedRecord(const ActionContext& context, const UpdateSession& session, const UpdateRun& run,
                             const JournalEntry& entry, const std::vector<std::string>& requestIds) {
    InstanceRecord next = session.record();
    const auto& changes = session.changes();
    next.workloads = session.workloads();
    next.includeRestore = session.includeRestore();
    next.permissions = changes.kept;
    for (const auto& grant : run.granted)
        next.permissions.push_back({grant.permission->permission.resource, grant.permission->permission.name,
                                    grant.permission->appRoleId, grant.assignmentId});
    AuditEntry audit;
    audit.action = "update";
    audit.at = isoTime(unixNow());
    audit.host = std::string(context.host.hostName());
    audit.runId = session.runId();
    audit.signedInUpn = session.admin().userPrincipalName;
    audit.signedInObjectId = session.admin().objectId;
    if (run.fresh) {
        const auto& certificate = run.fresh->certificate;
        next.certificate = {entry.secretKey,      certificate.thumbprintSha1, certificate.thumbprintSha256,
                            entry.addedKeyId,     certificate.subject,        certificate.notBefore,
                            certificate.notAfter, certificate.keyBits};
        audit.created.push_back("keyCredential " + entry.addedKeyId + " (SHA-1 " +
                                certificate.thumbprintSha1 + ", " + changes.key.reason + ")");
    }
    for (const auto& grant : run.granted)
        audit.created.push_back("granted " + permissionLabel(grant.permission->permission.name,
                                                             grant.permission->permission.resource));
    for (const auto& revoked : run.revoked)
        audit.created.push_back("revoked " + permissionLabel(revoked.name, revoked.resource));
    if (run.accessPatched)
        audit.created.push_back("requiredResourceAccess set to the " +
                                std::to_string(session.needed().size()) + " needed permission(s)");
    audit.requestIds = requestIds;
    next.audit.push_back(audit);
    return next;
}

/// After the switch: the replaced key leaves the application, its secret the store. Failures only warn
/// (the key is still valid or already expired; the journal lets the next update finish it).
void dropReplacedKey(UpdateSession& session, Journal& journal, Progress& progress) {
    const auto& entry = journal.entry();
    auto step = progress.step("remove_old_key", "Removing the replaced certificate from the application");
    GraphClient graph = adminGraph(session.transport(), session.record().cloud, session.admin(),
                                   session.runId(), progress, nullptr);
    journal.intend("remove_key");
    undoOrFinishUpdate(graph, journal, progress.host(), progress, session.now());
    step.done("keyId " + entry.replacedKeyId);
}

std::string namesOf(const std::vector<std::string>& names) {
    std::string text;
    for (const auto& name : names)
        text += (text.empty() ? "" : ", ") + name;
    return text.empty() ? "none" : text;
}

void reportResult(const ActionContext& context, const UpdateSession& session, const UpdateRun& run,
                  const std::string& outcome) {
    Poco::JSON::Object::Ptr result = new Poco::JSON::Object;
    result->set("event", "result");
    result->set("action", "update");
    result->set("outcome", outcome);
    result->set("run_id", session.runId());
    result->set("certificate_replaced", run.fresh.has_value());
    result->set("certificate_reason", session.changes().key.reason);
    std::vector<std::string> granted, revoked;
    for (const auto& grant : run.granted)
        granted.push_back(grant.permission->permission.resource + ":" + grant.permission->permission.name);
    for (const auto& revoke : run.revoked)
        revoked.push_back(revoke.resource + ":" + revoke.name);
    result->set("granted", json::toArray(granted));
    result->set("revoked", json::toArray(revoked));
    auto current = InstanceRecord::fromJson(context.host.config().get(keys::instance)->value);
    result->set("certificate_expires", isoTime(current.certificate.notAfter));
    result->set("thumbprint", current.certificate.thumbprintSha1);
    context.call.event(json::stringify(result));
    if (outcome == "unchanged")
        context.host.log(wp::LogLevel::Info, "Nothing to update: the certificate is fine (" +
                                                 session.changes().key.detail +
                                                 ") and the tenant grants exactly the permissions of " +
                                                 namesOf(session.workloads()) + ". Nothing was changed.");
    else
        context.host.log(wp::LogLevel::Info,
                         "Updated: certificate " + std::string(run.fresh ? "replaced" : "kept") +
                             ", granted " + namesOf(granted) + ", revoked " + namesOf(revoked) +
                             "; certificate valid until " + isoTime(current.certificate.notAfter));
}

} // namespace

void runUpdate(const ActionContext& context, const UpdateSettings& settings) {
    const auto& host = context.host;
    Progress progress(host, context.call);
    const auto budget = seconds(settings.target.verifyTimeoutSeconds);
    UpdateSession session(context, settings, progress);
    settleEarlierOperation(context, session, progress, budget + seconds(60));
    session.inspect();
    const auto& record = session.record();
    const auto& changes = session.changes();
    UpdateRun run;
    bool recordDiffers =
        session.workloads() != record.workloads || session.includeRestore() != record.includeRestore;
    if (changes.none() && !recordDiffers) {
        reportResult(context, session, run, "unchanged");
        return;
    }
    if (changes.key.replace && !record.allowSelfRotation)
        throw wp::Error(
            WP_E_PERMISSION_DENIED, "update.certificate_not_allowed",
            "The certificate needs replacing (" + changes.key.detail + "), but application " + record.appId +
                " was adopted and its owners did not allow the plugin to add certificates "
                "(allow_self_rotation=false); the plugin changed nothing.",
            "Import the certificate your identity team renewed: " + importRenewedCertificateCommand() + ".");
    if (!changes.none()) {
        auto step = progress.step("check_roles", "Checking the administrator's directory roles");
        session.requireAdminRoles();
        step.done();
    }
    if (changes.key.replace) {
        auto step = progress.step("generate_certificate",
                                  "Generating a " + std::to_string(session.keyBits()) +
                                      "-bit RSA key and certificate (" + changes.key.detail + ")");
        auto commonName = "m365-plugin-" + context.instanceId;
        run.fresh = generateSelfSignedCredential(commonName.substr(0, 64), session.keyBits(),
                                                 settings.target.validityDays);
        step.done("SHA-1 " + run.fresh->certificate.thumbprintSha1);
    }

    context.call.throwIfCancelled();
    Journal journal(host.config());
    journal.begin(journalEntry(context, session, run));
    RunningOperation running(session.runId()); // marks the journal's owner as alive in this process
    try {
        applyChanges(session, settings, run, journal, progress);
        {
            auto step = progress.step("verify", "Verifying the permissions with an app-only token");
            std::optional<ConfidentialClient> fresh;
            if (run.fresh) {
                ConfidentialClientSettings clientSettings{
                    record.cloud.authorityFor(record.tenantId) + "/token", record.appId,
                    assertionProfileFromName(record.assertion)};
                fresh.emplace(session.transport(), clientSettings,
                              SigningKey::fromPem(run.fresh->privateKeyPem.view()), run.fresh->certificate);
            }
            auto revoked = revokedRoles(session);
            verifyCredential(fresh ? *fresh : session.current()->client(), verifyTargets(session, revoked),
                             budget, progress, revoked);
            step.done();
        }
        {
            auto step = progress.step("persist", "Saving the configuration");
            context.call.throwIfCancelled();
            journal.intend("switch");
            auto next =
                updatedRecord(context, session, run, journal.entry(), session.graph().writeRequestIds());
            if (!host.config().putIf(keys::instance, session.revision(), next.toJson()))
                throw wp::Error(WP_E_CONFLICT, "update.conflict",
                                "The instance's configuration changed during the update.",
                                "Run configure --action update again.");
            run.switched = true;
            journal.record([](JournalEntry&) {});
            step.done();
            testKillPoint("update_switched");
        }
    } catch (...) {
        if (run.switched)
            throw; // committed: nothing to undo (the journal, if left, is settled by the next update)
        auto step = progress.step("rollback", "Undoing what this update changed");
        try {
            rollback(session, run, journal, progress);
            step.done();
        } catch (const std::exception& e) {
            progress.warn(std::string("rollback incomplete, the next update of this instance retries it: ") +
                          e.what());
        }
        throw;
    }
    if (run.fresh) {
        try {
            dropReplacedKey(session, journal, progress);
        } catch (const std::exception& e) {
            progress.warn(
                std::string("the new certificate is in use; removing the replaced one failed and the "
                            "next update retries it: ") +
                e.what());
        }
    }
    journal.finish();
    reportResult(context, session, run, "updated");
}

} // namespace m365
