#include "crypto.h"

#include <openssl/asn1.h>
#include <openssl/evp.h>
#include <openssl/rand.h>
#include <openssl/x509.h>

#include <array>
#include <cctype>
#include <ctime>
#include <memory>
#include <stdexcept>

namespace emu {

Bytes toBytes(std::string_view text) {
    return Bytes(text.begin(), text.end());
}
std::string toString(const Bytes& bytes) {
    return std::string(bytes.begin(), bytes.end());
}

namespace {
Bytes digest(const EVP_MD* md, const Bytes& data) {
    std::array<unsigned char, EVP_MAX_MD_SIZE> out{};
    unsigned int length = 0;
    if (EVP_Digest(data.data(), data.size(), out.data(), &length, md, nullptr) != 1)
        throw std::runtime_error("digest failed");
    return Bytes(out.begin(), out.begin() + length);
}

constexpr std::string_view kStandardAlphabet =
    "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";
constexpr std::string_view kUrlAlphabet = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_";

std::string encode(const Bytes& data, std::string_view alphabet, bool pad) {
    std::string out;
    out.reserve((data.size() + 2) / 3 * 4);
    std::size_t i = 0;
    for (; i + 2 < data.size(); i += 3) {
        unsigned v = (unsigned(data[i]) << 16) | (unsigned(data[i + 1]) << 8) | data[i + 2];
        out += alphabet[(v >> 18) & 63];
        out += alphabet[(v >> 12) & 63];
        out += alphabet[(v >> 6) & 63];
        out += alphabet[v & 63];
    }
    std::size_t rest = data.size() - i;
    if (rest == 1) {
        unsigned v = unsigned(data[i]) << 16;
        out += alphabet[(v >> 18) & 63];
        out += alphabet[(v >> 12) & 63];
        if (pad)
            out += "==";
    } else if (rest == 2) {
        unsigned v = (unsigned(data[i]) << 16) | (unsigned(data[i + 1]) << 8);
        out += alphabet[(v >> 18) & 63];
        out += alphabet[(v >> 12) & 63];
        out += alphabet[(v >> 6) & 63];
        if (pad)
            out += '=';
    }
    return out;
}

// Decodes with the given alphabet(s); padding allowed only when `allowPadding`.
std::optional<Bytes> decode(std::string_view text, bool standard, bool url, bool allowPadding) {
    if (allowPadding) {
        std::size_t padding = 0;
        while (!text.empty() && text.back() == '=' && padding < 2) {
            text.remove_suffix(1);
            ++padding;
        }
    }
    if (text.size() % 4 == 1)
        return std::nullopt;
    Bytes out;
    out.reserve(text.size() * 3 / 4);
    unsigned buffer = 0;
    int bits = 0;
    for (char c : text) {
        int value = -1;
        if (c >= 'A' && c <= 'Z')
            value = c - 'A';
        else if (c >= 'a' && c <= 'z')
            value = c - 'a' + 26;
        else if (c >= '0' && c <= '9')
            value = c - '0' + 52;
        else if ((c == '+' && standard) || (c == '-' && url))
            value = 62;
        else if ((c == '/' && standard) || (c == '_' && url))
            value = 63;
        if (value < 0)
            return std::nullopt;
        buffer = (buffer << 6) | unsigned(value);
        bits += 6;
        if (bits >= 8) {
            bits -= 8;
            out.push_back(static_cast<std::uint8_t>((buffer >> bits) & 0xFF));
        }
    }
    return out;
}
} // namespace

Bytes sha1(const Bytes& data) {
    return digest(EVP_sha1(), data);
}
Bytes sha256(const Bytes& data) {
    return digest(EVP_sha256(), data);
}

std::string hexUpper(const Bytes& data) {
    static const char* hex = "0123456789ABCDEF";
    std::string out;
    out.reserve(data.size() * 2);
    for (auto b : data) {
        out += hex[b >> 4];
        out += hex[b & 15];
    }
    return out;
}

std::string base64Encode(const Bytes& data) {
    return encode(data, kStandardAlphabet, true);
}
std::optional<Bytes> base64Decode(std::string_view text) {
    return decode(text, true, false, true);
}
std::string base64UrlEncode(const Bytes& data) {
    return encode(data, kUrlAlphabet, false);
}
std::string base64UrlEncode(std::string_view data) {
    return base64UrlEncode(toBytes(data));
}
std::optional<Bytes> base64UrlDecode(std::string_view text) {
    return decode(text, false, true, false);
}
std::optional<Bytes> base64AnyDecode(std::string_view text) {
    return decode(text, true, true, true);
}

Bytes randomBytes(std::size_t count) {
    Bytes out(count);
    if (count > 0 && RAND_bytes(out.data(), static_cast<int>(count)) != 1)
        throw std::runtime_error("RAND_bytes failed");
    return out;
}

std::string newGuid() {
    Bytes b = randomBytes(16);
    b[6] = static_cast<std::uint8_t>((b[6] & 0x0F) | 0x40);
    b[8] = static_cast<std::uint8_t>((b[8] & 0x3F) | 0x80);
    static const char* hex = "0123456789abcdef";
    std::string out;
    for (std::size_t i = 0; i < 16; ++i) {
        if (i == 4 || i == 6 || i == 8 || i == 10)
            out += '-';
        out += hex[b[i] >> 4];
        out += hex[b[i] & 15];
    }
    return out;
}

bool isGuid(std::string_view text) {
    if (text.size() != 36)
        return false;
    for (std::size_t i = 0; i < text.size(); ++i) {
        bool dash = i == 8 || i == 13 || i == 18 || i == 23;
        if (dash ? text[i] != '-' : !std::isxdigit(static_cast<unsigned char>(text[i])))
            return false;
    }
    return true;
}

namespace {
TimePoint asn1ToTime(const ASN1_TIME* time) {
    std::tm tm{};
    if (ASN1_TIME_to_tm(time, &tm) != 1)
        return TimePoint();
    return fromUnix(static_cast<std::int64_t>(timegm(&tm)));
}
} // namespace

std::optional<CertificateInfo> parseCertificate(const Bytes& der) {
    const unsigned char* cursor = der.data();
    std::unique_ptr<X509, decltype(&X509_free)> cert(
        d2i_X509(nullptr, &cursor, static_cast<long>(der.size())), &X509_free);
    if (!cert || cursor != der.data() + der.size())
        return std::nullopt;
    CertificateInfo info;
    info.der = der;
    info.sha1Thumbprint = sha1(der);
    info.sha256Thumbprint = sha256(der);
    info.sha1Hex = hexUpper(info.sha1Thumbprint);
    info.notBefore = asn1ToTime(X509_get0_notBefore(cert.get()));
    info.notAfter = asn1ToTime(X509_get0_notAfter(cert.get()));
    char subject[512] = {};
    X509_NAME_oneline(X509_get_subject_name(cert.get()), subject, sizeof subject);
    info.subject = subject;
    // X509_NAME_oneline gives "/CN=x/O=y"; Graph shows "CN=x, O=y".
    if (!info.subject.empty() && info.subject.front() == '/') {
        std::string pretty;
        for (std::size_t i = 1; i < info.subject.size(); ++i)
            pretty += info.subject[i] == '/' ? std::string(", ") : std::string(1, info.subject[i]);
        info.subject = pretty;
    }
    if (EVP_PKEY* key = X509_get0_pubkey(cert.get())) {
        info.isRsa = EVP_PKEY_get_base_id(key) == EVP_PKEY_RSA;
        info.keyBits = EVP_PKEY_get_bits(key);
    }
    return info;
}

} // namespace emu
