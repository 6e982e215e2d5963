// wphost/store_error.hpp -- the one exception type of the host's store, carrying an ABI status.
#pragma once

#include <wp/abi.h>

#include <stdexcept>
#include <string>

namespace wphost {

/// A store failure: a wp_status telling the caller what to do next, a stable dotted code
/// ("store.conflict", "store.secret_tampered", ...), a user-safe message and a hint.
/// Never carries a secret value.
class StoreError : public std::runtime_error {
public:
    StoreError(wp_status status, std::string code, const std::string& message, std::string hint = {})
        : std::runtime_error(message), _status(status), _code(std::move(code)), _hint(std::move(hint)) {}

    wp_status status() const noexcept { return _status; }
    const std::string& code() const noexcept { return _code; }
    const std::string& hint() const noexcept { return _hint; }

private:
    wp_status _status;
    std::string _code;
    std::string _hint;
};

} // namespace wphost
