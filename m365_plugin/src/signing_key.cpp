// signing_key.cpp -- SigningKey (declared in certificate.h): the parsed RSA private key and its
// prepared signature contexts.
//
// Why prepared contexts: EVP_DigestSignInit fetches the digest and signature implementations from the
// provider and sets up the padding each time; copying an initialised context is cheaper and lets many
// threads sign at once (each signs with its own copy; the templates are only read).
#include "certificate.h"

#include "openssl_handles.h"

#include <openssl/pem.h>
#include <openssl/rsa.h>

namespace m365 {

const char* algorithmName(SignatureAlgorithm algorithm) noexcept {
    return algorithm == SignatureAlgorithm::PS256 ? "PS256" : "RS256";
}

struct SigningKey::Impl {
    ossl::Pkey key;
    ossl::MdCtx ps256; ///< initialised for RSASSA-PSS, SHA-256, MGF1-SHA-256, salt 32
    ossl::MdCtx rs256; ///< initialised for RSASSA-PKCS1-v1_5, SHA-256
    std::size_t signatureSize = 0;

    const EVP_MD_CTX* templateFor(SignatureAlgorithm algorithm) const {
        return algorithm == SignatureAlgorithm::PS256 ? ps256.get() : rs256.get();
    }
};

namespace {

ossl::MdCtx prepareContext(EVP_PKEY* key, bool pss) {
    ossl::MdCtx context(EVP_MD_CTX_new());
    EVP_PKEY_CTX* keyContext = nullptr; // owned by the EVP_MD_CTX
    if (!context ||
        EVP_DigestSignInit_ex(context.get(), &keyContext, "SHA256", nullptr, nullptr, key, nullptr) != 1)
        ossl::fail(WP_E_INTERNAL, "crypto.sign_failed", "preparing the signature context");
    if (pss && (EVP_PKEY_CTX_set_rsa_padding(keyContext, RSA_PKCS1_PSS_PADDING) != 1 ||
                EVP_PKEY_CTX_set_rsa_mgf1_md(keyContext, EVP_sha256()) != 1 ||
                EVP_PKEY_CTX_set_rsa_pss_saltlen(keyContext, 32) != 1))
        ossl::fail(WP_E_INTERNAL, "crypto.sign_failed", "configuring PSS padding");
    if (!pss && EVP_PKEY_CTX_set_rsa_padding(keyContext, RSA_PKCS1_PADDING) != 1)
        ossl::fail(WP_E_INTERNAL, "crypto.sign_failed", "configuring PKCS#1 v1.5 padding");
    return context;
}

} // namespace

SigningKey::SigningKey(std::unique_ptr<Impl> impl) : _impl(std::move(impl)) {}
SigningKey::~SigningKey() = default;

std::shared_ptr<const SigningKey> SigningKey::fromPem(std::string_view privateKeyPem) {
    ossl::Bio bio = ossl::readBio(privateKeyPem);
    // An empty passphrase callback result: an encrypted PEM fails instead of prompting on a terminal.
    auto noPassphrase = [](char*, int, int, void*) -> int { return 0; };
    auto impl = std::make_unique<Impl>();
    impl->key.reset(PEM_read_bio_PrivateKey(bio.get(), nullptr, noPassphrase, nullptr));
    if (!impl->key)
        ossl::fail(WP_E_INVALID_CONFIG, "cert.key_unreadable", "reading the private key");
    if (EVP_PKEY_get_base_id(impl->key.get()) != EVP_PKEY_RSA)
        throw wp::Error(WP_E_INVALID_CONFIG, "cert.key_unreadable", "the private key is not an RSA key");
    if (EVP_PKEY_get_bits(impl->key.get()) < 2048)
        throw wp::Error(WP_E_INVALID_CONFIG, "cert.key_unreadable", "the RSA key is shorter than 2048 bits");
    impl->signatureSize = static_cast<std::size_t>(EVP_PKEY_get_size(impl->key.get()));
    impl->ps256 = prepareContext(impl->key.get(), true);
    impl->rs256 = prepareContext(impl->key.get(), false);
    return std::make_shared<const SigningKey>(std::move(impl));
}

std::vector<unsigned char> SigningKey::sign(SignatureAlgorithm algorithm, std::string_view data) const {
    ossl::MdCtx context(EVP_MD_CTX_new());
    if (!context || EVP_MD_CTX_copy_ex(context.get(), _impl->templateFor(algorithm)) != 1)
        ossl::fail(WP_E_INTERNAL, "crypto.sign_failed", "copying the signature context");
    std::vector<unsigned char> signature(_impl->signatureSize);
    std::size_t length = signature.size();
    if (EVP_DigestSignUpdate(context.get(), data.data(), data.size()) != 1 ||
        EVP_DigestSignFinal(context.get(), signature.data(), &length) != 1)
        ossl::fail(WP_E_INTERNAL, "crypto.sign_failed",
                   std::string("signing with ") + algorithmName(algorithm));
    signature.resize(length);
    return signature;
}

void SigningKey::signBase64Url(SignatureAlgorithm algorithm, std::string_view data, std::string& out) const {
    ossl::MdCtx context(EVP_MD_CTX_new());
    if (!context || EVP_MD_CTX_copy_ex(context.get(), _impl->templateFor(algorithm)) != 1)
        ossl::fail(WP_E_INTERNAL, "crypto.sign_failed", "copying the signature context");
    unsigned char signature[1024]; // up to RSA-8192
    std::size_t length = sizeof signature;
    if (_impl->signatureSize > length || EVP_DigestSignUpdate(context.get(), data.data(), data.size()) != 1 ||
        EVP_DigestSignFinal(context.get(), signature, &length) != 1)
        ossl::fail(WP_E_INTERNAL, "crypto.sign_failed",
                   std::string("signing with ") + algorithmName(algorithm));
    base64UrlEncodeAppend(signature, length, out);
}

int SigningKey::bits() const noexcept {
    return EVP_PKEY_get_bits(_impl->key.get());
}

std::vector<unsigned char> SigningKey::publicKeyDer() const {
    int length = i2d_PUBKEY(_impl->key.get(), nullptr);
    if (length <= 0)
        ossl::fail(WP_E_INTERNAL, "crypto.encode_failed", "encoding the public key");
    std::vector<unsigned char> der(static_cast<std::size_t>(length));
    unsigned char* cursor = der.data();
    i2d_PUBKEY(_impl->key.get(), &cursor);
    return der;
}

} // namespace m365
