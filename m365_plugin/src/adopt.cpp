// configure --action adopt (see adopt.h): import, check online, then commit like setup (secret first, then
// the instance record with compare-and-swap) or, with replace_certificate, switch the committed record to
// the new certificate in one compare-and-swap. The source files and their passwords are never stored.
#include "adopt.h"

#include "adopt_policy.h"
#include "instance_record.h"
#include "journal.h"
#include "progress.h"
#include "rotate.h"
#include "rotation_support.h"

#include <Poco/String.h>

namespace m365 {

namespace {

CertificateRecord certificateRecord(const std::string& secretKey, const CertificateInfo& certificate,
                                    const std::string& keyId) {
    return {
        secretKey,           certificate.thumbprintSha1, certificate.thumbprintSha256, keyId,
        certificate.subject, certificate.notBefore,      certificate.notAfter,         certificate.keyBits};
}

AuditEntry auditEntry(const ActionContext& context, const std::string& action,
                      const CertificateInfo& certificate) {
    AuditEntry audit;
    audit.action = action;
    audit.at = isoTime(unixNow());
    audit.host = std::string(context.host.hostName());
    audit.runId = randomGuid();
    audit.created = {"certificate SHA-1 " + certificate.thumbprintSha1 +
                     " imported (application not modified)"};
    return audit;
}

std::vector<GrantedPermission> grantedPermissions(const std::vector<Permission>& granted) {
    std::vector<GrantedPermission> result;
    for (const auto& permission :
         granted) // granted by the identity team: role id as documented, no assignment id
        result.push_back({permission.resource, permission.name, permission.expectedId, ""});
    return result;
}

GeneratedCredential importStep(const AdoptSettings& settings, Progress& progress) {
    const auto& source = settings.source;
    auto step = progress.step("import_certificate",
                              "Reading the certificate and key from " +
                                  (source.pfxFile.empty() ? source.certificateFile : source.pfxFile));
    auto credential = importCredential(source);
    step.done("SHA-1 " + credential.certificate.thumbprintSha1 + ", valid until " +
              isoTime(credential.certificate.notAfter));
    if (credential.certificate.notAfter <= unixNow())
        throw wp::Error(WP_E_INVALID_CONFIG, "adopt.certificate_expired",
                        "The certificate (SHA-1 " + credential.certificate.thumbprintSha1 + ") expired on " +
                            isoTime(credential.certificate.notAfter) + ".");
    return credential;
}

void storeSecret(const wp::Host& host, const std::string& secretKey, const GeneratedCredential& credential) {
    auto secret = credentialSecretJson(credential.privateKeyPem.view(), credential.certificate.pem);
    if (!host.secrets().putIf(secretKey, WP_REVISION_ABSENT, secret.view()))
        throw wp::Error(WP_E_CONFLICT, "store.secret_exists",
                        "A credential with this thumbprint is already stored; refusing to overwrite it.");
}

void resultEvent(const ActionContext& context, const InstanceRecord& record,
                 const AdoptInspection& inspection, bool replaced) {
    context.call.event(std::string("{\"event\":\"result\",\"action\":\"adopt\",\"replaced\":") +
                       (replaced ? "true" : "false") + ",\"tenant_id\":\"" + record.tenantId +
                       "\",\"app_id\":\"" + record.appId + "\",\"thumbprint\":\"" +
                       record.certificate.thumbprintSha1 +
                       "\",\"granted\":" + std::to_string(inspection.granted.size()) +
                       ",\"missing\":" + std::to_string(inspection.missing.size()) +
                       ",\"allow_self_rotation\":" + (record.allowSelfRotation ? "true" : "false") +
                       ",\"certificate_expires\":\"" + isoTime(record.certificate.notAfter) + "\"}");
}

void adoptNew(const ActionContext& context, const AdoptSettings& settings, Progress& progress) {
    const auto& host = context.host;
    const auto& setup = settings.setup;
    if (host.config().get(keys::instance))
        throw wp::Error(WP_E_CONFLICT, "config.already_configured", "This instance is already configured.",
                        "Use replace_certificate=true to switch its certificate, or remove it first.");
    // A setup that is running or was interrupted may have created objects in the tenant that only its
    // journal knows; adopting over it would lose them. Cleaning them up needs an administrator.
    if (auto pending = Journal(host.config()).peek())
        throw wp::Error(WP_E_CONFLICT, "journal.busy",
                        "An unfinished " + pending->operation + " of this instance is recorded (run " +
                            pending->runId + ", started " + pending->startedAt + " on " + pending->host +
                            "); nothing was adopted.",
                        "If it is still running, wait for it; otherwise run configure --action remove (an "
                        "administrator signs in and cleans up what it created), then adopt again.");
    auto credential = importStep(settings, progress);
    auto selected = PermissionManifest::builtIn().required(setup.workloads, setup.includeRestore);
    auto inspection =
        inspectAdoptedApplication(context, setup.connection, settings.appId, setup.assertion, credential,
                                  selected, setup.sharepointHost, setup.verifyTimeoutSeconds);
    InstanceRecord record;
    record.tenantId = inspection.tenantId;
    record.tenantDomain = setup.connection.tenant;
    record.initialDomain = inspection.initialDomain;
    record.cloud = setup.connection.cloud;
    record.caFile = setup.connection.caFile;
    record.proxy = setup.connection.proxy;
    record.signInClientId = setup.connection.clientId;
    record.sharepointHost = inspection.sharepointHost;
    record.assertion = assertionProfileName(setup.assertion);
    record.displayName = inspection.displayName;
    record.applicationObjectId = inspection.applicationObjectId;
    record.appId = Poco::toLower(settings.appId);
    record.servicePrincipalId = inspection.servicePrincipalId;
    record.origin = "adopt";
    record.allowSelfRotation = settings.allowSelfRotation.value_or(false);
    record.workloads = setup.workloads;
    record.includeRestore = setup.includeRestore;
    record.reminderDays = setup.reminderDays;
    record.permissions = grantedPermissions(inspection.granted);
    auto secretKey = keys::credential(credential.certificate.thumbprintSha1);
    record.certificate = certificateRecord(secretKey, credential.certificate, inspection.keyId);
    record.audit.push_back(auditEntry(context, "adopt", credential.certificate));

    auto step = progress.step("persist", "Saving the configuration");
    context.call.throwIfCancelled();
    storeSecret(host, secretKey, credential);
    if (!host.config().putIf(keys::instance, WP_REVISION_ABSENT, record.toJson())) {
        host.secrets().removeIf(secretKey);
        throw wp::Error(WP_E_CONFLICT, "config.already_configured",
                        "Another process configured this instance meanwhile; nothing was stored.");
    }
    step.done();
    progress.info("Application " + record.appId + " adopted in tenant " + record.tenantId + " with " +
                  std::to_string(record.permissions.size()) + " permission(s), " +
                  std::to_string(inspection.missing.size()) + " missing; certificate valid until " +
                  isoTime(record.certificate.notAfter));
    resultEvent(context, record, inspection, false);
}

void replaceCertificate(const ActionContext& context, const AdoptSettings& settings, Progress& progress) {
    const auto& host = context.host;
    // A rotation in flight (or interrupted) is brought to its end first, as rotate itself does, so the
    // switch below starts from a settled record and no added key is left behind.
    settleRotationJournal(
        context, progress,
        std::chrono::seconds(static_cast<long long>(settings.setup.verifyTimeoutSeconds) + 60));
    auto current = loadCurrentInstance(host);
    const auto& old = current.record();
    if (!settings.appId.empty() && Poco::toLower(settings.appId) != Poco::toLower(old.appId))
        throw wp::Error(WP_E_INVALID_CONFIG, "adopt.app_mismatch",
                        "This instance uses application " + old.appId + ", not " + settings.appId + ".");
    if (!settings.setup.connection.tenant.empty() &&
        Poco::toLower(settings.setup.connection.tenant) != Poco::toLower(old.tenantDomain) &&
        Poco::toLower(settings.setup.connection.tenant) != old.tenantId)
        throw wp::Error(WP_E_INVALID_CONFIG, "adopt.tenant_mismatch",
                        "This instance belongs to tenant " + old.tenantDomain + ".");
    auto credential = importStep(settings, progress);
    if (credential.certificate.thumbprintSha1 == old.certificate.thumbprintSha1)
        throw wp::Error(WP_E_INVALID_CONFIG, "adopt.same_certificate",
                        "The instance already uses the certificate with SHA-1 " +
                            old.certificate.thumbprintSha1 + ".");
    // Same checks as a first adoption, against the stored connection (the tenant id works as authority).
    ConnectionSettings connection{old.tenantId, old.cloud, old.caFile, old.signInClientId, old.proxy};
    auto selected = PermissionManifest::builtIn().required(old.workloads, old.includeRestore);
    auto inspection = inspectAdoptedApplication(context, connection, old.appId,
                                                assertionProfileFromName(old.assertion), credential, selected,
                                                old.sharepointHost, settings.setup.verifyTimeoutSeconds);
    InstanceRecord next = old;
    next.allowSelfRotation = settings.allowSelfRotation.value_or(old.allowSelfRotation);
    next.permissions = grantedPermissions(inspection.granted);
    if (!inspection.applicationObjectId.empty())
        next.applicationObjectId = inspection.applicationObjectId;
    if (!inspection.servicePrincipalId.empty())
        next.servicePrincipalId = inspection.servicePrincipalId;
    auto secretKey = keys::credential(credential.certificate.thumbprintSha1);
    next.certificate = certificateRecord(secretKey, credential.certificate, inspection.keyId);
    next.audit.push_back(auditEntry(context, "adopt_replace_certificate", credential.certificate));

    auto step = progress.step("switch", "Switching the instance to the new certificate");
    context.call.throwIfCancelled();
    storeSecret(host, secretKey, credential);
    // The one atomic switch: acquirers holding the old credential keep working (the application still holds
    // the old certificate until its owners remove it); every later load sees the new one.
    if (!host.config().putIf(keys::instance, current.revision, next.toJson())) {
        host.secrets().removeIf(secretKey);
        throw wp::Error(WP_E_CONFLICT, "adopt.conflict",
                        "The instance's configuration changed meanwhile; nothing was switched.",
                        "Run the adopt with replace_certificate again.");
    }
    step.done("SHA-1 " + old.certificate.thumbprintSha1 + " -> " + credential.certificate.thumbprintSha1);
    if (old.certificate.secretKey != secretKey)
        host.secrets().removeIf(old.certificate.secretKey);
    progress.info("Certificate replaced: SHA-1 " + credential.certificate.thumbprintSha1 + ", valid until " +
                  isoTime(credential.certificate.notAfter) +
                  ". The application still holds the old certificate (" + old.certificate.thumbprintSha1 +
                  "); its owners may remove it now.");
    resultEvent(context, next, inspection, true);
}

} // namespace

void runAdopt(const ActionContext& context, const AdoptSettings& settings) {
    Progress progress(context.host, context.call);
    if (settings.replaceCertificate)
        replaceCertificate(context, settings, progress);
    else
        adoptNew(context, settings, progress);
}

} // namespace m365
