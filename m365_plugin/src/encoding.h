// encoding.h -- the byte encodings the identity code needs: hex, base64 (standard, for Graph's
// Edm.Binary) and base64url without padding (JOSE, RFC 7515 section 2).
#pragma once

#include <cstddef>
#include <string>
#include <string_view>

namespace m365 {

/// Upper-case hex.
std::string toHexUpper(const unsigned char* data, std::size_t size);
/// Standard base64 with padding, no line breaks.
std::string base64Standard(const unsigned char* data, std::size_t size);

/// base64url without padding.
std::string base64UrlEncode(std::string_view bytes);
void base64UrlEncodeAppend(const unsigned char* data, std::size_t size, std::string& out);
/// Inverse of base64UrlEncode; accepts trailing '=' padding, rejects anything outside the alphabet
/// (including standard base64's '+' and '/') with wp::Error(WP_E_INVALID_ARGUMENT, "jwt.bad_base64url").
std::string base64UrlDecode(std::string_view text);

} // namespace m365
