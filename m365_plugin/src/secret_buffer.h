// secret_buffer.h -- SecretBuffer: bytes that must not outlive their use (tokens, private keys, client
// assertions, device codes).  The memory is wiped with OPENSSL_cleanse when the buffer is cleared,
// overwritten or destroyed.  Move-only, and deliberately without an implicit std::string conversion, so
// a secret is never copied into an ordinary string (and from there into a log line) by accident.
#pragma once

#include <cstddef>
#include <memory>
#include <string>
#include <string_view>

namespace m365 {

class SecretBuffer {
public:
    SecretBuffer() noexcept = default;
    /// Copies the bytes (the caller wipes its own copy if it has to; see adopt()).
    explicit SecretBuffer(std::string_view bytes);
    /// Takes over the contents of a std::string and wipes the string's buffer.
    static SecretBuffer adopt(std::string&& bytes);

    SecretBuffer(SecretBuffer&& other) noexcept;
    SecretBuffer& operator=(SecretBuffer&& other) noexcept;
    SecretBuffer(const SecretBuffer&) = delete;
    SecretBuffer& operator=(const SecretBuffer&) = delete;
    ~SecretBuffer();

    /// An explicit copy (e.g. a cache entry handing out a token it keeps).
    SecretBuffer clone() const { return SecretBuffer(view()); }

    /// The bytes; valid until the buffer is cleared, assigned or destroyed.
    std::string_view view() const noexcept { return {_data.get(), _size}; }
    const char* data() const noexcept { return _data.get(); }
    std::size_t size() const noexcept { return _size; }
    bool empty() const noexcept { return _size == 0; }

    /// Appends bytes (grows by reallocating; the old block is wiped before it is freed).
    void append(std::string_view bytes);
    /// Wipes and releases the bytes.
    void clear() noexcept;

private:
    std::unique_ptr<char[]> _data;
    std::size_t _size = 0;
    std::size_t _capacity = 0;
};

/// Wipes a std::string's characters in place (for temporaries that briefly held a secret).
void wipeString(std::string& text) noexcept;

} // namespace m365
