// wp/error.hpp -- wp::Error, the one exception type that maps onto the ABI's wp_status + wp_error,
// and the helpers both sides use to move an error across the boundary.
#ifndef WP_ERROR_HPP
#define WP_ERROR_HPP

#include <wp/abi.h>

#include <cstddef>
#include <cstring>
#include <stdexcept>
#include <string>
#include <string_view>

namespace wp {

/// The stable lower-case name of a status ("invalid_config", ...), for messages, JSON and exit codes.
/// Unknown values (a newer peer) read as "internal", as rule 2 of abi.h says.
inline const char* statusName(wp_status status) noexcept {
    switch (status) {
    case WP_OK:
        return "ok";
    case WP_E_INVALID_ARGUMENT:
        return "invalid_argument";
    case WP_E_INVALID_CONFIG:
        return "invalid_config";
    case WP_E_AUTH_REQUIRED:
        return "auth_required";
    case WP_E_AUTH_FAILED:
        return "auth_failed";
    case WP_E_PERMISSION_DENIED:
        return "permission_denied";
    case WP_E_NOT_FOUND:
        return "not_found";
    case WP_E_CONFLICT:
        return "conflict";
    case WP_E_UNAVAILABLE:
        return "unavailable";
    case WP_E_CANCELLED:
        return "cancelled";
    case WP_E_TIMEOUT:
        return "timeout";
    case WP_E_UNSUPPORTED:
        return "unsupported";
    case WP_E_INCOMPATIBLE:
        return "incompatible";
    default:
        return "internal";
    }
}

/// The one exception type that maps to the ABI: thrown inside a plugin (or a host service), turned into
/// a wp_status plus a wp_error record at the boundary by the trampolines.  The message is shown to a
/// user: never put a secret (token, key, assertion, device code) into it.
class Error : public std::runtime_error {
public:
    /// status: what the caller should do next (WP_E_*); code: stable dotted id ("config.tenant_missing");
    /// message: one or two user-safe sentences; hint: what to do about it, or empty.
    Error(wp_status status, std::string code, std::string message, std::string hint = {})
        : std::runtime_error(message), _status(status == WP_OK ? WP_E_INTERNAL : status),
          _code(std::move(code)), _hint(std::move(hint)) {}

    wp_status status() const noexcept { return _status; }
    const std::string& code() const noexcept { return _code; }
    const std::string& hint() const noexcept { return _hint; }
    std::string_view message() const noexcept { return what(); }

    /// Rebuilds the exception a callee described in an error record (empty code: "<status name>").
    static Error fromRecord(wp_status status, const wp_error& record) {
        auto field = [](const char* text, std::size_t capacity) {
            return std::string(text, ::strnlen(text, capacity));
        };
        std::string code = field(record.code, sizeof record.code);
        std::string message = field(record.message, sizeof record.message);
        if (code.empty())
            code = std::string("status.") + statusName(status);
        if (message.empty())
            message = std::string("the operation failed (") + statusName(status) + ")";
        return Error(status, std::move(code), std::move(message), field(record.hint, sizeof record.hint));
    }

private:
    wp_status _status;
    std::string _code;
    std::string _hint;
};

namespace detail {

/// Copies text into a fixed char buffer: truncates at a UTF-8 character boundary, always NUL-terminates.
inline void copyTruncated(char* target, std::size_t capacity, std::string_view text) noexcept {
    if (capacity == 0)
        return;
    std::size_t length = text.size() < capacity - 1 ? text.size() : capacity - 1;
    if (length < text.size()) {
        // Do not cut a multi-byte character in half: back up over continuation bytes (10xxxxxx).
        while (length > 0 && (static_cast<unsigned char>(text[length]) & 0xC0u) == 0x80u)
            --length;
    }
    if (length > 0) // an empty string_view may have a NULL data()
        std::memcpy(target, text.data(), length);
    target[length] = '\0';
}

/// Fills a caller-owned error record, writing only the fields its struct_size covers (an older caller's
/// record may be smaller).  A NULL record is ignored.
inline void fillError(wp_error* error, std::string_view code, std::string_view message,
                      std::string_view hint = {}) noexcept {
    if (error == nullptr)
        return;
    auto covers = [error](std::size_t offset, std::size_t size) {
        return error->struct_size >= offset + size;
    };
    if (covers(offsetof(wp_error, code), sizeof error->code))
        copyTruncated(error->code, sizeof error->code, code);
    if (covers(offsetof(wp_error, message), sizeof error->message))
        copyTruncated(error->message, sizeof error->message, message);
    if (covers(offsetof(wp_error, hint), sizeof error->hint))
        copyTruncated(error->hint, sizeof error->hint, hint);
}

inline wp_status fillError(wp_error* error, const Error& e) noexcept {
    fillError(error, e.code(), e.message(), e.hint());
    return e.status();
}

/// An empty error record of the current size, ready to pass to a callee.
inline wp_error makeErrorRecord() noexcept {
    wp_error record{};
    record.struct_size = sizeof(wp_error);
    return record;
}

/// A NUL-terminated copy of a string_view for passing to C; strings up to 255 bytes stay on the stack
/// (no allocation on hot paths such as handing out a credential).
class CString {
public:
    explicit CString(std::string_view text) {
        if (text.size() < sizeof _small) {
            if (!text.empty())
                std::memcpy(_small, text.data(), text.size());
            _small[text.size()] = '\0';
            _ptr = _small;
        } else {
            _large.assign(text.data(), text.size());
            _ptr = _large.c_str();
        }
    }
    CString(const CString&) = delete;
    CString& operator=(const CString&) = delete;
    const char* c_str() const noexcept { return _ptr; }

private:
    char _small[256];
    std::string _large;
    const char* _ptr;
};

} // namespace detail
} // namespace wp

#endif // WP_ERROR_HPP
