#include "rotate.h"

#include "adopt_policy.h"
#include "key_rollover.h"
#include "kill_point.h"
#include "rotation_support.h"
#include "settings_reader.h"
#include "verify.h"

namespace m365 {

namespace {

std::chrono::milliseconds seconds(long long s) {
    return std::chrono::milliseconds(s * 1000);
}

void refuseIfExpired(const InstanceRecord& record, const RotateSettings& settings) {
    auto now = unixNow() + settings.nowOffsetSeconds;
    if (now < record.certificate.notAfter)
        return;
    throw wp::Error(
        WP_E_INVALID_CONFIG, "rotate.certificate_expired",
        "The certificate expired on " + isoTime(record.certificate.notAfter) +
            "; rotation needs a valid certificate to sign its proof. update: certificate expired, "
            "admin sign-in needed (run configure --action update).",
        "Run configure --action update with an administrator.");
}

/// The token checks of the new key: every granted resource with its roles (as setup verifies).
std::vector<VerifyTarget> verifyTargets(const InstanceRecord& record) {
    std::vector<VerifyTarget> targets;
    for (const auto& resource : {"graph", "exchange", "sharepoint"}) {
        auto names = record.permissionNames(resource);
        if (names.empty() && std::string(resource) != "graph")
            continue;
        targets.push_back(
            {resource, record.resourceAudience(resource) + "/.default", {names.begin(), names.end()}});
    }
    return targets;
}

InstanceRecord switchedRecord(const ActionContext& context, const InstanceRecord& old,
                              const GeneratedCredential& fresh, const JournalEntry& entry) {
    InstanceRecord record = old;
    const auto& certificate = fresh.certificate;
    record.certificate = {entry.secretKey,      certificate.thumbprintSha1, certificate.thumbprintSha256,
                          entry.addedKeyId,     certificate.subject,        certificate.notBefore,
                          certificate.notAfter, certificate.keyBits};
    AuditEntry audit;
    audit.action = "rotate";
    audit.at = isoTime(unixNow());
    audit.host = std::string(context.host.hostName());
    audit.runId = entry.runId;
    audit.created = {"keyCredential " + entry.addedKeyId + " (SHA-1 " + certificate.thumbprintSha1 + ")"};
    record.audit.push_back(audit);
    return record;
}

RotationResult resultOf(const wp::Host& host, std::string outcome, std::string runId) {
    auto current = loadCurrentInstance(host);
    return {std::move(outcome), std::move(runId), current.record().certificate.thumbprintSha1,
            current.record().certificate.notAfter};
}

} // namespace

RotateSettings parseRotateSettings(std::string_view settingsJson) {
    SettingsReader reader(settingsJson);
    RotateSettings settings;
    if (auto overlap = reader.integer("overlap_s", 0, 30LL * 86400))
        settings.overlapSeconds = static_cast<int>(*overlap);
    if (auto days = reader.integer("validity_days", 1, 3650))
        settings.validityDays = static_cast<int>(*days);
    if (auto bits = reader.integer("key_bits", 2048, 4096)) {
        if (*bits != 2048 && *bits != 3072 && *bits != 4096)
            reader.fail("config.key_bits_invalid", "'key_bits' must be 2048, 3072 or 4096.");
        settings.keyBits = static_cast<int>(*bits);
    }
    if (auto timeout = reader.integer("verify_timeout_s", 1, 1800))
        settings.verifyTimeoutSeconds = static_cast<int>(*timeout);
    settings.nowOffsetSeconds = readNowOffsetSeconds(reader);
    reader.finish();
    return settings;
}

RotationResult rotateCertificate(const ActionContext& context, const RotateSettings& settings,
                                 Progress& progress) {
    const auto& host = context.host;
    const auto budget = seconds(settings.verifyTimeoutSeconds);
    auto current = loadCurrentInstance(host);
    refuseUnlessSelfRotationAllowed(current.record()); // adopted applications: the owner decides
    const auto startThumbprint = current.record().certificate.thumbprintSha1;
    if (settleRotationJournal(context, progress, budget + seconds(60))) {
        current = loadCurrentInstance(host);
        if (current.record().certificate.thumbprintSha1 != startThumbprint)
            return resultOf(host, "adopted", {});
    }
    const auto& record = current.record();
    refuseIfExpired(record, settings);

    GeneratedCredential fresh;
    {
        int bits = settings.keyBits ? settings.keyBits : std::max(record.certificate.keyBits, 2048);
        auto step = progress.step("generate_certificate",
                                  "Generating a " + std::to_string(bits) + "-bit RSA key and certificate");
        auto commonName = "m365-plugin-" + context.instanceId;
        fresh = generateSelfSignedCredential(commonName.substr(0, 64), bits, settings.validityDays);
        step.done("SHA-1 " + fresh.certificate.thumbprintSha1);
    }
    JournalEntry entry;
    entry.operation = "rotate";
    entry.runId = randomGuid();
    entry.startedAt = isoTime(unixNow());
    entry.host = std::string(host.hostName());
    entry.tenant = record.tenantId;
    entry.cloud = record.cloud;
    entry.caFile = record.caFile;
    entry.signInClientId = record.signInClientId;
    entry.secretKey = keys::credential(fresh.certificate.thumbprintSha1);
    entry.owner = processOwnerId();
    entry.addedKeyId = randomGuid();
    entry.replacedKeyId = record.certificate.keyId;
    entry.replacedSecret = record.certificate.secretKey;
    RunningOperation running(entry.runId);
    Journal journal(host.config());
    try {
        journal.begin(entry);
    } catch (const wp::Error& e) {
        if (e.code() != "journal.busy")
            throw;
        // Another rotation got there first: wait for it and adopt its certificate.
        settleRotationJournal(context, progress, budget + seconds(60));
        auto now = loadCurrentInstance(host);
        if (now.record().certificate.thumbprintSha1 == startThumbprint)
            throw wp::Error(WP_E_CONFLICT, "rotate.conflict",
                            "Another operation on this instance ran at the same time and did not rotate.",
                            "Run configure --action rotate again.");
        return resultOf(host, "adopted", {});
    }
    if (host.config().get(keys::instance).value_or(wp::Versioned{"", 0}).revision != current.revision) {
        // A rotation that finished between our read and our journal: its certificate is the new one.
        journal.finish();
        return resultOf(host, "adopted", {});
    }
    testKillPoint("journaled");

    const auto& old = *current.credential;
    bool switched = false;
    try {
        auto secret = credentialSecretJson(fresh.privateKeyPem.view(), fresh.certificate.pem);
        if (!host.secrets().putIf(entry.secretKey, WP_REVISION_ABSENT, secret.view()))
            throw wp::Error(WP_E_CONFLICT, "store.secret_exists",
                            "A credential with this thumbprint is already stored; refusing to overwrite it.");
        testKillPoint("secret_stored");
        {
            auto step = progress.step("add_key", "Adding the new certificate to the application (addKey)");
            journal.intend("add_key");
            AppGraph app(old.transport(), record, old.client(), entry.runId, &context.call);
            addKeyCredential(app.graph(), record.applicationObjectId, fresh.certificate, entry.addedKeyId,
                             {*old.key(), old.certificate()});
            journal.record([](JournalEntry&) {});
            step.done("keyId " + entry.addedKeyId);
        }
        testKillPoint("key_added");
        auto newKey = SigningKey::fromPem(fresh.privateKeyPem.view());
        ConfidentialClient newClient(old.transport(), old.client().settings(), newKey, fresh.certificate);
        {
            auto step = progress.step("verify", "Waiting until the new certificate is accepted");
            verifyCredential(newClient, verifyTargets(record), budget, progress);
            step.done();
        }
        testKillPoint("verified");
        {
            auto step = progress.step("switch", "Switching the instance to the new certificate");
            context.call.throwIfCancelled();
            journal.intend("switch");
            auto next = switchedRecord(context, record, fresh, entry);
            if (!host.config().putIf(keys::instance, current.revision, next.toJson()))
                throw wp::Error(WP_E_CONFLICT, "rotate.conflict",
                                "The instance's configuration changed during the rotation.",
                                "Run configure --action rotate again.");
            switched = true;
            journal.record([](JournalEntry&) {});
            step.done();
        }
        testKillPoint("switched");
        if (settings.overlapSeconds > 0) {
            progress.info("keeping the old certificate for " + std::to_string(settings.overlapSeconds) +
                          " s (overlap)");
            context.call.waitFor(seconds(settings.overlapSeconds)); // a cancel ends the overlap early
        }
        {
            auto step = progress.step("remove_key", "Removing the old certificate (removeKey)");
            journal.intend("remove_key");
            AppGraph app(old.transport(), record, newClient, entry.runId, nullptr);
            removeKeyCredential(app.graph(), record.applicationObjectId, entry.replacedKeyId,
                                {*newKey, fresh.certificate});
            journal.record([](JournalEntry&) {});
            step.done("keyId " + entry.replacedKeyId);
        }
        testKillPoint("key_removed");
        host.secrets().removeIf(entry.replacedSecret);
        journal.finish();
    } catch (...) {
        // Before the switch: undo (the added key leaves the application). After it: finish forward.
        auto step = progress.step(switched ? "finish_rotation" : "rollback",
                                  switched ? "Finishing the rotation" : "Undoing the rotation");
        try {
            step.done(resolveRotation(host, journal, progress));
        } catch (const std::exception& undoError) {
            progress.warn(std::string("could not complete the cleanup now (the next rotate or validate "
                                      "will): ") +
                          undoError.what());
        }
        if (!switched)
            throw;
        progress.warn("the new certificate is in use; removing the old one failed and is retried later");
    }
    return resultOf(host, "rotated", entry.runId);
}

void runRotate(const ActionContext& context, const RotateSettings& settings) {
    Progress progress(context.host, context.call);
    auto result = rotateCertificate(context, settings, progress);
    if (result.outcome == "adopted")
        progress.info("Another rotation of this instance won; adopting its certificate (SHA-1 " +
                      result.thumbprintSha1 + ").");
    progress.info("Certificate " + result.outcome + ": SHA-1 " + result.thumbprintSha1 + ", valid until " +
                  isoTime(result.notAfter));
    context.call.event("{\"event\":\"result\",\"action\":\"rotate\",\"outcome\":\"" + result.outcome +
                       "\",\"run_id\":\"" + result.runId + "\",\"thumbprint\":\"" + result.thumbprintSha1 +
                       "\",\"certificate_expires\":\"" + isoTime(result.notAfter) + "\"}");
}

} // namespace m365
