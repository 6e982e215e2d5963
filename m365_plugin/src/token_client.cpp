// token_client.cpp -- see token_client.h.
#include "token_client.h"

#include "entra_error.h"

#include <wp/error.hpp>

#include <Poco/Exception.h>
#include <Poco/JSON/Parser.h>

#include <chrono>
#include <cstdlib>

namespace m365 {

namespace {

[[noreturn]] void badTokenResponse(const char* why) {
    throw wp::Error(WP_E_UNAVAILABLE, "aad.bad_token_response",
                    std::string("Microsoft Entra ID sent an unusable token response: ") + why,
                    "Retry later; if it persists, check the authority host setting.");
}

/// expires_in & co.: integers in v2.0, strings in the v1 endpoint (MSAL parses both).
std::optional<int64_t> seconds(const Poco::JSON::Object::Ptr& object, const std::string& name) {
    if (!object->has(name))
        return std::nullopt;
    Poco::Dynamic::Var value = object->get(name);
    try {
        if (value.isString()) {
            const std::string text = value.extract<std::string>();
            char* end = nullptr;
            long long parsed = std::strtoll(text.c_str(), &end, 10);
            if (text.empty() || *end != '\0')
                return std::nullopt;
            return static_cast<int64_t>(parsed);
        }
        if (value.isNumeric())
            return value.convert<int64_t>();
    } catch (const Poco::Exception&) {
    }
    return std::nullopt;
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
    Poco::JSON::Object::Ptr object;
    try {
        Poco::JSON::Parser parser;
        Poco::Dynamic::Var value = parser.parse(std::string(body));
        if (value.type() == typeid(Poco::JSON::Object::Ptr))
            object = value.extract<Poco::JSON::Object::Ptr>();
    } catch (const Poco::Exception&) {
    }
    if (!object)
        badTokenResponse("the body is not a JSON object");
    if (!object->has("access_token") || !object->get("access_token").isString())
        badTokenResponse("access_token is missing");
    AccessToken token;
    {
        // Take a copy into the SecretBuffer and wipe the copy.
        std::string text = object->get("access_token").extract<std::string>();
        token.token = SecretBuffer::adopt(std::move(text));
    }
    if (token.token.empty())
        badTokenResponse("access_token is empty");
    std::optional<int64_t> expiresIn = seconds(object, "expires_in");
    if (!expiresIn || *expiresIn <= 0)
        badTokenResponse("expires_in is missing or not positive");
    token.expiresAt = issuedAt + *expiresIn;
    if (auto extended = seconds(object, "ext_expires_in"); extended && *extended > 0)
        token.extExpiresAt = issuedAt + *extended;
    if (auto refreshIn = seconds(object, "refresh_in");
        refreshIn && *refreshIn > 0 && *refreshIn < *expiresIn)
        token.refreshAt = issuedAt + *refreshIn;
    if (object->has("token_type") && object->get("token_type").isString())
        token.tokenType = object->get("token_type").extract<std::string>();
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
