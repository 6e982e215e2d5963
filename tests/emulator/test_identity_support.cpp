#include "test_identity_support.h"

#include "jwt.h"

#include <Poco/Net/SSLManager.h>

#include <openssl/rsa.h>
#include <openssl/x509.h>

#include <stdexcept>

namespace emutest {

TestCertificate makeCertificate(long notBeforeDays, long days) {
    TestCertificate cert;
    cert.key = KeyPtr(EVP_PKEY_Q_keygen(nullptr, nullptr, "RSA", std::size_t{2048}), &EVP_PKEY_free);
    std::unique_ptr<X509, decltype(&X509_free)> x509(X509_new(), &X509_free);
    X509_set_version(x509.get(), 2);
    ASN1_INTEGER_set(X509_get_serialNumber(x509.get()), 1);
    X509_gmtime_adj(X509_getm_notBefore(x509.get()), notBeforeDays * 86400);
    X509_gmtime_adj(X509_getm_notAfter(x509.get()), (notBeforeDays + days) * 86400);
    X509_set_pubkey(x509.get(), cert.key.get());
    X509_NAME* name = X509_get_subject_name(x509.get());
    X509_NAME_add_entry_by_txt(name, "CN", MBSTRING_ASC,
                               reinterpret_cast<const unsigned char*>("emulator-test"), -1, -1, 0);
    X509_set_issuer_name(x509.get(), name);
    X509_sign(x509.get(), cert.key.get(), EVP_sha256());
    int length = i2d_X509(x509.get(), nullptr);
    cert.der.resize(static_cast<std::size_t>(length));
    unsigned char* cursor = cert.der.data();
    i2d_X509(x509.get(), &cursor);
    return cert;
}

std::string signJwt(const nlohmann::json& header, const nlohmann::json& claims, EVP_PKEY* key,
                    std::optional<bool> usePssFor) {
    const std::string input = emu::base64UrlEncode(header.dump()) + "." + emu::base64UrlEncode(claims.dump());
    const bool pss = usePssFor.value_or(header.value("alg", "") == "PS256");
    std::unique_ptr<EVP_MD_CTX, decltype(&EVP_MD_CTX_free)> ctx(EVP_MD_CTX_new(), &EVP_MD_CTX_free);
    EVP_PKEY_CTX* pctx = nullptr;
    EVP_DigestSignInit(ctx.get(), &pctx, EVP_sha256(), nullptr, key);
    if (pss) {
        EVP_PKEY_CTX_set_rsa_padding(pctx, RSA_PKCS1_PSS_PADDING);
        EVP_PKEY_CTX_set_rsa_pss_saltlen(pctx, 32);
    }
    std::size_t length = 0;
    const auto* data = reinterpret_cast<const unsigned char*>(input.data());
    EVP_DigestSign(ctx.get(), nullptr, &length, data, input.size());
    emu::Bytes signature(length);
    if (EVP_DigestSign(ctx.get(), signature.data(), &length, data, input.size()) != 1)
        throw std::runtime_error("test signing failed");
    signature.resize(length);
    return input + "." + emu::base64UrlEncode(signature);
}

emu::Options InProcessEmulator::defaultOptions() {
    emu::Options options;
    options.control = true;
    options.deviceCodeIntervalSeconds = 1;
    return options;
}

InProcessEmulator::InProcessEmulator(emu::Options options) {
    Poco::Net::initializeSSL();
    _emulator = std::make_unique<emu::Emulator>(options);
    _emulator->start();
    const auto ready = _emulator->readyInfo();
    _tenantId = ready["tenant_id"];
    _client = std::make_unique<wptest::HttpsClient>(base(), ready["ca_file"].get<std::string>());
}

InProcessEmulator::~InProcessEmulator() {
    _emulator->stop();
    _emulator.reset();
}

std::string InProcessEmulator::base() const {
    return "https://127.0.0.1:" + std::to_string(_emulator->port());
}

std::string InProcessEmulator::tenantId() const {
    return _tenantId;
}

std::string InProcessEmulator::tokenUrl(const std::string& tenant) const {
    return base() + "/" + tenant + "/oauth2/v2.0/token";
}

std::string InProcessEmulator::registerApp(const TestCertificate& cert, const std::string& name) {
    auto& directory = context().directory;
    const emu::TimePoint visibleAt = directory.newVisibleAt();
    const emu::TimePoint now = context().clock.now();
    emu::Application app;
    app.id = emu::newGuid();
    app.appId = emu::newGuid();
    app.tenantId = tenantId();
    app.displayName = name;
    app.createdAt = now;
    app.visibleAt = visibleAt;
    auto info = emu::parseCertificate(cert.der);
    emu::KeyCredential key;
    key.keyId = emu::newGuid();
    key.key = cert.der;
    key.customKeyIdentifier = info->sha1Thumbprint;
    key.displayName = info->subject;
    key.startDateTime = info->notBefore;
    key.endDateTime = info->notAfter;
    key.visibleAt = visibleAt;
    app.keyCredentials.push_back(key);
    emu::ServicePrincipal sp;
    sp.id = emu::newGuid();
    sp.appId = app.appId;
    sp.tenantId = app.tenantId;
    sp.displayName = name;
    sp.createdAt = now;
    sp.visibleAt = visibleAt;
    auto state = directory.lock();
    state->applications.emplace(app.id, app);
    state->servicePrincipals.emplace(sp.id, sp);
    return app.appId;
}

void InProcessEmulator::grantRole(const std::string& appId, const std::string& resourceAppId,
                                  const std::string& roleValue) {
    auto& directory = context().directory;
    const std::string tenant = tenantId();
    auto state = directory.lock();
    emu::ServicePrincipal* principal = state->findServicePrincipalByAppId(tenant, appId);
    emu::ServicePrincipal* resource = state->findServicePrincipalByAppId(tenant, resourceAppId);
    if (!principal || !resource)
        throw std::runtime_error("grantRole: no such service principal");
    for (const auto& role : resource->appRoles)
        if (role.value == roleValue) {
            emu::AppRoleAssignment assignment{
                emu::newGuid(),          tenant, principal->id, resource->id, role.id, context().clock.now(),
                directory.newVisibleAt()};
            state->appRoleAssignments.emplace(assignment.id, assignment);
            return;
        }
    throw std::runtime_error("grantRole: no role " + roleValue);
}

std::string InProcessEmulator::assertion(const std::string& appId, const TestCertificate& cert, bool rs256,
                                         const std::string& audience) {
    const std::int64_t now = context().clock.nowUnix();
    nlohmann::json header = {{"typ", "JWT"}, {"alg", rs256 ? "RS256" : "PS256"}};
    header[rs256 ? "x5t" : "x5t#S256"] = rs256 ? cert.x5t() : cert.x5tS256();
    nlohmann::json claims = {{"aud", audience.empty() ? tokenUrl() : audience},
                             {"iss", appId},
                             {"sub", appId},
                             {"jti", emu::newGuid()},
                             {"nbf", now},
                             {"exp", now + 600}};
    return signJwt(header, claims, cert.key.get());
}

wptest::HttpResult InProcessEmulator::clientCredentials(const std::string& appId,
                                                        const std::string& assertion,
                                                        const std::string& scope, const std::string& tenant) {
    return client().postForm(
        "/" + tenant + "/oauth2/v2.0/token",
        {{"grant_type", "client_credentials"},
         {"client_id", appId},
         {"scope", scope},
         {"client_assertion_type", "urn:ietf:params:oauth:client-assertion-type:jwt-bearer"},
         {"client_assertion", assertion}});
}

int aadsts(const wptest::HttpResult& result) {
    auto body = nlohmann::json::parse(result.body, nullptr, false);
    if (body.is_discarded() || !body.contains("error_codes") || body["error_codes"].empty())
        return -1;
    return body["error_codes"][0].get<int>();
}

nlohmann::json claimsOf(const std::string& jwt) {
    auto parsed = emu::jwt::parse(jwt);
    if (!parsed)
        throw std::runtime_error("not a JWT");
    return parsed->claims;
}

} // namespace emutest
