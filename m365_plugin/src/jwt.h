// jwt.h -- the JWTs the plugin signs (the client assertion of RFC 7523 as Microsoft documents it, and
// the Graph addKey/removeKey proof of possession) and an unverified decoder for the claims of tokens
// the plugin receives (roles, tid, wids, upn, exp): the plugin reads its own tokens, it does not
// authorize anyone with them, so it does not verify their signature.
#pragma once

#include "certificate.h"
#include "encoding.h"
#include "secret_buffer.h"

#include <Poco/JSON/Object.h>

#include <chrono>
#include <cstdint>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace m365 {

/// A random version-4 GUID, lower case ("6f9619ff-8b86-4011-b42d-00cf4fc964ff"), from the OpenSSL DRBG.
std::string randomGuid();

/// Which JOSE header the client assertion carries (entra-facts 2.2).
enum class AssertionProfile {
    PS256WithX5tS256, ///< profile A, the default: alg PS256, x5t#S256
    RS256WithX5t,     ///< profile B: alg RS256, x5t (SHA-1)
};

/// Builds and signs client assertions for one application and token endpoint.  The header segment and
/// the constant claims are encoded once in the constructor; build() adds jti/nbf/iat/exp and signs.
/// Thread-safe (const).
class ClientAssertionBuilder {
public:
    ClientAssertionBuilder(std::shared_ptr<const SigningKey> key, const CertificateInfo& certificate,
                           std::string tokenEndpoint, std::string clientId,
                           AssertionProfile profile = AssertionProfile::PS256WithX5tS256,
                           std::chrono::seconds lifetime = std::chrono::minutes(10));

    /// A fresh assertion: jti = new GUID, nbf = iat = now, exp = now + lifetime (integer NumericDates).
    /// `now` (seconds since the epoch) is injectable; 0 = the clock.
    SecretBuffer build(int64_t now = 0) const;
    /// Same, appended to out (lets the token client write the form body in one buffer).
    void appendTo(std::string& out, int64_t now = 0) const;

    const std::string& headerSegment() const noexcept { return _headerSegment; }
    const std::string& tokenEndpoint() const noexcept { return _tokenEndpoint; }
    const std::string& clientId() const noexcept { return _clientId; }
    AssertionProfile profile() const noexcept { return _profile; }

private:
    std::shared_ptr<const SigningKey> _key;
    std::string _tokenEndpoint;
    std::string _clientId;
    AssertionProfile _profile;
    std::chrono::seconds _lifetime;
    SignatureAlgorithm _algorithm;
    std::string _headerSegment; ///< base64url(header) + "."
    std::string _claimsPrefix;  ///< {"aud":"...","iss":"...","sub":"...","jti":"
};

/// The proof-of-possession JWT for POST /applications/{id}/addKey and removeKey (entra-facts 3.7):
/// header alg RS256, typ JWT, x5t (base64url SHA-1), kid (hex SHA-1); claims aud =
/// 00000002-0000-0000-c000-000000000000, iss = the application OBJECT id, nbf = now, exp = now + 10 min.
SecretBuffer buildKeyRolloverProof(const SigningKey& key, const CertificateInfo& certificate,
                                   std::string_view applicationObjectId, int64_t now = 0,
                                   std::chrono::seconds lifetime = std::chrono::minutes(10));

/// The decoded (NOT verified) parts of a compact JWS.
struct JwtClaims {
    Poco::JSON::Object::Ptr header;
    Poco::JSON::Object::Ptr payload;

    std::optional<std::string> string(const std::string& name) const; ///< a string claim
    std::optional<int64_t> integer(const std::string& name) const;    ///< a NumericDate etc.
    std::vector<std::string> strings(const std::string& name) const;  ///< an array of strings (roles, wids)
    /// "scp" is a space-separated string; this splits it.
    std::vector<std::string> scopes() const;
};

/// Decodes header and payload of "xxx.yyy.zzz" without verifying the signature.  Throws
/// wp::Error(WP_E_INVALID_ARGUMENT, "jwt.malformed") naming which part is wrong (never echoing the token).
JwtClaims decodeJwtUnverified(std::string_view token);

} // namespace m365
