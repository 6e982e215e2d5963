// master_key.cpp -- loading or creating the store's master key (file 0600, or the environment).
#include "wphost/master_key.hpp"

#include "wphost/store_error.hpp"
#include "wphost/store_paths.hpp"

#include <openssl/crypto.h>
#include <openssl/evp.h>
#include <openssl/rand.h>

#include <cerrno>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

namespace wphost {
namespace {

constexpr std::size_t Base64Length = 44; // 32 bytes -> 43 characters + one '='

[[noreturn]] void fail(const std::string& code, const std::string& message, const std::string& hint) {
    throw StoreError(WP_E_INTERNAL, code, message, hint);
}

std::string errnoText() {
    return std::strerror(errno);
}

std::string octalMode(mode_t mode) {
    char text[8];
    std::snprintf(text, sizeof text, "%04o", static_cast<unsigned>(mode & 07777));
    return text;
}

/// Closes a file descriptor on scope exit.
class FileDescriptor {
public:
    explicit FileDescriptor(int fd) : _fd(fd) {}
    FileDescriptor(const FileDescriptor&) = delete;
    FileDescriptor& operator=(const FileDescriptor&) = delete;
    ~FileDescriptor() {
        if (_fd >= 0) {
            ::close(_fd);
        }
    }
    int get() const { return _fd; }

private:
    int _fd;
};

/// Reads an existing key file, refusing one that others may read (like ssh does with private keys).
std::unique_ptr<MasterKey> readKeyFile(const std::string& path, int fd) {
    struct stat info {};
    if (::fstat(fd, &info) != 0) {
        fail("store.master_key_unreadable", "cannot inspect master key file '" + path + "': " + errnoText(),
             "");
    }
    if ((info.st_mode & 077) != 0) {
        fail("store.master_key_permissions",
             "master key file '" + path + "' is accessible by other users (mode " + octalMode(info.st_mode) +
                 ", expected 0600)",
             "run: chmod 600 '" + path + "'");
    }
    char buffer[256];
    ssize_t n = ::read(fd, buffer, sizeof buffer);
    if (n < 0) {
        fail("store.master_key_unreadable", "cannot read master key file '" + path + "': " + errnoText(), "");
    }
    std::string text(buffer, static_cast<std::size_t>(n));
    OPENSSL_cleanse(buffer, sizeof buffer);
    auto key = MasterKey::fromBase64(text, "file " + path);
    OPENSSL_cleanse(text.data(), text.size());
    return key;
}

/// Writes a fresh key to a private temporary file, then link()s it into place: link fails if another
/// process created the file first, and then we read theirs.  Either way every process gets one key.
std::unique_ptr<MasterKey> createKeyFile(const std::string& path) {
    ensureParentDirectory(path);
    unsigned char raw[MasterKey::Size];
    if (RAND_bytes(raw, sizeof raw) != 1) {
        fail("store.crypto_failed", "cannot generate a random master key", "");
    }
    unsigned char encoded[Base64Length + 1];
    EVP_EncodeBlock(encoded, raw, sizeof raw);
    OPENSSL_cleanse(raw, sizeof raw);
    encoded[Base64Length] = '\n';

    std::string temp = path + ".tmp." + std::to_string(::getpid());
    {
        FileDescriptor fd(::open(temp.c_str(), O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC | O_NOFOLLOW, 0600));
        if (fd.get() < 0) {
            OPENSSL_cleanse(encoded, sizeof encoded);
            fail("store.master_key_create_failed",
                 "cannot create master key file '" + temp + "': " + errnoText(), "check the directory");
        }
        bool ok = ::write(fd.get(), encoded, sizeof encoded) == static_cast<ssize_t>(sizeof encoded) &&
                  ::fsync(fd.get()) == 0;
        OPENSSL_cleanse(encoded, sizeof encoded);
        if (!ok) {
            ::unlink(temp.c_str());
            fail("store.master_key_create_failed",
                 "cannot write master key file '" + temp + "': " + errnoText(), "check free space");
        }
    }
    int linked = ::link(temp.c_str(), path.c_str());
    int linkErrno = errno;
    ::unlink(temp.c_str());
    if (linked != 0 && linkErrno != EEXIST) {
        errno = linkErrno;
        fail("store.master_key_create_failed", "cannot create master key file '" + path + "': " + errnoText(),
             "check the directory");
    }
    FileDescriptor fd(::open(path.c_str(), O_RDONLY | O_CLOEXEC | O_NOFOLLOW));
    if (fd.get() < 0) {
        fail("store.master_key_unreadable", "cannot open master key file '" + path + "': " + errnoText(), "");
    }
    return readKeyFile(path, fd.get());
}

} // namespace

MasterKey::~MasterKey() {
    OPENSSL_cleanse(_bytes.data(), _bytes.size());
}

std::unique_ptr<MasterKey> MasterKey::fromBase64(const std::string& text, const std::string& origin) {
    std::string compact;
    compact.reserve(text.size());
    for (char c : text) {
        if (c != '\n' && c != '\r' && c != ' ' && c != '\t') {
            compact.push_back(c);
        }
    }
    unsigned char decoded[36]; // EVP_DecodeBlock writes 3 bytes per 4 characters: 33
    bool ok = compact.size() == Base64Length && compact[Base64Length - 1] == '=' &&
              compact[Base64Length - 2] != '=' &&
              EVP_DecodeBlock(decoded, reinterpret_cast<const unsigned char*>(compact.data()),
                              static_cast<int>(compact.size())) == 33;
    OPENSSL_cleanse(compact.data(), compact.size());
    if (!ok) {
        OPENSSL_cleanse(decoded, sizeof decoded);
        fail("store.master_key_invalid", "the master key from " + origin + " is not base64 of 32 bytes",
             "restore the original key; a new key cannot decrypt existing secrets");
    }
    std::unique_ptr<MasterKey> key(new MasterKey(origin));
    std::memcpy(key->_bytes.data(), decoded, Size);
    OPENSSL_cleanse(decoded, sizeof decoded);
    return key;
}

std::unique_ptr<MasterKey> MasterKey::load(const std::string& path) {
    const char* fromEnvironment = std::getenv(MasterKeyEnvironmentVariable);
    if (fromEnvironment != nullptr && fromEnvironment[0] != '\0') {
        return fromBase64(fromEnvironment,
                          std::string("environment variable ") + MasterKeyEnvironmentVariable);
    }
    FileDescriptor fd(::open(path.c_str(), O_RDONLY | O_CLOEXEC | O_NOFOLLOW));
    if (fd.get() >= 0) {
        return readKeyFile(path, fd.get());
    }
    if (errno != ENOENT) {
        fail("store.master_key_unreadable", "cannot open master key file '" + path + "': " + errnoText(),
             "check the path and its permissions");
    }
    return createKeyFile(path);
}

const MasterKey& MasterKeyProvider::key() {
    std::lock_guard<std::mutex> lock(_mutex);
    if (!_key) {
        _key = MasterKey::load(_path);
    }
    return *_key;
}

} // namespace wphost
