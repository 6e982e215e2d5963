#include "client_assertion.h"

#include "jwt.h"

#include <algorithm>

namespace emu {

namespace {
constexpr std::int64_t kSkewSeconds = 300;
constexpr std::int64_t kMaxLifetimeSeconds = 3600;

AssertionFailure failure(int aadsts, std::string description, std::string error = "invalid_client") {
    return AssertionFailure{aadsts, std::move(error), std::move(description)};
}

std::string entraTime(std::int64_t unix) {
    std::string text = formatIso8601(fromUnix(unix)); // 2025-01-01T00:00:00Z
    return text.substr(0, text.size() - 1) + ".0000000Z";
}

std::string keyNotFound(const std::string& thumbprintHex, const Application& app) {
    return "Client assertion contains an invalid signature. [Reason - The key was not found., Thumbprint of "
           "key "
           "used by client: '" +
           thumbprintHex +
           "', Please visit the Azure Portal, Graph Explorer or directly use MS Graph to see "
           "configured keys for app Id '" +
           app.appId +
           "'. Review the documentation at https://docs.microsoft.com/en-us/graph/deployments to "
           "determine the corresponding service endpoint and https://docs.microsoft.com/en-us/graph/api/"
           "application-get?view=graph-rest-1.0&tabs=http to build a query request URL, such as "
           "'https://graph.microsoft.com/beta/applications/" +
           app.id + "']";
}

std::string foundKey(const KeyCredential& key) {
    return "Found key 'Start=" + formatIso8601(key.startDateTime) +
           ", End=" + formatIso8601(key.endDateTime) + "'";
}

// The thumbprint the assertion names: x5t (SHA-1) preferred for the message, x5t#S256 (SHA-256) otherwise.
struct Thumbprint {
    Bytes sha1;
    Bytes sha256;
    std::string hex() const { return hexUpper(sha1.empty() ? sha256 : sha1); }
};

Thumbprint thumbprintOf(const nlohmann::json& header) {
    Thumbprint thumbprint;
    auto decode = [&header](const char* name, std::size_t size) {
        auto value = jwt::stringClaim(header, name);
        auto bytes = value.empty() ? std::nullopt : base64AnyDecode(value);
        return bytes && bytes->size() == size ? *bytes : Bytes();
    };
    thumbprint.sha1 = decode("x5t", 20);
    thumbprint.sha256 = decode("x5t#S256", 32);
    return thumbprint;
}
} // namespace

std::optional<AssertionFailure> verifyClientAssertion(const std::string& assertion, const Application& app,
                                                      const std::vector<std::string>& acceptedAudiences,
                                                      const Directory& directory) {
    auto token = jwt::parse(assertion);
    if (!token)
        return failure(50027, "JWT token is invalid or malformed.");
    const std::string alg = jwt::stringClaim(token->header, "alg");
    if (alg != "RS256" && alg != "PS256")
        return failure(5002738, "Invalid JWT token. '" + alg + "' is not a supported signature algorithm.");

    // The key: a replicated AsymmetricX509Cert credential whose certificate has the named thumbprint.
    const Thumbprint thumbprint = thumbprintOf(token->header);
    const KeyCredential* key = nullptr;
    for (const auto& credential : app.keyCredentials) {
        if (credential.type != "AsymmetricX509Cert" || !directory.isVisible(credential.visibleAt))
            continue;
        if ((!thumbprint.sha1.empty() && sha1(credential.key) == thumbprint.sha1) ||
            (!thumbprint.sha256.empty() && sha256(credential.key) == thumbprint.sha256)) {
            key = &credential;
            break;
        }
    }
    if (!key)
        return failure(700027, keyNotFound(thumbprint.hex(), app));
    if (!jwt::verifyWithCertificate(*token, key->key))
        return failure(
            700027, "Client assertion contains an invalid signature. [Reason - The provided signature "
                    "value did not match the expected signature value., Thumbprint of key used by client: '" +
                        thumbprint.hex() + "', " + foundKey(*key) + "]");
    const TimePoint now = directory.clock().now();
    if (now < key->startDateTime || now > key->endDateTime)
        return failure(700027, "Client assertion contains an invalid signature. [Reason - The key used is " +
                                   std::string(now < key->startDateTime ? "not yet valid" : "expired") +
                                   "., Thumbprint of key used by client: '" + thumbprint.hex() + "', " +
                                   foundKey(*key) + "]");

    const std::string issuer = jwt::stringClaim(token->claims, "iss");
    const std::string subject = jwt::stringClaim(token->claims, "sub");
    if (issuer != subject)
        return failure(50048, "Subject mismatches Issuer claim in the client assertion. Subject '" + subject +
                                  "', Issuer '" + issuer + "'.");
    if (issuer != app.appId)
        return failure(700016,
                       "Application with identifier '" + issuer +
                           "' in the client assertion does not match the client_id '" + app.appId + "'.",
                       "unauthorized_client");
    const std::string audience = jwt::stringClaim(token->claims, "aud");
    if (std::find(acceptedAudiences.begin(), acceptedAudiences.end(), audience) == acceptedAudiences.end())
        return failure(700021, "Client assertion audience claim does not match Realm issuer. Review the "
                               "documentation at https://docs.microsoft.com/azure/active-directory/develop/"
                               "active-directory-certificate-credentials .");

    const std::int64_t nowUnix = toUnix(now);
    const auto exp = jwt::numericClaim(token->claims, "exp");
    const auto nbf = jwt::numericClaim(token->claims, "nbf");
    const auto iat = jwt::numericClaim(token->claims, "iat");
    const std::int64_t start = nbf.value_or(iat.value_or(0));
    const bool outside = !exp || nowUnix > *exp + kSkewSeconds || (nbf && nowUnix < *nbf - kSkewSeconds);
    const bool tooLong = exp && *exp - (nbf || iat ? start : nowUnix) > kMaxLifetimeSeconds;
    if (outside || tooLong)
        return failure(
            700024,
            "Client assertion is not within its valid time range. Current time: " + entraTime(nowUnix) +
                ", assertion valid from " + entraTime(nbf.value_or(0)) + ", expiry time of assertion " +
                entraTime(exp.value_or(0)) + (tooLong ? ", the assertion lifetime exceeds one hour" : "") +
                ". Review the documentation at https://docs.microsoft.com/azure/active-directory/"
                "develop/active-directory-certificate-credentials .");
    return std::nullopt;
}

} // namespace emu
