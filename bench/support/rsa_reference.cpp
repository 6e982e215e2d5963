// rsa_reference.cpp -- see rsa_reference.h.
#include "rsa_reference.h"

#include "stats.h"

#include <openssl/evp.h>
#include <openssl/pem.h>
#include <openssl/rsa.h>

#include <stdexcept>

namespace wpbench {

struct RsaReference::Impl {
    EVP_PKEY* key = nullptr;
    EVP_PKEY_CTX* ctx = nullptr;
    unsigned char digest[32] = {1,  2,  3,  4,  5,  6,  7,  8,  9,  10, 11, 12, 13, 14, 15, 16,
                                17, 18, 19, 20, 21, 22, 23, 24, 25, 26, 27, 28, 29, 30, 31, 32};
    unsigned char signature[1024] = {};

    ~Impl() {
        EVP_PKEY_CTX_free(ctx);
        EVP_PKEY_free(key);
    }

    void prepare(Padding padding) {
        if (key == nullptr)
            throw std::runtime_error("no RSA key for the reference signature");
        const bool pss = padding == Padding::Pss;
        ctx = EVP_PKEY_CTX_new(key, nullptr);
        if (ctx == nullptr || EVP_PKEY_sign_init(ctx) != 1 ||
            EVP_PKEY_CTX_set_rsa_padding(ctx, pss ? RSA_PKCS1_PSS_PADDING : RSA_PKCS1_PADDING) != 1 ||
            EVP_PKEY_CTX_set_signature_md(ctx, EVP_sha256()) != 1 ||
            (pss && EVP_PKEY_CTX_set_rsa_pss_saltlen(ctx, 32) != 1))
            throw std::runtime_error("cannot prepare the raw RSA signer");
    }
};

RsaReference::RsaReference(int bits, Padding padding) : _impl(std::make_unique<Impl>()) {
    _impl->key = EVP_PKEY_Q_keygen(nullptr, nullptr, "RSA", static_cast<size_t>(bits));
    _impl->prepare(padding);
}

RsaReference::RsaReference(const std::string& privateKeyPem, Padding padding)
    : _impl(std::make_unique<Impl>()) {
    BIO* bio = BIO_new_mem_buf(privateKeyPem.data(), static_cast<int>(privateKeyPem.size()));
    _impl->key = bio != nullptr ? PEM_read_bio_PrivateKey(bio, nullptr, nullptr, nullptr) : nullptr;
    BIO_free(bio);
    _impl->prepare(padding);
}

RsaReference::~RsaReference() = default;

void RsaReference::signOnce() {
    std::size_t length = sizeof _impl->signature;
    if (EVP_PKEY_sign(_impl->ctx, _impl->signature, &length, _impl->digest, sizeof _impl->digest) != 1)
        throw std::runtime_error("raw RSA signature failed");
}

double RsaReference::signaturesPerCpuSecond(double seconds) {
    const auto budget = static_cast<uint64_t>(seconds * 1e9);
    uint64_t cpuStart = threadCpuNs();
    uint64_t start = nowNs(), now = start, operations = 0;
    while (now - start < budget) {
        for (int i = 0; i < 8; ++i)
            signOnce();
        operations += 8;
        now = nowNs();
    }
    return static_cast<double>(operations) * 1e9 / static_cast<double>(threadCpuNs() - cpuStart);
}

} // namespace wpbench
