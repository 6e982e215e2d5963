// Verification of a JWT client assertion (RFC 7523, Entra "certificate credentials") against an
// application's registered key credentials, with Entra's error codes.
#pragma once

#include "clock.h"
#include "directory.h"

#include <optional>
#include <string>

namespace emu {

struct AssertionFailure {
    int aadsts = 0;          ///< 700027, 700024, 50027, 50048, 700021, 5002738
    std::string error;       ///< OAuth error ("invalid_client")
    std::string description; ///< Entra-like text; never contains the assertion
};

/// Checks `assertion` for `app`:
///  - compact JWS, alg RS256 or PS256, a thumbprint header x5t#S256 (SHA-256) or x5t (SHA-1),
///    base64url or standard base64;
///  - the key: among the app's key credentials that have replicated (visibleAt <= now), by thumbprint;
///  - the signature with that certificate's public key (PKCS#1 v1.5 for RS256, PSS for PS256);
///  - the key credential's validity window (startDateTime..endDateTime);
///  - iss == sub == client id, aud == one of `acceptedAudiences` (the token endpoint URL called);
///  - exp (required) and nbf with 5 minutes of skew; exp - (nbf|iat|now) at most 1 hour.
/// A reused jti is accepted (Entra does not enforce single use; msal reuses assertions for ~10 min).
/// nullopt means valid.
std::optional<AssertionFailure> verifyClientAssertion(const std::string& assertion, const Application& app,
                                                      const std::vector<std::string>& acceptedAudiences,
                                                      const Directory& directory);

} // namespace emu
