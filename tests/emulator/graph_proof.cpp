#include "graph_proof.h"

#include "crypto.h"
#include "graph_common.h"
#include "graph_key_credentials.h"
#include "jwt.h"
#include "tokens.h"

#include <algorithm>
#include <cctype>
#include <vector>

namespace emu::graph {

namespace {

[[noreturn]] void reject() {
    throw GraphError(401, "Authentication_MissingOrMalformed", std::string(messages::kProofInvalid));
}

std::string upper(std::string text) {
    std::transform(text.begin(), text.end(), text.begin(),
                   [](unsigned char c) { return static_cast<char>(std::toupper(c)); });
    return text;
}

/// Does the JOSE header name this certificate? x5t (SHA-1), x5t#S256 (SHA-256), both base64url (standard
/// base64 tolerated, as Entra does for assertions), or kid = hex SHA-1 (what .NET's X509SigningCredentials
/// writes). A header without any of them leaves the choice to the signature check.
bool headerNames(const nlohmann::json& header, const Bytes& certificateDer) {
    std::string x5t = jwt::stringClaim(header, "x5t");
    std::string x5tS256 = jwt::stringClaim(header, "x5t#S256");
    std::string kid = jwt::stringClaim(header, "kid");
    if (x5t.empty() && x5tS256.empty() && kid.empty())
        return true;
    if (!x5t.empty()) {
        auto digest = base64AnyDecode(x5t);
        if (digest && *digest == sha1(certificateDer))
            return true;
    }
    if (!x5tS256.empty()) {
        auto digest = base64AnyDecode(x5tS256);
        if (digest && *digest == sha256(certificateDer))
            return true;
    }
    return !kid.empty() && upper(kid) == hexUpper(sha1(certificateDer));
}

} // namespace

void verifyProof(std::string_view proof, const Application& application, TimePoint now) {
    auto token = jwt::parse(proof); // strict: three base64url segments without '=' padding
    if (!token)
        reject();

    // Claims first (cheap), then the signature against the app's currently valid certificates.
    if (jwt::stringClaim(token->claims, "aud") != kAadGraphAppId)
        reject();
    if (jwt::stringClaim(token->claims, "iss") != application.id)
        reject();
    auto notBefore = jwt::numericClaim(token->claims, "nbf");
    auto expires = jwt::numericClaim(token->claims, "exp");
    if (!notBefore || !expires || *expires <= *notBefore || *expires - *notBefore > kMaxProofLifetimeSeconds)
        reject();
    const std::int64_t nowUnix = toUnix(now);
    if (nowUnix + kProofClockSkewSeconds < *notBefore || nowUnix - kProofClockSkewSeconds >= *expires)
        reject();

    bool verified = std::any_of(application.keyCredentials.begin(), application.keyCredentials.end(),
                                [&](const KeyCredential& credential) {
                                    return isCurrentlyValid(credential, now) &&
                                           headerNames(token->header, credential.key) &&
                                           jwt::verifyWithCertificate(*token, credential.key);
                                });
    if (!verified)
        reject();
}

} // namespace emu::graph
