// jwt.cpp -- see jwt.h.
#include "jwt.h"

#include "token_client.h" // unixNow()

#include <wp/error.hpp>

#include <Poco/Exception.h>
#include <Poco/JSON/Array.h>
#include <Poco/JSON/Parser.h>
#include <openssl/rand.h>

#include <cmath>
#include <cstdio>

namespace m365 {

namespace {

/// Microsoft's Azure AD Graph application id: the audience of key-rollover proofs (entra-facts 3.7).
constexpr const char* kKeyRolloverAudience = "00000002-0000-0000-c000-000000000000";

/// A JSON string literal (with quotes).  The values here are URLs, GUIDs and thumbprints; escaping
/// keeps a malformed setting from producing malformed JSON.
void appendJsonString(std::string& out, std::string_view value) {
    out.push_back('"');
    for (char c : value) {
        unsigned char u = static_cast<unsigned char>(c);
        if (c == '"' || c == '\\') {
            out.push_back('\\');
            out.push_back(c);
        } else if (u < 0x20) {
            char escaped[8];
            std::snprintf(escaped, sizeof escaped, "\\u%04x", u);
            out.append(escaped);
        } else {
            out.push_back(c);
        }
    }
    out.push_back('"');
}

void appendInteger(std::string& out, int64_t value) {
    char digits[24];
    int length = std::snprintf(digits, sizeof digits, "%lld", static_cast<long long>(value));
    out.append(digits, static_cast<std::size_t>(length));
}

std::string encodeSegment(const std::string& json) {
    std::string segment = base64UrlEncode(json);
    segment.push_back('.');
    return segment;
}

/// header.payload.signature from a ready header segment ("xxx.") and the claims JSON.
void signCompact(const SigningKey& key, SignatureAlgorithm algorithm, const std::string& headerSegment,
                 std::string_view claims, std::string& out) {
    std::string input;
    input.reserve(headerSegment.size() + claims.size() * 4 / 3 + 4);
    input.append(headerSegment);
    base64UrlEncodeAppend(reinterpret_cast<const unsigned char*>(claims.data()), claims.size(), input);
    out.reserve(out.size() + input.size() + 1 + static_cast<std::size_t>(key.bits()) / 6 + 4);
    out.append(input);
    out.push_back('.');
    key.signBase64Url(algorithm, input, out);
}

[[noreturn]] void malformed(const std::string& why) {
    throw wp::Error(WP_E_INVALID_ARGUMENT, "jwt.malformed", "the token is not a well-formed JWT: " + why);
}

Poco::JSON::Object::Ptr parseSegment(std::string_view segment, const char* name) {
    std::string json;
    try {
        json = base64UrlDecode(segment);
    } catch (const wp::Error&) {
        malformed(std::string("its ") + name + " is not base64url");
    }
    try {
        Poco::JSON::Parser parser;
        Poco::Dynamic::Var value = parser.parse(json);
        if (value.type() == typeid(Poco::JSON::Object::Ptr))
            return value.extract<Poco::JSON::Object::Ptr>();
    } catch (const Poco::Exception&) {
        // reported below without the content
    }
    malformed(std::string("its ") + name + " is not a JSON object");
}

} // namespace

std::string randomGuid() {
    unsigned char b[16];
    if (RAND_bytes(b, sizeof b) != 1)
        throw wp::Error(WP_E_INTERNAL, "crypto.random_failed", "the random generator failed");
    b[6] = static_cast<unsigned char>((b[6] & 0x0F) | 0x40); // version 4
    b[8] = static_cast<unsigned char>((b[8] & 0x3F) | 0x80); // RFC 4122 variant
    static constexpr char kHex[] = "0123456789abcdef";
    std::string guid;
    guid.reserve(36);
    for (int i = 0; i < 16; ++i) {
        if (i == 4 || i == 6 || i == 8 || i == 10)
            guid.push_back('-');
        guid.push_back(kHex[b[i] >> 4]);
        guid.push_back(kHex[b[i] & 0x0F]);
    }
    return guid;
}

ClientAssertionBuilder::ClientAssertionBuilder(std::shared_ptr<const SigningKey> key,
                                               const CertificateInfo& certificate, std::string tokenEndpoint,
                                               std::string clientId, AssertionProfile profile,
                                               std::chrono::seconds lifetime)
    : _key(std::move(key)), _tokenEndpoint(std::move(tokenEndpoint)), _clientId(std::move(clientId)),
      _profile(profile), _lifetime(lifetime),
      _algorithm(profile == AssertionProfile::PS256WithX5tS256 ? SignatureAlgorithm::PS256
                                                               : SignatureAlgorithm::RS256) {
    if (!_key)
        throw wp::Error(WP_E_INVALID_ARGUMENT, "jwt.no_key", "a client assertion needs a signing key");
    if (_lifetime.count() < 60 || _lifetime.count() > 3600)
        throw wp::Error(WP_E_INVALID_ARGUMENT, "jwt.bad_lifetime",
                        "the client assertion lifetime must be 60 to 3600 seconds");
    std::string header = "{\"alg\":";
    appendJsonString(header, algorithmName(_algorithm));
    header += ",\"typ\":\"JWT\",";
    if (profile == AssertionProfile::PS256WithX5tS256) {
        header += "\"x5t#S256\":";
        appendJsonString(header, certificate.x5tS256);
    } else {
        header += "\"x5t\":";
        appendJsonString(header, certificate.x5t);
    }
    header += "}";
    _headerSegment = encodeSegment(header);

    _claimsPrefix = "{\"aud\":";
    appendJsonString(_claimsPrefix, _tokenEndpoint);
    _claimsPrefix += ",\"iss\":";
    appendJsonString(_claimsPrefix, _clientId);
    _claimsPrefix += ",\"sub\":";
    appendJsonString(_claimsPrefix, _clientId);
    _claimsPrefix += ",\"jti\":\"";
}

void ClientAssertionBuilder::appendTo(std::string& out, int64_t now) const {
    if (now == 0)
        now = unixNow();
    std::string claims;
    claims.reserve(_claimsPrefix.size() + 96);
    claims.append(_claimsPrefix);
    claims.append(randomGuid());
    claims.append("\",\"nbf\":");
    appendInteger(claims, now);
    claims.append(",\"iat\":");
    appendInteger(claims, now);
    claims.append(",\"exp\":");
    appendInteger(claims, now + _lifetime.count());
    claims.push_back('}');
    signCompact(*_key, _algorithm, _headerSegment, claims, out);
}

SecretBuffer ClientAssertionBuilder::build(int64_t now) const {
    std::string assertion;
    appendTo(assertion, now);
    return SecretBuffer::adopt(std::move(assertion));
}

SecretBuffer buildKeyRolloverProof(const SigningKey& key, const CertificateInfo& certificate,
                                   std::string_view applicationObjectId, int64_t now,
                                   std::chrono::seconds lifetime) {
    if (applicationObjectId.empty())
        throw wp::Error(WP_E_INVALID_ARGUMENT, "jwt.no_object_id",
                        "the key rollover proof needs the application object id");
    if (now == 0)
        now = unixNow();
    std::string header = "{\"alg\":\"RS256\",\"typ\":\"JWT\",\"x5t\":";
    appendJsonString(header, certificate.x5t);
    header += ",\"kid\":";
    appendJsonString(header, certificate.thumbprintSha1);
    header += "}";

    std::string claims = "{\"aud\":";
    appendJsonString(claims, kKeyRolloverAudience);
    claims += ",\"iss\":";
    appendJsonString(claims, applicationObjectId);
    claims += ",\"nbf\":";
    appendInteger(claims, now);
    claims += ",\"exp\":";
    appendInteger(claims, now + lifetime.count());
    claims += "}";

    std::string proof;
    signCompact(key, SignatureAlgorithm::RS256, encodeSegment(header), claims, proof);
    return SecretBuffer::adopt(std::move(proof));
}

JwtClaims decodeJwtUnverified(std::string_view token) {
    std::size_t first = token.find('.');
    std::size_t second = first == std::string_view::npos ? first : token.find('.', first + 1);
    if (second == std::string_view::npos || token.find('.', second + 1) != std::string_view::npos)
        malformed("expected three parts separated by '.'");
    if (first == 0 || second == first + 1)
        malformed("its header or payload is empty");
    JwtClaims claims;
    claims.header = parseSegment(token.substr(0, first), "header");
    claims.payload = parseSegment(token.substr(first + 1, second - first - 1), "payload");
    return claims;
}

std::optional<std::string> JwtClaims::string(const std::string& name) const {
    if (!payload || !payload->has(name))
        return std::nullopt;
    Poco::Dynamic::Var value = payload->get(name);
    if (!value.isString())
        return std::nullopt;
    return value.extract<std::string>();
}

std::optional<int64_t> JwtClaims::integer(const std::string& name) const {
    if (!payload || !payload->has(name))
        return std::nullopt;
    Poco::Dynamic::Var value = payload->get(name);
    try {
        if (value.isNumeric()) {
            // A claim outside int64 (fuzz finding: 1.8e105) or NaN is no usable time: casting it is UB.
            double number = value.convert<double>();
            if (std::isfinite(number) && number >= -9.2e18 && number <= 9.2e18)
                return static_cast<int64_t>(number);
        }
    } catch (const Poco::Exception&) {
    }
    return std::nullopt;
}

std::vector<std::string> JwtClaims::strings(const std::string& name) const {
    std::vector<std::string> result;
    if (!payload || !payload->has(name))
        return result;
    Poco::Dynamic::Var value = payload->get(name);
    if (value.isString()) {
        result.push_back(value.extract<std::string>());
    } else if (value.type() == typeid(Poco::JSON::Array::Ptr)) {
        auto array = value.extract<Poco::JSON::Array::Ptr>();
        for (std::size_t i = 0; i < array->size(); ++i) {
            Poco::Dynamic::Var item = array->get(static_cast<unsigned int>(i));
            if (item.isString())
                result.push_back(item.extract<std::string>());
        }
    }
    return result;
}

std::vector<std::string> JwtClaims::scopes() const {
    std::vector<std::string> result;
    std::string text = string("scp").value_or(std::string());
    std::size_t start = 0;
    while (start < text.size()) {
        std::size_t end = text.find(' ', start);
        if (end == std::string::npos)
            end = text.size();
        if (end > start)
            result.push_back(text.substr(start, end - start));
        start = end + 1;
    }
    return result;
}

} // namespace m365
