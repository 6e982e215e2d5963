// Test support for the Graph endpoints: an in-process emulator (default seed, Graph routes on a Router),
// access tokens minted by the emulator's own TokenService as its token endpoint would issue them, and
// RSA certificates plus signed JWTs made with OpenSSL at run time (no key material is committed).
#pragma once

#include "context.h"
#include "crypto.h"
#include "graph_routes.h"
#include "router.h"
#include "seed.h"

#include <nlohmann/json.hpp>
#include <openssl/evp.h>
#include <openssl/rsa.h>
#include <openssl/x509.h>

#include <memory>
#include <stdexcept>
#include <string>

namespace emu::testing {

inline constexpr const char* kGraphCli = "14d82eec-204b-4c2f-b7e8-296a70dab67e";
inline constexpr const char* kAdmin = "admin@contoso.onmicrosoft.com";
inline constexpr const char* kPra = "pra@contoso.onmicrosoft.com";
inline constexpr const char* kAppAdmin = "appadmin@contoso.onmicrosoft.com";
inline constexpr const char* kUser = "user@contoso.onmicrosoft.com";
inline constexpr const char* kAdminScopes =
    "Application.ReadWrite.All AppRoleAssignment.ReadWrite.All User.Read";

struct PkeyDeleter {
    void operator()(EVP_PKEY* key) const { EVP_PKEY_free(key); }
};
using Pkey = std::unique_ptr<EVP_PKEY, PkeyDeleter>;

/// A self-signed RSA-2048 certificate valid from now+notBeforeSeconds to now+notAfterSeconds.
struct TestCertificate {
    std::shared_ptr<EVP_PKEY> key;
    Bytes der;
    std::string base64() const { return base64Encode(der); }
};

inline TestCertificate makeCertificate(const std::string& commonName, long notBeforeSeconds = -300,
                                       long notAfterSeconds = 365L * 24 * 3600) {
    TestCertificate result;
    result.key.reset(EVP_RSA_gen(2048), EVP_PKEY_free);
    if (!result.key)
        throw std::runtime_error("EVP_RSA_gen failed");
    std::unique_ptr<X509, decltype(&X509_free)> cert(X509_new(), X509_free);
    X509_set_version(cert.get(), 2);
    ASN1_INTEGER_set(X509_get_serialNumber(cert.get()), static_cast<long>(randomBytes(1)[0]) + 1);
    X509_gmtime_adj(X509_getm_notBefore(cert.get()), notBeforeSeconds);
    X509_gmtime_adj(X509_getm_notAfter(cert.get()), notAfterSeconds);
    X509_set_pubkey(cert.get(), result.key.get());
    X509_NAME* name = X509_get_subject_name(cert.get());
    X509_NAME_add_entry_by_txt(name, "CN", MBSTRING_UTF8,
                               reinterpret_cast<const unsigned char*>(commonName.c_str()), -1, -1, 0);
    X509_set_issuer_name(cert.get(), name);
    if (X509_sign(cert.get(), result.key.get(), EVP_sha256()) <= 0)
        throw std::runtime_error("X509_sign failed");
    int length = i2d_X509(cert.get(), nullptr);
    result.der.resize(static_cast<std::size_t>(length));
    unsigned char* out = result.der.data();
    i2d_X509(cert.get(), &out);
    return result;
}

/// Signs "<b64url(header)>.<b64url(claims)>" with RS256 or PS256 (per header "alg").
inline std::string signJwt(const nlohmann::json& header, const nlohmann::json& claims, EVP_PKEY* key) {
    std::string input = base64UrlEncode(header.dump()) + "." + base64UrlEncode(claims.dump());
    std::unique_ptr<EVP_MD_CTX, decltype(&EVP_MD_CTX_free)> ctx(EVP_MD_CTX_new(), EVP_MD_CTX_free);
    EVP_PKEY_CTX* pkeyCtx = nullptr;
    if (EVP_DigestSignInit(ctx.get(), &pkeyCtx, EVP_sha256(), nullptr, key) <= 0)
        throw std::runtime_error("EVP_DigestSignInit failed");
    if (header.value("alg", "") == "PS256") {
        EVP_PKEY_CTX_set_rsa_padding(pkeyCtx, RSA_PKCS1_PSS_PADDING);
        EVP_PKEY_CTX_set_rsa_pss_saltlen(pkeyCtx, 32);
        EVP_PKEY_CTX_set_rsa_mgf1_md(pkeyCtx, EVP_sha256());
    }
    std::size_t length = 0;
    const auto* data = reinterpret_cast<const unsigned char*>(input.data());
    EVP_DigestSign(ctx.get(), nullptr, &length, data, input.size());
    Bytes signature(length);
    if (EVP_DigestSign(ctx.get(), signature.data(), &length, data, input.size()) <= 0)
        throw std::runtime_error("EVP_DigestSign failed");
    signature.resize(length);
    return input + "." + base64UrlEncode(signature);
}

/// The addKey/removeKey proof as Microsoft's sample builds it: RS256 with x5t and kid of `signer`.
inline std::string makeProof(const TestCertificate& signer, const std::string& applicationObjectId,
                             std::int64_t now, std::int64_t lifetimeSeconds = 600,
                             const std::string& audience = "00000002-0000-0000-c000-000000000000") {
    nlohmann::json header = {{"alg", "RS256"},
                             {"typ", "JWT"},
                             {"x5t", base64UrlEncode(sha1(signer.der))},
                             {"kid", hexUpper(sha1(signer.der))}};
    nlohmann::json claims = {{"aud", audience},
                             {"iss", applicationObjectId},
                             {"nbf", now},
                             {"exp", now + lifetimeSeconds},
                             {"jti", newGuid()}};
    return signJwt(header, claims, signer.key.get());
}

/// One emulator's Graph surface in process: call() goes through the same Router as HTTPS requests.
class GraphHarness {
public:
    Clock clock;
    Directory directory{clock};
    TokenService tokens{clock};
    ServiceContext context{clock, directory, tokens};
    Router router;
    std::string tenantId;

    GraphHarness() {
        auto state = directory.lock();
        applySeed(*state, defaultSeed(), clock.now());
        tenantId = state->defaultTenant()->id;
        registerGraphRoutes(router, context);
    }

    /// A delegated Graph token of a seeded user (scp = `scopes`, wids = the user's directory roles).
    std::string userToken(const std::string& upn, const std::string& scopes = kAdminScopes,
                          std::int64_t lifetimeSeconds = 3600) {
        auto state = directory.lock();
        const User* user = state->findUserByUpn(upn);
        if (!user)
            throw std::runtime_error("no seeded user " + upn);
        std::int64_t now = clock.nowUnix();
        return tokens.sign({{"aud", "https://graph.microsoft.com"},
                            {"iss", "https://sts.windows.net/" + tenantId + "/"},
                            {"iat", now},
                            {"nbf", now},
                            {"exp", now + lifetimeSeconds},
                            {"tid", tenantId},
                            {"oid", user->id},
                            {"upn", user->userPrincipalName},
                            {"appid", kGraphCli},
                            {"scp", scopes},
                            {"wids", user->roleTemplateIds}});
    }

    /// An app-only Graph token of application `appId` with `roles` (omitted when empty, as Entra does).
    std::string appToken(const std::string& appId, const std::vector<std::string>& roles = {}) {
        std::int64_t now = clock.nowUnix();
        nlohmann::json claims = {{"aud", "https://graph.microsoft.com"},
                                 {"iss", "https://sts.windows.net/" + tenantId + "/"},
                                 {"iat", now},
                                 {"nbf", now},
                                 {"exp", now + 3600},
                                 {"tid", tenantId},
                                 {"oid", newGuid()},
                                 {"appid", appId},
                                 {"idtyp", "app"}};
        if (!roles.empty())
            claims["roles"] = roles;
        return tokens.sign(claims);
    }

    Response call(const std::string& method, const std::string& target, const std::string& token,
                  const std::optional<nlohmann::json>& body = std::nullopt) {
        Request request;
        request.method = method;
        auto question = target.find('?');
        request.path = target.substr(0, question);
        if (question != std::string::npos) {
            request.rawQuery = target.substr(question + 1);
            request.query = parseUrlEncoded(request.rawQuery);
        }
        if (!token.empty())
            request.headers["Authorization"] = "Bearer " + token;
        if (body) {
            request.headers["Content-Type"] = "application/json";
            request.body = body->dump();
        }
        request.baseUrl = "https://127.0.0.1:8443";
        request.requestId = newGuid();
        return router.dispatch(request);
    }

    /// The JSON body of a response (null when it has none).
    static nlohmann::json json(const Response& response) {
        return response.jsonBody().value_or(nlohmann::json());
    }
    static std::string errorCode(const Response& response) {
        return json(response)["error"].value("code", "");
    }

    /// POST /v1.0/applications as admin@; returns the created application JSON (fails the test otherwise).
    nlohmann::json createApplication(const std::string& displayName,
                                     const nlohmann::json& keyCredentials = nlohmann::json::array()) {
        auto response = call("POST", "/v1.0/applications", userToken(kAdmin),
                             nlohmann::json{{"displayName", displayName},
                                            {"signInAudience", "AzureADMyOrg"},
                                            {"keyCredentials", keyCredentials}});
        if (response.status != 201)
            throw std::runtime_error("create application failed: " + response.body);
        return json(response);
    }

    /// POST /v1.0/servicePrincipals as admin@ for `appId`.
    nlohmann::json createServicePrincipal(const std::string& appId) {
        auto response =
            call("POST", "/v1.0/servicePrincipals", userToken(kAdmin), nlohmann::json{{"appId", appId}});
        if (response.status != 201)
            throw std::runtime_error("create service principal failed: " + response.body);
        return json(response);
    }

    /// The resource service principal's object id for a resource appId.
    std::string resourceServicePrincipalId(std::string_view appId) {
        auto state = directory.lock();
        return state->findServicePrincipalByAppId(tenantId, appId)->id;
    }

    void advance(std::chrono::seconds seconds) { clock.setOffset(clock.offset() + seconds); }
};

} // namespace emu::testing
