// wphost/master_key.hpp -- the 256-bit key that encrypts the secret store at rest.
#pragma once

#include <array>
#include <memory>
#include <mutex>
#include <string>

namespace wphost {

/// The environment variable that may supply the master key (standard base64 of 32 bytes).
inline constexpr const char* MasterKeyEnvironmentVariable = "WP_HOST_MASTER_KEY";

/// 32 bytes of key material, wiped from memory when destroyed.  Not copyable.
class MasterKey {
public:
    static constexpr std::size_t Size = 32;

    /// The key from WP_HOST_MASTER_KEY if that is set, else from the file at path.  A missing file is
    /// created with mode 0600 holding a fresh random key (atomically: two processes starting at once
    /// end up with the same key).  Throws StoreError("store.master_key_*") with a clear message.
    static std::unique_ptr<MasterKey> load(const std::string& path);

    /// Decodes standard base64 of exactly 32 bytes; throws StoreError("store.master_key_invalid").
    static std::unique_ptr<MasterKey> fromBase64(const std::string& text, const std::string& origin);

    MasterKey(const MasterKey&) = delete;
    MasterKey& operator=(const MasterKey&) = delete;
    ~MasterKey();

    const unsigned char* data() const noexcept { return _bytes.data(); }
    /// Where the key came from, for messages: "file /path" or "environment variable WP_HOST_MASTER_KEY".
    const std::string& origin() const noexcept { return _origin; }

private:
    explicit MasterKey(std::string origin) : _origin(std::move(origin)) {}

    std::array<unsigned char, Size> _bytes{};
    std::string _origin;
};

/// Loads the master key on first use (a host that never touches a secret never creates the file) and
/// then hands out the same key.  Thread-safe.
class MasterKeyProvider {
public:
    explicit MasterKeyProvider(std::string path) : _path(std::move(path)) {}

    /// The key; throws StoreError when it cannot be loaded (and tries again on the next call).
    const MasterKey& key();
    const std::string& path() const noexcept { return _path; }

private:
    std::string _path;
    std::mutex _mutex;
    std::unique_ptr<MasterKey> _key;
};

} // namespace wphost
