// The emulator's token service: signs access tokens with its RSA key (published in the JWKS) and
// verifies bearer tokens for the Graph endpoints. JWT helpers for assertions and PoP proofs: jwt.h.
#pragma once

#include "clock.h"
#include "jwt.h"

#include <nlohmann/json.hpp>

#include <cstdint>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace emu {

/// Resource application ids and audiences (facts section 4.1).
inline constexpr std::string_view kGraphAppId = "00000003-0000-0000-c000-000000000000";
inline constexpr std::string_view kExchangeAppId = "00000002-0000-0ff1-ce00-000000000000";
inline constexpr std::string_view kSharePointAppId = "00000003-0000-0ff1-ce00-000000000000";
inline constexpr std::string_view kAadGraphAppId = "00000002-0000-0000-c000-000000000000"; // addKey proof aud
inline constexpr std::string_view kGraphResource = "https://graph.microsoft.com";

/// Audiences a Graph endpoint accepts: Graph's app id (delegated tokens) and the Graph resource URIs of
/// the global and sovereign clouds (app-only tokens carry the URI that was requested in `scope`).
const std::vector<std::string>& graphAudiences();

/// Claims of a verified access token issued by this emulator.
struct AccessTokenClaims {
    std::string tenantId;            ///< tid
    std::string audience;            ///< aud
    std::string objectId;            ///< oid: the user (delegated) or the service principal (app-only)
    std::string appId;               ///< appid: the client that obtained the token
    std::string upn;                 ///< delegated only
    std::vector<std::string> scopes; ///< scp split on spaces (delegated)
    std::vector<std::string> roles;  ///< roles (app-only; empty when the claim is absent)
    std::vector<std::string> wids;   ///< directory role template ids
    std::int64_t issuedAt = 0, notBefore = 0, expiresAt = 0;
    nlohmann::json raw; ///< every claim

    bool isDelegated() const { return !upn.empty() || !scopes.empty(); }
    bool hasScope(std::string_view scope) const;
    bool hasRole(std::string_view role) const;
    bool hasWid(std::string_view roleTemplateId) const;
};

/// Why a bearer token was refused; `message` is Graph-like text without the token.
struct TokenRejection {
    std::string code;    ///< "InvalidAuthenticationToken"
    std::string message; ///< e.g. "Lifetime validation failed, the token is expired."
};

class TokenService {
public:
    /// Generates a fresh RSA-2048 signing key, or loads/saves it as PEM under `stateDir` when given.
    TokenService(const Clock& clock, const std::string& stateDir = {});
    ~TokenService();
    TokenService(const TokenService&) = delete;
    TokenService& operator=(const TokenService&) = delete;

    /// Signs `claims` as an RS256 JWT with header {"typ":"JWT","alg":"RS256","kid":..,"x5t":..}.
    std::string sign(const nlohmann::json& claims) const;

    /// {"keys":[{"kty":"RSA","use":"sig","kid","x5t","n","e","x5c":[..],"issuer"}]}, for
    /// /discovery/v2.0/keys.
    nlohmann::json jwks(std::string_view issuer) const;
    const std::string& keyId() const;

    /// Verifies an access token issued by this emulator: compact JWS, RS256 signature with our key,
    /// exp/nbf against the emulator clock (no skew: the emulator made the token), aud in `audiences`.
    /// `bearer` may include the "Bearer " prefix.
    std::optional<AccessTokenClaims> verifyAccessToken(std::string_view bearer,
                                                       const std::vector<std::string>& audiences,
                                                       TokenRejection* rejection = nullptr) const;

private:
    struct Key;
    const Clock& _clock;
    std::unique_ptr<Key> _key;
};

} // namespace emu
