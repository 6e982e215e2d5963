// Automatic rotation during an online validate (setting auto_rotate_days, default 30; 0 disables): when
// the certificate has fewer days left than that, validate rotates it (rotate.h) and reports that it did,
// as a finding (cert.rotated, or cert.auto_rotate_failed as a warning) and an event. acquire-credentials
// never rotates: it stays fast and free of side effects. An adopted application without
// allow_self_rotation is never rotated; the warning cert.auto_rotate_not_allowed says to import the renewed
// certificate with adopt replace_certificate=true instead.
#pragma once

#include "app_credential.h"
#include "settings.h"
#include "setup.h"

#include <memory>

namespace m365 {

/// Whether a certificate with that end date is due for automatic rotation at `now` (not once expired:
/// then only update helps).
bool autoRotationDue(int64_t notAfter, int64_t now, int autoRotateDays);

/// Rotates if due and returns the credential to validate from then on (the new one after a rotation).
std::shared_ptr<AppCredential> autoRotateIfDue(const ActionContext& context,
                                               std::shared_ptr<AppCredential> credential,
                                               const ValidateOptions& options);

} // namespace m365
