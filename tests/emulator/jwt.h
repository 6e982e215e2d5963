// Compact JWS parsing and verification with OpenSSL EVP (RS256 and PS256; Poco::JWT has no PS256).
// Used for client assertions (token endpoint) and for Graph's addKey/removeKey proof-of-possession.
#pragma once

#include "crypto.h"

#include <nlohmann/json.hpp>

#include <optional>
#include <string>
#include <string_view>

namespace emu::jwt {

struct Parsed {
    nlohmann::json header;    ///< the JOSE header object
    nlohmann::json claims;    ///< the payload object
    std::string signingInput; ///< "<header b64url>.<payload b64url>"
    Bytes signature;
};

/// Splits and decodes a compact JWS. Strict: three parts, base64url without '=' padding, header and
/// payload JSON objects. On failure returns nullopt and sets `error` to a short reason (never the token).
std::optional<Parsed> parse(std::string_view compact, std::string* error = nullptr);

/// Verifies the signature against the public key of a DER certificate. The algorithm comes from
/// header "alg": "RS256" (PKCS#1 v1.5, SHA-256) or "PS256" (PSS, SHA-256, MGF1-SHA-256, salt 32);
/// anything else fails.
bool verifyWithCertificate(const Parsed& token, const Bytes& certificateDer);

/// Verifies with a PEM public key (SubjectPublicKeyInfo); used for the emulator's own tokens.
bool verifyWithPublicKeyPem(const Parsed& token, std::string_view publicKeyPem);

/// Integer NumericDate claim, nullopt when absent or not a number (fractions are truncated).
std::optional<std::int64_t> numericClaim(const nlohmann::json& claims, std::string_view name);
/// String claim, empty when absent or not a string.
std::string stringClaim(const nlohmann::json& claims, std::string_view name);

} // namespace emu::jwt
