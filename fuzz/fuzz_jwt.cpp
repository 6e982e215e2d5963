// Fuzzes the unverified JWT decoder the plugin reads its own tokens with (decodeJwtUnverified and the
// claim accessors), and decodeAdminClaims, which fills the signed-in admin from the delegated token.
// Contract: a malformed token is a wp::Error "jwt.malformed" that never echoes the token.
#include "device_code_flow.h"
#include "jwt.h"

#include <wp/error.hpp>

#include <cstddef>
#include <cstdint>
#include <cstdlib>
#include <string>
#include <string_view>

namespace {
/// Longer than any honest message, so containing the whole input means it was echoed.
constexpr std::size_t kEchoLength = 400;
} // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
    std::string_view token(reinterpret_cast<const char*>(data), size);
    try {
        auto claims = m365::decodeJwtUnverified(token);
        for (const char* name : {"tid", "oid", "upn", "aud", "iss", "appid", "idtyp"})
            (void)claims.string(name);
        for (const char* name : {"exp", "nbf", "iat"})
            (void)claims.integer(name);
        for (const char* name : {"roles", "wids"})
            (void)claims.strings(name);
        (void)claims.scopes();
    } catch (const wp::Error& e) {
        if (e.code() != "jwt.malformed")
            std::abort();
        if (size > kEchoLength && std::string(e.what()).find(token) != std::string::npos)
            std::abort();
    }

    m365::SignedInAdmin admin;
    admin.token.token = m365::SecretBuffer(token);
    m365::decodeAdminClaims(admin); // noexcept: anything thrown inside terminates, which libFuzzer reports
    return 0;
}
