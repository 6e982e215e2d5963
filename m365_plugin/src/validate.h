// validate: a structured report, one finding per check, each with a stable code.
//   offline: configuration complete and consistent, key matches certificate, certificate dates with
//            expiry reminders (warnings at 60/30/7 days by default, an error once expired);
//   online (unless offline=true): an app-only token per granted resource, its roles cover the granted
//            permissions, the application still accepts our certificate, clock skew against the
//            server's Date header under 5 minutes.
// Facts for host status lists: tenant, tenant_id, app_id, certificate_thumbprint, certificate_expires,
// days_left, last_online_validation.
// The clock of the expiry checks can be shifted for tests and dry runs: option now_offset_s, else the
// environment variable M365_PLUGIN_NOW_OFFSET_S (seconds, may be negative).
#pragma once

#include "settings.h"
#include "setup.h"

#include <cstdint>
#include <string>
#include <vector>

namespace m365 {

struct ExpiryVerdict {
    int severity = WP_SEVERITY_OK;
    std::string code; ///< cert.valid, cert.expires_soon, cert.expired, cert.not_yet_valid
    std::string message;
    long long daysLeft = 0;
    int threshold = 0; ///< the reminder threshold crossed (cert.expires_soon), else 0
};

/// The expiry check on its own (pure; unit-tested): reminderDays in any order.
ExpiryVerdict checkExpiry(int64_t notBefore, int64_t notAfter, int64_t now,
                          const std::vector<int>& reminderDays);

/// Runs the checks; throws wp::Error naming the first error finding when there is one.
void runValidate(const ActionContext& context, const ValidateOptions& options);

} // namespace m365
