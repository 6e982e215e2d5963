// secret_cipher.cpp -- AES-256-GCM with a random 96-bit nonce per write (OpenSSL EVP).
#include "wphost/secret_cipher.hpp"

#include "wphost/store_error.hpp"

#include <openssl/crypto.h>
#include <openssl/evp.h>
#include <openssl/rand.h>

#include <algorithm>
#include <memory>

namespace wphost {
namespace {

constexpr unsigned char FormatVersion = 0x01;
constexpr std::size_t NonceSize = 12;
constexpr std::size_t TagSize = 16;
constexpr std::size_t Overhead = 1 + NonceSize + TagSize;

struct CipherContextDeleter {
    void operator()(EVP_CIPHER_CTX* context) const { EVP_CIPHER_CTX_free(context); }
};
using CipherContext = std::unique_ptr<EVP_CIPHER_CTX, CipherContextDeleter>;

[[noreturn]] void cryptoFailed(const char* step) {
    throw StoreError(WP_E_INTERNAL, "store.crypto_failed", std::string("secret encryption failed: ") + step,
                     "report this as a bug");
}

const unsigned char* bytes(std::string_view text) {
    return reinterpret_cast<const unsigned char*>(text.data());
}
unsigned char* bytes(std::string& text) {
    return reinterpret_cast<unsigned char*>(text.data());
}
int length(std::size_t size) {
    return static_cast<int>(size);
}

void appendField(std::string& out, std::string_view field) {
    auto size = static_cast<std::uint32_t>(field.size());
    for (int shift = 24; shift >= 0; shift -= 8) {
        out.push_back(static_cast<char>((size >> shift) & 0xFFu));
    }
    out.append(field);
}

} // namespace

SensitiveBytes& SensitiveBytes::operator=(SensitiveBytes&& other) noexcept {
    if (this != &other) {
        wipe();
        _bytes = std::move(other._bytes);
        other._bytes.clear();
    }
    return *this;
}

SensitiveBytes::~SensitiveBytes() {
    wipe();
}

void SensitiveBytes::wipe() noexcept {
    if (!_bytes.empty()) {
        OPENSSL_cleanse(_bytes.data(), _bytes.size());
    }
}

std::string secretAssociatedData(std::string_view pluginId, std::string_view instance, std::string_view key,
                                 std::uint64_t revision) {
    // Length-prefixed fields, so ("ab","c") and ("a","bc") never produce the same bytes.
    std::string ad = "wp-host secret v1";
    appendField(ad, pluginId);
    appendField(ad, instance);
    appendField(ad, key);
    for (int shift = 56; shift >= 0; shift -= 8) {
        ad.push_back(static_cast<char>((revision >> shift) & 0xFFu));
    }
    return ad;
}

std::string sealSecret(const MasterKey& key, std::string_view plaintext, std::string_view associatedData) {
    std::string sealed(Overhead + plaintext.size(), '\0');
    sealed[0] = static_cast<char>(FormatVersion);
    unsigned char* nonce = bytes(sealed) + 1;
    unsigned char* body = nonce + NonceSize;
    unsigned char* tag = body + plaintext.size();
    if (RAND_bytes(nonce, NonceSize) != 1) {
        cryptoFailed("no random nonce");
    }
    CipherContext context(EVP_CIPHER_CTX_new());
    int written = 0;
    int finalWritten = 0;
    if (!context || EVP_EncryptInit_ex(context.get(), EVP_aes_256_gcm(), nullptr, key.data(), nonce) != 1 ||
        EVP_EncryptUpdate(context.get(), nullptr, &written, bytes(associatedData),
                          length(associatedData.size())) != 1 ||
        EVP_EncryptUpdate(context.get(), body, &written, bytes(plaintext), length(plaintext.size())) != 1 ||
        EVP_EncryptFinal_ex(context.get(), body + written, &finalWritten) != 1 ||
        EVP_CIPHER_CTX_ctrl(context.get(), EVP_CTRL_GCM_GET_TAG, TagSize, tag) != 1) {
        cryptoFailed("AES-256-GCM seal");
    }
    return sealed;
}

std::optional<SensitiveBytes> openSecret(const MasterKey& key, std::string_view sealed,
                                         std::string_view associatedData) {
    if (sealed.size() < Overhead || static_cast<unsigned char>(sealed[0]) != FormatVersion) {
        return std::nullopt;
    }
    const unsigned char* nonce = bytes(sealed) + 1;
    const unsigned char* body = nonce + NonceSize;
    std::size_t bodySize = sealed.size() - Overhead;
    // GCM's tag argument is not const in the EVP API; copy it.
    unsigned char tag[TagSize];
    std::copy_n(body + bodySize, TagSize, tag);

    SensitiveBytes plaintext(bodySize);
    CipherContext context(EVP_CIPHER_CTX_new());
    int written = 0;
    int finalWritten = 0;
    if (!context || EVP_DecryptInit_ex(context.get(), EVP_aes_256_gcm(), nullptr, key.data(), nonce) != 1 ||
        EVP_DecryptUpdate(context.get(), nullptr, &written, bytes(associatedData),
                          length(associatedData.size())) != 1 ||
        EVP_DecryptUpdate(context.get(), bytes(plaintext.bytes()), &written, body, length(bodySize)) != 1 ||
        EVP_CIPHER_CTX_ctrl(context.get(), EVP_CTRL_GCM_SET_TAG, TagSize, tag) != 1) {
        cryptoFailed("AES-256-GCM open");
    }
    // Final checks the tag: this is where a tampered, moved or foreign-key ciphertext is caught.
    if (EVP_DecryptFinal_ex(context.get(), bytes(plaintext.bytes()) + written, &finalWritten) != 1) {
        return std::nullopt;
    }
    return plaintext;
}

} // namespace wphost
