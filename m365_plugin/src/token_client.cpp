// token_client.cpp -- see token_client.h.
#include "token_client.h"

#include "entra_error.h"
#include "json_scan.h"
#include "retry_policy.h"

#include <wp/error.hpp>

#include <chrono>
#include <cstdlib>

namespace m365 {

namespace {

[[noreturn]] void badTokenResponse(const char* why) {
    throw wp::Error(WP_E_UNAVAILABLE, "aad.bad_token_response",
                    std::string("Microsoft Entra ID sent an unusable token response: ") + why,
                    "Retry later; if it persists, check the authority host setting.");
}

/// A string member's value (escapes decoded), or nullopt.
std::optional<std::string> stringMember(const std::vector<JsonMember>& members, std::string_view key) {
    const JsonMember* member = findMember(members, key);
    if (member == nullptr || member->kind != JsonMember::Kind::String)
        return std::nullopt;
    return unescapeJsonString(member->raw);
}

/// expires_in & co.: integers in v2.0, strings in the v1 endpoint (MSAL parses both).
std::optional<int64_t> seconds(const std::vector<JsonMember>& members, std::string_view key) {
    const JsonMember* member = findMember(members, key);
    return member != nullptr ? memberInteger(*member) : std::nullopt;
}

/// Wipes a string that held a secret when the scope ends (also on exceptions).
struct WipeOnExit {
    std::string& text;
    ~WipeOnExit() { wipeString(text); }
};

} // namespace

int64_t unixNow() noexcept {
    return std::chrono::duration_cast<std::chrono::seconds>(
               std::chrono::system_clock::now().time_since_epoch())
        .count();
}

std::string formEncode(std::string_view value) {
    static constexpr char kHex[] = "0123456789ABCDEF";
    std::string out;
    out.reserve(value.size() + value.size() / 2);
    for (char c : value) {
        unsigned char u = static_cast<unsigned char>(c);
        if ((u >= 'A' && u <= 'Z') || (u >= 'a' && u <= 'z') || (u >= '0' && u <= '9') || u == '-' ||
            u == '.' || u == '_' || u == '~') {
            out.push_back(c);
        } else {
            out.push_back('%');
            out.push_back(kHex[u >> 4]);
            out.push_back(kHex[u & 0x0F]);
        }
    }
    return out;
}

AccessToken parseTokenResponse(std::string_view body, std::string scope, int64_t issuedAt) {
    // Scanned in place (json_scan.h): the token goes from the body, which the caller wipes, straight
    // into the SecretBuffer.
    std::optional<std::vector<JsonMember>> members = scanJsonObject(body);
    if (!members)
        badTokenResponse("the body is not a JSON object");
    const JsonMember* accessToken = findMember(*members, "access_token");
    if (accessToken == nullptr || accessToken->kind != JsonMember::Kind::String)
        badTokenResponse("access_token is missing");
    AccessToken token;
    if (accessToken->raw.find('\\') == std::string_view::npos) {
        token.token = SecretBuffer(accessToken->raw);
    } else { // JWTs never need escapes, but an opaque token might
        std::optional<std::string> decoded = unescapeJsonString(accessToken->raw);
        if (!decoded)
            badTokenResponse("access_token is not a valid JSON string");
        token.token = SecretBuffer::adopt(std::move(*decoded));
    }
    if (token.token.empty())
        badTokenResponse("access_token is empty");
    std::optional<int64_t> expiresIn = seconds(*members, "expires_in");
    if (!expiresIn || *expiresIn <= 0)
        badTokenResponse("expires_in is missing or not positive");
    token.expiresAt = issuedAt + *expiresIn;
    if (auto extended = seconds(*members, "ext_expires_in"); extended && *extended > 0)
        token.extExpiresAt = issuedAt + *extended;
    if (auto refreshIn = seconds(*members, "refresh_in");
        refreshIn && *refreshIn > 0 && *refreshIn < *expiresIn)
        token.refreshAt = issuedAt + *refreshIn;
    if (auto type = stringMember(*members, "token_type"); type && !type->empty())
        token.tokenType = *type;
    token.scope = std::move(scope);
    return token;
}

ConfidentialClient::ConfidentialClient(std::shared_ptr<HttpTransport> transport,
                                       ConfidentialClientSettings settings,
                                       std::shared_ptr<const SigningKey> key,
                                       const CertificateInfo& certificate)
    : _transport(std::move(transport)), _settings(std::move(settings)),
      _assertions(std::move(key), certificate, _settings.tokenEndpoint, _settings.clientId, _settings.profile,
                  _settings.assertionLifetime) {
    if (!_transport)
        throw wp::Error(WP_E_INVALID_ARGUMENT, "auth.no_transport", "the token client needs a transport");
    _formPrefix = "client_id=" + formEncode(_settings.clientId) +
                  "&grant_type=client_credentials"
                  "&client_assertion_type=urn%3Aietf%3Aparams%3Aoauth%3Aclient-assertion-type%3Ajwt-bearer";
}

AccessToken ConfidentialClient::acquire(std::string_view scope, const wp::Call* call) const {
    // A token request changes nothing on the server: it is repeated with a new assertion (its own jti).
    return repeatWhileTransient(call, kTokenRetryBudget, [&] { return acquireOnce(scope, call); });
}

AccessToken ConfidentialClient::acquireOnce(std::string_view scope, const wp::Call* call) const {
    const int64_t issuedAt = unixNow();
    HttpRequest request;
    request.method = "POST";
    request.url = _settings.tokenEndpoint;
    request.contentType = "application/x-www-form-urlencoded";
    request.idempotent = true; // a token request changes nothing on the server
    WipeOnExit wipeBody{request.body};
    request.body.reserve(_formPrefix.size() + scope.size() * 3 + 1024);
    request.body.append(_formPrefix);
    request.body.append("&scope=");
    request.body.append(formEncode(scope));
    request.body.append("&client_assertion=");
    _assertions.appendTo(request.body, issuedAt); // base64url and '.': nothing to encode

    HttpResponse response = _transport->send(request, call);
    WipeOnExit wipeResponse{response.body};
    if (!response.ok())
        throw entraError(response, "the app-only token request for '" + std::string(scope) + "'");
    return parseTokenResponse(response.body, std::string(scope), issuedAt);
}

} // namespace m365
