#include "validate.h"

#include "adopt_policy.h"
#include "app_credential.h"
#include "auto_rotate.h"
#include "instance_record.h"
#include "journal.h"
#include "json_util.h"
#include "verify.h"

#include <Poco/DateTimeFormat.h>
#include <Poco/DateTimeParser.h>

#include <algorithm>
#include <cstdlib>
#include <optional>

namespace m365 {

namespace {

constexpr int64_t kMaxClockSkewSeconds = 300;

/// Collects findings, remembering the first error for the hook's status.
class Report {
public:
    explicit Report(const wp::Call& call) : _call(call) {}
    void add(int severity, const std::string& code, const std::string& message,
             wp_status status = WP_E_INVALID_CONFIG) {
        _call.finding({severity, code, message});
        if (severity == WP_SEVERITY_ERROR && !_firstError)
            _firstError.emplace(status, code, message);
    }
    void ok(const std::string& code, const std::string& message) { add(WP_SEVERITY_OK, code, message); }
    bool failed() const { return _firstError.has_value(); }
    void finish() const {
        if (_firstError)
            throw wp::Error(_firstError->status(), _firstError->code(), _firstError->what(),
                            "See the validation report for every finding.");
    }

private:
    const wp::Call& _call;
    std::optional<wp::Error> _firstError;
};

/// An adopted application's certificate is renewed by its owners (unless they allowed self-rotation), and
/// an expired one is replaced the same way: `update` would have to modify their application.
void adaptToAdopted(const InstanceRecord& record, ExpiryVerdict& verdict) {
    bool importNeeded =
        verdict.code == "cert.expired" || (verdict.code == "cert.expires_soon" && !record.allowSelfRotation);
    if (!isAdopted(record) || !importNeeded)
        return;
    auto head = verdict.message.substr(0, verdict.message.find(';'));
    verdict.message = head + "; application " + record.appId +
                      " is adopted: ask its owners for the renewed certificate, have them add it to the "
                      "application and import it with " +
                      importRenewedCertificateCommand() + ".";
}

void offlineChecks(const AppCredential& credential, const ValidateOptions& options, Report& report,
                   const wp::Call& call) {
    const auto& record = credential.record();
    const auto& certificate = credential.certificate();
    report.ok("config.complete", "The configuration of tenant " + record.tenantId + " is complete.");
    if (keyMatchesCertificate(*credential.key(), certificate.pem))
        report.ok("cert.key_matches", "The stored private key belongs to the certificate.");
    else
        report.add(WP_SEVERITY_ERROR, "cert.key_mismatch",
                   "The stored private key does not belong to the certificate.");
    if (certificate.thumbprintSha1 == record.certificate.thumbprintSha1)
        report.ok("cert.thumbprint_matches",
                  "The stored certificate is the configured one (SHA-1 " + certificate.thumbprintSha1 + ").");
    else
        report.add(WP_SEVERITY_ERROR, "cert.thumbprint_mismatch",
                   "The stored certificate is not the one the configuration names.");
    auto now = unixNow() + options.nowOffsetSeconds;
    auto verdict = checkExpiry(certificate.notBefore, certificate.notAfter, now,
                               options.reminderDays.value_or(record.reminderDays));
    adaptToAdopted(record, verdict);
    report.add(verdict.severity, verdict.code, verdict.message);
    call.fact("certificate_expires", isoTime(certificate.notAfter));
    call.fact("days_left", std::to_string(verdict.daysLeft));
    if (verdict.threshold > 0)
        call.fact("reminder_threshold_days", std::to_string(verdict.threshold));
    // What the operator has to do next, for host status lists (see rotate.h; update needs an admin).
    // Adopted applications renewed by their owners: "replace_certificate" (adopt replace_certificate=true).
    bool ownersRenew = isAdopted(record) && (verdict.code == "cert.expired" || !record.allowSelfRotation);
    call.fact("action_needed", verdict.code != "cert.expired" && verdict.code != "cert.expires_soon" ? "none"
                               : ownersRenew                    ? "replace_certificate"
                               : verdict.code == "cert.expired" ? "update"
                                                                : "rotate");
}

/// Seconds between the server's Date header and our clock, if the header is readable.
std::optional<int64_t> clockSkew(const AppCredential& credential, const AccessToken& graphToken,
                                 const wp::Call& call) {
    HttpRequest request;
    request.method = "GET";
    request.url = credential.record().cloud.graphBase() + "/organization?$select=id";
    std::string authorization = "Bearer ";
    authorization.append(graphToken.token.view());
    request.headers.add("Authorization", std::move(authorization));
    auto sent = unixNow();
    auto response = credential.transport()->send(request, &call);
    auto received = unixNow();
    Poco::DateTime date;
    int tzd = 0;
    if (!Poco::DateTimeParser::tryParse(Poco::DateTimeFormat::HTTP_FORMAT, response.header("Date"), date,
                                        tzd))
        return std::nullopt;
    auto server = static_cast<int64_t>(date.timestamp().epochTime()) - tzd;
    return server - (sent + received) / 2;
}

void onlineChecks(const AppCredential& credential, Report& report, const wp::Call& call) {
    const auto& record = credential.record();
    std::optional<AccessToken> graphToken;
    bool certificateAccepted = false;
    for (const auto& resource : {"graph", "exchange", "sharepoint"}) {
        auto granted = record.permissionNames(resource);
        if (granted.empty() && std::string(resource) != "graph")
            continue;
        auto scope = record.resourceAudience(resource) + "/.default";
        try {
            auto token = credential.client().acquire(scope, &call);
            certificateAccepted = true;
            report.ok(std::string("online.token.") + resource,
                      std::string("An app-only token for ") + resource + " was issued.");
            auto missing = missingRoles({granted.begin(), granted.end()}, tokenRoles(token));
            if (missing.empty())
                report.ok(std::string("online.roles.") + resource, "The token carries all " +
                                                                       std::to_string(granted.size()) +
                                                                       " granted permission(s).");
            else {
                std::string names;
                for (const auto& name : missing)
                    names += (names.empty() ? "" : ", ") + name;
                report.add(WP_SEVERITY_ERROR, std::string("online.roles.") + resource,
                           "The token lacks permission(s) " + names +
                               " (removed in the tenant?); run configure --action update with an admin.",
                           WP_E_PERMISSION_DENIED);
            }
            if (std::string(resource) == "graph")
                graphToken.emplace(std::move(token));
        } catch (const wp::Error& e) {
            if (e.status() == WP_E_CANCELLED)
                throw;
            report.add(WP_SEVERITY_ERROR, std::string("online.token.") + resource,
                       std::string("No app-only token for ") + resource + ": " + e.what() + " [" + e.code() +
                           "]",
                       e.status());
            if (keyRejected(e))
                report.add(WP_SEVERITY_ERROR, "online.certificate",
                           "The application no longer accepts our certificate (SHA-1 " +
                               record.certificate.thumbprintSha1 + "); " +
                               (isAdopted(record) ? "application " + record.appId +
                                                        " is adopted: import the certificate it holds with " +
                                                        importRenewedCertificateCommand() + "."
                                                  : std::string("run configure --action update.")),
                           WP_E_AUTH_FAILED);
        }
    }
    if (certificateAccepted)
        report.ok("online.certificate", "The application accepts our certificate (SHA-1 " +
                                            record.certificate.thumbprintSha1 + ").");
    if (!graphToken)
        return;
    try {
        if (auto skew = clockSkew(credential, *graphToken, call)) {
            auto magnitude = std::llabs(*skew);
            if (magnitude < kMaxClockSkewSeconds)
                report.ok("online.clock_skew",
                          "The local clock is within " + std::to_string(magnitude) + " s of the service's.");
            else
                report.add(
                    WP_SEVERITY_ERROR, "online.clock_skew",
                    "The local clock differs from the service's by " + std::to_string(magnitude) +
                        " s (more than 5 minutes): tokens and certificates will fail; fix the time sync.");
        } else {
            report.add(WP_SEVERITY_WARNING, "online.clock_skew", "The service sent no readable Date header.");
        }
    } catch (const wp::Error& e) {
        if (e.status() == WP_E_CANCELLED)
            throw;
        report.add(WP_SEVERITY_WARNING, "online.clock_skew",
                   std::string("Could not check the clock: ") + e.what());
    }
}

} // namespace

ExpiryVerdict checkExpiry(int64_t notBefore, int64_t notAfter, int64_t now,
                          const std::vector<int>& reminderDays) {
    ExpiryVerdict verdict;
    auto remaining = notAfter - now;
    verdict.daysLeft = remaining >= 0 ? remaining / 86400 : -((-remaining + 86399) / 86400);
    if (now >= notAfter) {
        verdict.severity = WP_SEVERITY_ERROR;
        verdict.code = "cert.expired";
        verdict.message = "The certificate expired on " + isoTime(notAfter) +
                          "; update: certificate expired, admin sign-in needed (configure --action update).";
        return verdict;
    }
    if (now < notBefore) {
        verdict.severity = WP_SEVERITY_ERROR;
        verdict.code = "cert.not_yet_valid";
        verdict.message = "The certificate is valid only from " + isoTime(notBefore) + "; check the clock.";
        return verdict;
    }
    std::vector<int> thresholds = reminderDays;
    std::sort(thresholds.begin(), thresholds.end());
    for (int threshold : thresholds) {
        if (verdict.daysLeft < threshold) {
            verdict.severity = WP_SEVERITY_WARNING;
            verdict.code = "cert.expires_soon";
            verdict.threshold = threshold;
            verdict.message = "The certificate expires in " + std::to_string(verdict.daysLeft) + " day(s) (" +
                              isoTime(notAfter) + "), within the " + std::to_string(threshold) +
                              "-day reminder; run configure --action rotate.";
            return verdict;
        }
    }
    verdict.code = "cert.valid";
    verdict.message = "The certificate is valid for " + std::to_string(verdict.daysLeft) +
                      " more day(s), until " + isoTime(notAfter) + ".";
    return verdict;
}

void runValidate(const ActionContext& context, const ValidateOptions& options) {
    const auto& host = context.host;
    const auto& call = context.call;
    Report report(call);
    if (auto pending = Journal(host.config()).peek())
        report.add(WP_SEVERITY_WARNING, "journal.pending",
                   pending->operation == "rotate"
                       ? "A certificate rotation is in progress or was interrupted; an online validate or "
                         "configure --action rotate completes it."
                       : "An interrupted configure left work behind; run configure (setup or remove) again "
                         "to clean it up.");
    std::shared_ptr<AppCredential> credential;
    try {
        credential = AppCredential::load(host);
    } catch (const wp::Error& e) {
        report.add(WP_SEVERITY_ERROR, e.code(), e.what(), e.status());
        report.finish();
    }
    if (!options.offline)
        credential = autoRotateIfDue(context, credential, options); // see auto_rotate.h
    const auto& record = credential->record();
    call.fact("tenant", record.tenantDomain.empty() ? record.tenantId : record.tenantDomain);
    call.fact("tenant_id", record.tenantId);
    call.fact("app_id", record.appId);
    call.fact("certificate_thumbprint", record.certificate.thumbprintSha1);
    offlineChecks(*credential, options, report, call);

    auto state = json::tryParseObject(host.config().get(keys::state).value_or(wp::Versioned{"{}", 0}).value);
    std::string lastOnline = json::optStr(state, "last_online_validation");
    if (options.offline) {
        report.ok("online.skipped", "Online checks skipped (offline).");
    } else {
        onlineChecks(*credential, report, call);
        if (!report.failed()) {
            lastOnline = isoTime(unixNow());
            host.config().update(
                keys::state, [&](const std::optional<std::string>& current) -> std::optional<std::string> {
                    auto object = json::tryParseObject(current.value_or("{}"));
                    if (!object)
                        object = new Poco::JSON::Object;
                    object->set("last_online_validation", lastOnline);
                    return json::stringify(object);
                });
        }
    }
    call.fact("last_online_validation", lastOnline.empty() ? "never" : lastOnline);
    report.finish();
}

} // namespace m365
