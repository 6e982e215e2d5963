// device_code_flow.h -- the administrator's sign-in: the OAuth 2.0 device authorization grant (RFC 8628)
// against {authority}/{tenant}/oauth2/v2.0/devicecode and /token, shown through the host's prompter.
// The resulting token is delegated, short-lived (no offline_access: no refresh token exists) and lives
// only in memory.
#pragma once

#include "http_transport.h"
#include "token_client.h"

#include <wp/call.hpp>

#include <chrono>
#include <cstdint>
#include <functional>
#include <memory>
#include <optional>
#include <string>
#include <vector>

namespace m365 {

struct DeviceCodeSettings {
    std::string authority; ///< "https://login.microsoftonline.com" (no trailing slash)
    std::string tenant;    ///< tenant GUID or domain ("organizations" works for multi-tenant clients)
    std::string clientId;  ///< the public client that signs the admin in
    std::vector<std::string> scopes; ///< delegated scopes of ONE resource; offline_access is refused
    /// Consecutive transport failures / 5xx while polling that are tolerated before giving up.
    int maxTransientFailures = 3;
    /// How long the device-code request itself may be retried (throttling, 5xx, lost or unreadable
    /// answers: retry_policy.h). Repeating it is safe: a code nobody enters only expires.
    std::chrono::milliseconds codeRequestBudget{30'000};
    /// How many device codes one sign-in may request: when a code expires unused and this allows another,
    /// a new code is requested and shown (the host's prompter replaces the old one) after a
    /// {"event":"device_code_expired",...} event.  1: the first expiry ends the sign-in.
    int maxCodes = 1;
    /// Monotonic clock in milliseconds (injectable for tests); empty = std::chrono::steady_clock.
    std::function<int64_t()> monotonicMs;
    /// Wall clock in seconds since the epoch (expiry shown to the user); empty = system clock.
    std::function<int64_t()> unixSeconds;
};

/// Who signed in, from the token's claims (decoded, not verified: the token came straight from Entra
/// over verified TLS).  Empty strings when the token is not a JWT or lacks the claim.
struct SignedInAdmin {
    AccessToken token;             ///< the delegated token (SecretBuffer; never logged, never stored)
    std::string tenantId;          ///< tid
    std::string objectId;          ///< oid
    std::string userPrincipalName; ///< upn, else preferred_username, else unique_name
    std::vector<std::string> roleTemplateIds; ///< wids (directory role template ids)
    std::vector<std::string> scopes;          ///< scp (granted delegated scopes)
    bool claimsDecoded = false;               ///< false if the token could not be decoded as a JWT
};

struct DeviceAuthorization; // one device code as the server issued it (device_code_flow.cpp)

class DeviceCodeFlow {
public:
    /// Throws wp::Error(WP_E_INVALID_ARGUMENT, "auth.bad_scopes") if scopes are empty or ask for
    /// offline_access.
    DeviceCodeFlow(std::shared_ptr<HttpTransport> transport, DeviceCodeSettings settings);

    /// Runs the whole flow.  With no prompter it throws WP_E_AUTH_REQUIRED "auth.interaction_required"
    /// before contacting the server.  Otherwise: requests a code (transient failures retried through the
    /// retry policy), shows it (dismissed on every exit), polls
    /// no faster than `interval` (+5 s on slow_down) until success; an expired code is replaced by a new
    /// one up to `maxCodes` codes in all.  Failures:
    ///   WP_E_AUTH_FAILED "auth.declined" (authorization_declined / access_denied),
    ///   WP_E_TIMEOUT "auth.device_code_expired" (the last code expired, or expired_token for it),
    ///   WP_E_CANCELLED "call.cancelled" (within ~250 ms of the request),
    ///   ServiceError from entraError() for any other error answer.
    SignedInAdmin signIn(const wp::Call& call) const;

    std::string deviceCodeEndpoint() const;
    std::string tokenEndpoint() const;

private:
    /// Requests one device code, retrying transient failures within codeRequestBudget (the device code
    /// itself goes straight into a SecretBuffer).
    DeviceAuthorization requestCode(const wp::Call& call, const std::string& scope) const;
    DeviceAuthorization requestCodeOnce(const wp::Call& call, const HttpRequest& request) const;
    /// Shows the code and polls until the admin signed in (the token) or the code expired (nullopt).
    std::optional<SignedInAdmin> awaitSignIn(const wp::Call& call, const DeviceAuthorization& authorization,
                                             const std::string& scope) const;
    int64_t monotonicMs() const;
    int64_t unixSeconds() const;

    std::shared_ptr<HttpTransport> _transport;
    DeviceCodeSettings _settings;
};

/// Fills tenantId/objectId/upn/wids/scp from the token (sets claimsDecoded); never throws.
void decodeAdminClaims(SignedInAdmin& admin) noexcept;

} // namespace m365
