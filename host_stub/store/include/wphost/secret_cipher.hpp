// wphost/secret_cipher.hpp -- AES-256-GCM sealing of secret values (OpenSSL EVP).
#pragma once

#include "wphost/master_key.hpp"

#include <optional>
#include <string>
#include <string_view>

namespace wphost {

/// Bytes that held a secret: wiped (OPENSSL_cleanse) when destroyed.  Move-only.
class SensitiveBytes {
public:
    SensitiveBytes() = default;
    explicit SensitiveBytes(std::size_t size) : _bytes(size, '\0') {}
    SensitiveBytes(SensitiveBytes&& other) noexcept : _bytes(std::move(other._bytes)) {
        other._bytes.clear();
    }
    SensitiveBytes& operator=(SensitiveBytes&& other) noexcept;
    SensitiveBytes(const SensitiveBytes&) = delete;
    SensitiveBytes& operator=(const SensitiveBytes&) = delete;
    ~SensitiveBytes();

    std::string& bytes() noexcept { return _bytes; }
    const std::string& bytes() const noexcept { return _bytes; }

private:
    void wipe() noexcept;
    std::string _bytes;
};

/// The associated data that binds a sealed secret to its place: plugin id, instance, key name and
/// the record's revision (unique per write).  A ciphertext copied to another key, another instance
/// or over a newer revision of the same key fails authentication.
std::string secretAssociatedData(std::string_view pluginId, std::string_view instance, std::string_view key,
                                 std::uint64_t revision);

/// Seals plaintext: format byte 0x01 | 12-byte random nonce | ciphertext | 16-byte tag.
/// Throws StoreError(WP_E_INTERNAL, "store.crypto_failed") if OpenSSL fails.
std::string sealSecret(const MasterKey& key, std::string_view plaintext, std::string_view associatedData);

/// Opens a sealed value; nullopt when it fails authentication (tampered, moved, or another master key).
std::optional<SensitiveBytes> openSecret(const MasterKey& key, std::string_view sealed,
                                         std::string_view associatedData);

} // namespace wphost
