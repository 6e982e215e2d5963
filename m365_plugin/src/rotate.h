// configure --action rotate: renews the application's certificate WITHOUT an admin, while the current one
// is still valid (entra-facts 3.7), so that the certificate's expiry is a non-event:
//   1. generate a new key + certificate;  2. addKey it (proof signed by the current key);
//   3. wait (bounded backoff) until a token can be acquired with it;  4. switch the instance record to it
//   with compare-and-swap (new tokens use the new key; tokens handed out stay valid);  5. after the overlap
//   (setting overlap_s, default 0), removeKey the old certificate (proof signed by the new key).
// A journal entry (operation "rotate") is written before each step. The next rotate (or validate) of the
// instance finishes an interrupted rotation whose instance record was already switched (removes the old
// key) and undoes one that was not (removes the added key and its secret), so no stray key stays in the
// application and the stores stay consistent.
//
// Two rotations of one instance at once: the journal's compare-and-swap lets exactly one run. The other
// waits for it (its owner process is alive) and then ADOPTS its certificate: it succeeds with the
// outcome "adopted" (event {"event":"result","action":"rotate","outcome":"adopted",...}). A journal whose
// owner process is gone is taken over and finished/undone ("recovered").
//
// Test hook: M365_PLUGIN_TEST_KILL_AT=<point> (kill_point.h) makes the process SIGKILL itself at journaled,
// secret_stored, key_added, verified, switched or key_removed.
#pragma once

#include "progress.h"
#include "setup.h"

#include <cstdint>
#include <string>
#include <string_view>

namespace m365 {

struct RotateSettings {
    int overlapSeconds = 0;         ///< keep the old key this long after the switch
    int validityDays = 730;         ///< of the new certificate
    int keyBits = 0;                ///< 0: as the current certificate
    int verifyTimeoutSeconds = 300; ///< how long to wait for the new key to be accepted
    long long nowOffsetSeconds = 0; ///< shifts "now" of the expiry check (tests, like validate's)
};

/// Settings overlap_s, validity_days, key_bits, verify_timeout_s, now_offset_s (else the environment
/// variable M365_PLUGIN_NOW_OFFSET_S). Throws wp::Error(WP_E_INVALID_CONFIG, "config.<setting>_invalid").
RotateSettings parseRotateSettings(std::string_view settingsJson);

struct RotationResult {
    std::string outcome; ///< "rotated", "adopted" (another run rotated), "recovered" (finished a crashed one)
    std::string runId;
    std::string thumbprintSha1; ///< of the certificate now in use
    int64_t notAfter = 0;
};

/// Rotates (or adopts a concurrent rotation). Throws wp::Error(WP_E_INVALID_CONFIG,
/// "rotate.certificate_expired") when the current certificate has expired (only `update` can help then).
RotationResult rotateCertificate(const ActionContext& context, const RotateSettings& settings,
                                 Progress& progress);

/// The configure action: rotateCertificate plus a result event and a summary line.
void runRotate(const ActionContext& context, const RotateSettings& settings);

/// If a rotation journal is left whose owner is gone, finishes or undoes it; if its owner is alive, waits
/// for it (bounded). Returns true if a rotation journal was settled. Throws wp::Error(WP_E_CONFLICT,
/// "journal.busy") for a journal of another operation.
bool settleRotationJournal(const ActionContext& context, Progress& progress,
                           std::chrono::milliseconds budget);

} // namespace m365
