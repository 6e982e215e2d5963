// encoding.cpp -- see encoding.h.  Table-driven: these run on every client assertion.
#include "encoding.h"

#include <wp/error.hpp>

#include <array>
#include <cstdint>

namespace m365 {

namespace {

constexpr char kHexDigits[] = "0123456789ABCDEF";
constexpr char kBase64Standard[] = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";
constexpr char kBase64Url[] = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_";

void encodeBase64(const unsigned char* data, std::size_t size, const char* alphabet, bool pad,
                  std::string& out) {
    out.reserve(out.size() + (size + 2) / 3 * 4);
    std::size_t i = 0;
    for (; i + 3 <= size; i += 3) {
        uint32_t triple = (uint32_t{data[i]} << 16) | (uint32_t{data[i + 1]} << 8) | uint32_t{data[i + 2]};
        out.push_back(alphabet[(triple >> 18) & 0x3F]);
        out.push_back(alphabet[(triple >> 12) & 0x3F]);
        out.push_back(alphabet[(triple >> 6) & 0x3F]);
        out.push_back(alphabet[triple & 0x3F]);
    }
    std::size_t rest = size - i;
    if (rest == 0)
        return;
    uint32_t triple = uint32_t{data[i]} << 16;
    if (rest == 2)
        triple |= uint32_t{data[i + 1]} << 8;
    out.push_back(alphabet[(triple >> 18) & 0x3F]);
    out.push_back(alphabet[(triple >> 12) & 0x3F]);
    if (rest == 2)
        out.push_back(alphabet[(triple >> 6) & 0x3F]);
    if (pad)
        out.append(rest == 1 ? "==" : "=");
}

constexpr std::array<int8_t, 256> makeUrlDecodeTable() {
    std::array<int8_t, 256> table{};
    for (auto& entry : table)
        entry = -1;
    for (int i = 0; i < 64; ++i)
        table[static_cast<unsigned char>(kBase64Url[i])] = static_cast<int8_t>(i);
    return table;
}
constexpr auto kUrlDecode = makeUrlDecodeTable();

[[noreturn]] void badBase64Url(const char* why) {
    throw wp::Error(WP_E_INVALID_ARGUMENT, "jwt.bad_base64url", std::string("not valid base64url: ") + why);
}

} // namespace

std::string toHexUpper(const unsigned char* data, std::size_t size) {
    std::string out;
    out.reserve(size * 2);
    for (std::size_t i = 0; i < size; ++i) {
        out.push_back(kHexDigits[data[i] >> 4]);
        out.push_back(kHexDigits[data[i] & 0x0F]);
    }
    return out;
}

std::string base64Standard(const unsigned char* data, std::size_t size) {
    std::string out;
    encodeBase64(data, size, kBase64Standard, true, out);
    return out;
}

std::string base64UrlEncode(std::string_view bytes) {
    std::string out;
    base64UrlEncodeAppend(reinterpret_cast<const unsigned char*>(bytes.data()), bytes.size(), out);
    return out;
}

void base64UrlEncodeAppend(const unsigned char* data, std::size_t size, std::string& out) {
    encodeBase64(data, size, kBase64Url, false, out);
}

std::string base64UrlDecode(std::string_view text) {
    while (!text.empty() && text.back() == '=')
        text.remove_suffix(1);
    if (text.size() % 4 == 1)
        badBase64Url("impossible length");
    std::string out;
    out.reserve(text.size() * 3 / 4);
    uint32_t accumulator = 0;
    int bits = 0;
    for (char c : text) {
        int8_t value = kUrlDecode[static_cast<unsigned char>(c)];
        if (value < 0)
            badBase64Url("character outside the base64url alphabet");
        accumulator = (accumulator << 6) | static_cast<uint32_t>(value);
        bits += 6;
        if (bits >= 8) {
            bits -= 8;
            out.push_back(static_cast<char>((accumulator >> bits) & 0xFF));
        }
    }
    return out;
}

} // namespace m365
