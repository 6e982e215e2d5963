#include "tokens.h"

#include "cloud_profile.h"

#include <openssl/bn.h>
#include <openssl/core_names.h>
#include <openssl/evp.h>
#include <openssl/pem.h>
#include <openssl/rsa.h>

#include <algorithm>
#include <filesystem>
#include <fstream>
#include <sstream>
#include <stdexcept>

namespace emu {

const std::vector<std::string>& graphAudiences() {
    static const std::vector<std::string> lenient{
        std::string(kGraphAppId),         "https://graph.microsoft.com",
        "https://graph.microsoft.com/",   "https://graph.microsoft.us",
        "https://dod-graph.microsoft.us", "https://microsoftgraph.chinacloudapi.cn"};
    if (!cloudIsStrict())
        return lenient;
    // Selected once at start-up, before the first request (cloud_profile.h).
    static const std::vector<std::string> strict{std::string(kGraphAppId), activeCloud().graphResource,
                                                 activeCloud().graphResource + "/"};
    return strict;
}

namespace {
bool contains(const std::vector<std::string>& list, std::string_view value) {
    return std::find(list.begin(), list.end(), value) != list.end();
}
} // namespace

bool AccessTokenClaims::hasScope(std::string_view scope) const {
    return contains(scopes, scope);
}
bool AccessTokenClaims::hasRole(std::string_view role) const {
    return contains(roles, role);
}
bool AccessTokenClaims::hasWid(std::string_view id) const {
    return contains(wids, id);
}

struct TokenService::Key {
    EVP_PKEY* pkey = nullptr;
    std::string publicPem;
    std::string kid;
    ~Key() { EVP_PKEY_free(pkey); }
};

namespace {
EVP_PKEY* loadPrivateKey(const std::filesystem::path& file) {
    std::unique_ptr<FILE, decltype(&fclose)> f(fopen(file.c_str(), "rb"), &fclose);
    if (!f)
        return nullptr;
    return PEM_read_PrivateKey(f.get(), nullptr, nullptr, nullptr);
}

void savePrivateKey(EVP_PKEY* key, const std::filesystem::path& file) {
    std::unique_ptr<FILE, decltype(&fclose)> f(fopen(file.c_str(), "wb"), &fclose);
    if (!f || PEM_write_PrivateKey(f.get(), key, nullptr, nullptr, 0, nullptr, nullptr) != 1)
        throw std::runtime_error("cannot write the signing key to " + file.string());
    std::filesystem::permissions(file,
                                 std::filesystem::perms::owner_read | std::filesystem::perms::owner_write);
}

std::string publicKeyPem(EVP_PKEY* key) {
    std::unique_ptr<BIO, decltype(&BIO_free)> bio(BIO_new(BIO_s_mem()), &BIO_free);
    PEM_write_bio_PUBKEY(bio.get(), key);
    char* data = nullptr;
    long length = BIO_get_mem_data(bio.get(), &data);
    return std::string(data, static_cast<std::size_t>(length));
}

Bytes publicKeyDer(EVP_PKEY* key) {
    int length = i2d_PUBKEY(key, nullptr);
    Bytes out(static_cast<std::size_t>(length));
    unsigned char* cursor = out.data();
    i2d_PUBKEY(key, &cursor);
    return out;
}

std::string bignumParam(EVP_PKEY* key, const char* name) {
    BIGNUM* value = nullptr;
    if (EVP_PKEY_get_bn_param(key, name, &value) != 1)
        throw std::runtime_error("cannot read RSA key parameter");
    Bytes bytes(static_cast<std::size_t>(BN_num_bytes(value)));
    BN_bn2bin(value, bytes.data());
    BN_free(value);
    return base64UrlEncode(bytes);
}

std::vector<std::string> stringList(const nlohmann::json& claims, std::string_view name,
                                    bool spaceSeparated) {
    std::vector<std::string> out;
    auto it = claims.find(name);
    if (it == claims.end())
        return out;
    if (spaceSeparated && it->is_string()) {
        std::istringstream words(it->get<std::string>());
        for (std::string word; words >> word;)
            out.push_back(word);
    } else if (it->is_array()) {
        for (const auto& item : *it)
            if (item.is_string())
                out.push_back(item.get<std::string>());
    }
    return out;
}
} // namespace

TokenService::TokenService(const Clock& clock, const std::string& stateDir)
    : _clock(clock), _key(std::make_unique<Key>()) {
    std::filesystem::path file;
    if (!stateDir.empty()) {
        std::filesystem::create_directories(stateDir);
        file = std::filesystem::path(stateDir) / "token-signing-key.pem";
        _key->pkey = loadPrivateKey(file);
    }
    if (!_key->pkey) {
        _key->pkey = EVP_PKEY_Q_keygen(nullptr, nullptr, "RSA", size_t{2048});
        if (!_key->pkey)
            throw std::runtime_error("cannot generate the token signing key");
        if (!file.empty())
            savePrivateKey(_key->pkey, file);
    }
    _key->publicPem = publicKeyPem(_key->pkey);
    Bytes digest = sha256(publicKeyDer(_key->pkey));
    digest.resize(20);
    _key->kid = base64UrlEncode(digest);
}

TokenService::~TokenService() = default;

const std::string& TokenService::keyId() const {
    return _key->kid;
}

std::string TokenService::sign(const nlohmann::json& claims) const {
    nlohmann::json header = {{"typ", "JWT"}, {"alg", "RS256"}, {"kid", _key->kid}, {"x5t", _key->kid}};
    std::string input = base64UrlEncode(header.dump()) + "." + base64UrlEncode(claims.dump());
    std::unique_ptr<EVP_MD_CTX, decltype(&EVP_MD_CTX_free)> ctx(EVP_MD_CTX_new(), &EVP_MD_CTX_free);
    std::size_t length = 0;
    const auto* data = reinterpret_cast<const unsigned char*>(input.data());
    if (!ctx || EVP_DigestSignInit(ctx.get(), nullptr, EVP_sha256(), nullptr, _key->pkey) != 1 ||
        EVP_DigestSign(ctx.get(), nullptr, &length, data, input.size()) != 1)
        throw std::runtime_error("token signing failed");
    Bytes signature(length);
    if (EVP_DigestSign(ctx.get(), signature.data(), &length, data, input.size()) != 1)
        throw std::runtime_error("token signing failed");
    signature.resize(length);
    return input + "." + base64UrlEncode(signature);
}

nlohmann::json TokenService::jwks(std::string_view issuer) const {
    return {{"keys",
             {{{"kty", "RSA"},
               {"use", "sig"},
               {"kid", _key->kid},
               {"x5t", _key->kid},
               {"n", bignumParam(_key->pkey, OSSL_PKEY_PARAM_RSA_N)},
               {"e", bignumParam(_key->pkey, OSSL_PKEY_PARAM_RSA_E)},
               {"issuer", issuer}}}}};
}

std::optional<AccessTokenClaims> TokenService::verifyAccessToken(std::string_view bearer,
                                                                 const std::vector<std::string>& audiences,
                                                                 TokenRejection* rejection) const {
    auto reject = [rejection](std::string message) -> std::optional<AccessTokenClaims> {
        if (rejection)
            *rejection = {"InvalidAuthenticationToken", std::move(message)};
        return std::nullopt;
    };
    if (bearer.size() >= 7 && (bearer.substr(0, 7) == "Bearer " || bearer.substr(0, 7) == "bearer "))
        bearer.remove_prefix(7);
    if (bearer.empty())
        return reject("Access token is empty.");
    auto token = jwt::parse(bearer);
    if (!token)
        return reject("IDX14100: JWT is not well formed.");
    if (jwt::stringClaim(token->header, "alg") != "RS256" ||
        !jwt::verifyWithPublicKeyPem(*token, _key->publicPem))
        return reject("Access token validation failure. Invalid signature.");
    AccessTokenClaims claims;
    claims.raw = token->claims;
    claims.expiresAt = jwt::numericClaim(token->claims, "exp").value_or(0);
    claims.notBefore = jwt::numericClaim(token->claims, "nbf").value_or(0);
    claims.issuedAt = jwt::numericClaim(token->claims, "iat").value_or(0);
    const std::int64_t now = _clock.nowUnix();
    if (now >= claims.expiresAt)
        return reject("Lifetime validation failed, the token is expired.");
    if (now < claims.notBefore)
        return reject("Lifetime validation failed, the token is not yet valid.");
    claims.audience = jwt::stringClaim(token->claims, "aud");
    if (!contains(audiences, claims.audience))
        return reject("Invalid audience.");
    claims.tenantId = jwt::stringClaim(token->claims, "tid");
    claims.objectId = jwt::stringClaim(token->claims, "oid");
    claims.appId = jwt::stringClaim(token->claims, "appid");
    claims.upn = jwt::stringClaim(token->claims, "upn");
    claims.scopes = stringList(token->claims, "scp", true);
    claims.roles = stringList(token->claims, "roles", false);
    claims.wids = stringList(token->claims, "wids", false);
    return claims;
}

} // namespace emu
