// See throughput_assertion.h.
#include "throughput_assertion.h"

#include <Poco/UUIDGenerator.h>

#include <openssl/rsa.h>
#include <openssl/x509.h>

#include <algorithm>
#include <ctime>
#include <sstream>
#include <stdexcept>

namespace emu::bench {
namespace {

template <typename T, void (*Free)(T*)> struct Deleter {
    void operator()(T* p) const { Free(p); }
};
using X509Ptr = std::unique_ptr<X509, Deleter<X509, X509_free>>;
using MdCtx = std::unique_ptr<EVP_MD_CTX, Deleter<EVP_MD_CTX, EVP_MD_CTX_free>>;

void check(bool ok, const char* what) {
    if (!ok)
        throw std::runtime_error(std::string("openssl: ") + what + " failed");
}

std::string digest(const EVP_MD* md, const std::string& data) {
    unsigned char buffer[EVP_MAX_MD_SIZE];
    unsigned int length = 0;
    check(EVP_Digest(data.data(), data.size(), buffer, &length, md, nullptr) == 1, "EVP_Digest");
    return std::string(reinterpret_cast<const char*>(buffer), length);
}

std::string signRsa(EVP_PKEY* key, const std::string& input, bool pss) {
    MdCtx ctx(EVP_MD_CTX_new());
    EVP_PKEY_CTX* pkeyCtx = nullptr;
    check(ctx && EVP_DigestSignInit(ctx.get(), &pkeyCtx, EVP_sha256(), nullptr, key) == 1,
          "EVP_DigestSignInit");
    if (pss) {
        check(EVP_PKEY_CTX_set_rsa_padding(pkeyCtx, RSA_PKCS1_PSS_PADDING) == 1, "set PSS padding");
        check(EVP_PKEY_CTX_set_rsa_pss_saltlen(pkeyCtx, RSA_PSS_SALTLEN_DIGEST) == 1, "set PSS salt length");
    }
    size_t length = 0;
    const auto* data = reinterpret_cast<const unsigned char*>(input.data());
    check(EVP_DigestSign(ctx.get(), nullptr, &length, data, input.size()) == 1, "EVP_DigestSign (size)");
    std::string signature(length, '\0');
    check(EVP_DigestSign(ctx.get(), reinterpret_cast<unsigned char*>(signature.data()), &length, data,
                         input.size()) == 1,
          "EVP_DigestSign");
    signature.resize(length);
    return signature;
}

} // namespace

std::string base64(const std::string& bytes) {
    std::string out(4 * ((bytes.size() + 2) / 3) + 1, '\0');
    const int n =
        EVP_EncodeBlock(reinterpret_cast<unsigned char*>(out.data()),
                        reinterpret_cast<const unsigned char*>(bytes.data()), static_cast<int>(bytes.size()));
    out.resize(static_cast<size_t>(n));
    return out;
}

std::string base64Url(const std::string& bytes) {
    std::string out = base64(bytes);
    std::replace(out.begin(), out.end(), '+', '-');
    std::replace(out.begin(), out.end(), '/', '_');
    out.erase(out.find_last_not_of('=') + 1);
    return out;
}

Credential makeCredential() {
    Credential credential{std::unique_ptr<EVP_PKEY, PKeyDeleter>(EVP_RSA_gen(2048)), {}};
    check(credential.key != nullptr, "EVP_RSA_gen");
    X509Ptr cert(X509_new());
    check(cert && X509_set_version(cert.get(), 2) == 1, "X509_set_version");
    ASN1_INTEGER_set(X509_get_serialNumber(cert.get()), static_cast<long>(std::time(nullptr)));
    X509_gmtime_adj(X509_getm_notBefore(cert.get()), -300);
    X509_gmtime_adj(X509_getm_notAfter(cert.get()), 2L * 24 * 3600);
    X509_NAME* name = X509_get_subject_name(cert.get());
    X509_NAME_add_entry_by_txt(name, "CN", MBSTRING_ASC,
                               reinterpret_cast<const unsigned char*>("emulator-throughput"), -1, -1, 0);
    check(X509_set_issuer_name(cert.get(), name) == 1, "X509_set_issuer_name");
    check(X509_set_pubkey(cert.get(), credential.key.get()) == 1, "X509_set_pubkey");
    check(X509_sign(cert.get(), credential.key.get(), EVP_sha256()) > 0, "X509_sign");
    unsigned char* der = nullptr;
    const int length = i2d_X509(cert.get(), &der);
    check(length > 0, "i2d_X509");
    credential.certDer.assign(reinterpret_cast<const char*>(der), static_cast<size_t>(length));
    OPENSSL_free(der);
    return credential;
}

std::string toJson(const Poco::JSON::Object& object) {
    std::ostringstream out;
    object.stringify(out);
    return out.str();
}

// A client assertion as Entra documents it: PS256 + x5t#S256, or the older RS256 + x5t; fresh jti every time.
std::string makeAssertion(const Credential& credential, const std::string& alg, const std::string& clientId,
                          const std::string& audience) {
    const bool pss = alg == "PS256";
    Poco::JSON::Object header;
    header.set("alg", alg);
    header.set("typ", "JWT");
    header.set(pss ? "x5t#S256" : "x5t",
               base64Url(digest(pss ? EVP_sha256() : EVP_sha1(), credential.certDer)));
    const auto now = static_cast<Poco::Int64>(std::time(nullptr));
    Poco::JSON::Object claims;
    claims.set("aud", audience);
    claims.set("iss", clientId);
    claims.set("sub", clientId);
    claims.set("jti", Poco::UUIDGenerator::defaultGenerator().createRandom().toString());
    claims.set("nbf", now);
    claims.set("exp", now + 600);
    const std::string signingInput = base64Url(toJson(header)) + "." + base64Url(toJson(claims));
    return signingInput + "." + base64Url(signRsa(credential.key.get(), signingInput, pss));
}

} // namespace emu::bench
