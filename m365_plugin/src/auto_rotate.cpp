#include "auto_rotate.h"

#include "adopt_policy.h"
#include "journal.h"
#include "progress.h"
#include "rotate.h"

namespace m365 {

bool autoRotationDue(int64_t notAfter, int64_t now, int autoRotateDays) {
    if (autoRotateDays <= 0 || now >= notAfter)
        return false;
    return notAfter - now < static_cast<int64_t>(autoRotateDays) * 86400;
}

std::shared_ptr<AppCredential> autoRotateIfDue(const ActionContext& context,
                                               std::shared_ptr<AppCredential> credential,
                                               const ValidateOptions& options) {
    const auto& call = context.call;
    Progress progress(context.host, call);
    if (auto pending = Journal(context.host.config()).peek(); pending && pending->operation == "rotate") {
        // A rotation interrupted earlier (host killed): finish or undo it now, as the next rotate would.
        try {
            if (settleRotationJournal(context, progress, std::chrono::seconds(10)))
                credential = AppCredential::load(context.host);
        } catch (const wp::Error& e) {
            if (e.status() == WP_E_CANCELLED)
                throw;
            call.finding({WP_SEVERITY_WARNING, "rotate.recovery_failed",
                          std::string("An interrupted rotation could not be completed: ") + e.what() +
                              "; run configure --action rotate."});
        }
    }
    const auto& certificate = credential->record().certificate;
    auto now = unixNow() + options.nowOffsetSeconds;
    if (!autoRotationDue(certificate.notAfter, now, options.autoRotateDays)) {
        progress.debug("automatic rotation not due (" + std::to_string((certificate.notAfter - now) / 86400) +
                       " day(s) left, auto_rotate_days " + std::to_string(options.autoRotateDays) + ")");
        return credential;
    }
    if (!credential->record().allowSelfRotation) {
        // An adopted application whose owners renew the certificate themselves: say what to do instead.
        call.finding({WP_SEVERITY_WARNING, "cert.auto_rotate_not_allowed",
                      "The certificate has fewer than " + std::to_string(options.autoRotateDays) +
                          " days left, but application " + credential->record().appId +
                          " was adopted without allow_self_rotation, so it is not rotated automatically: "
                          "ask its owners for the renewed certificate and import it with " +
                          importRenewedCertificateCommand() + "."});
        return credential;
    }
    RotateSettings settings;
    settings.nowOffsetSeconds = options.nowOffsetSeconds;
    try {
        auto result = rotateCertificate(context, settings, progress);
        call.finding({WP_SEVERITY_OK, "cert.rotated",
                      "The certificate had fewer than " + std::to_string(options.autoRotateDays) +
                          " days left and was rotated automatically (" + result.outcome + "): new SHA-1 " +
                          result.thumbprintSha1 + ", valid until " + isoTime(result.notAfter) + "."});
        call.event("{\"event\":\"rotated\",\"outcome\":\"" + result.outcome + "\",\"thumbprint\":\"" +
                   result.thumbprintSha1 + "\",\"certificate_expires\":\"" + isoTime(result.notAfter) +
                   "\"}");
        return AppCredential::load(context.host);
    } catch (const wp::Error& e) {
        if (e.status() == WP_E_CANCELLED)
            throw;
        call.finding({WP_SEVERITY_WARNING, "cert.auto_rotate_failed",
                      std::string("Automatic rotation failed: ") + e.what() + " [" + e.code() +
                          "]; run configure --action rotate."});
        return credential;
    }
}

} // namespace m365
