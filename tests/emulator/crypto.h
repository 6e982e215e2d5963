// Small crypto and encoding helpers on OpenSSL 3: digests, base64 (standard and url), GUIDs,
// X.509 certificate facts (thumbprints, validity) from DER.
#pragma once

#include "clock.h"

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace emu {

using Bytes = std::vector<std::uint8_t>;

Bytes toBytes(std::string_view text);
std::string toString(const Bytes& bytes);

Bytes sha1(const Bytes& data);
Bytes sha256(const Bytes& data);
std::string hexUpper(const Bytes& data); ///< "A1B2..." (Entra shows thumbprints upper-case)

/// Standard base64 with padding (Graph Edm.Binary).
std::string base64Encode(const Bytes& data);
/// Strict standard base64 (padding optional, no whitespace, no url alphabet); nullopt when invalid.
std::optional<Bytes> base64Decode(std::string_view text);
/// base64url without padding (JOSE).
std::string base64UrlEncode(const Bytes& data);
std::string base64UrlEncode(std::string_view data);
/// Strict base64url without padding; nullopt on '=', '+', '/' or other invalid characters.
std::optional<Bytes> base64UrlDecode(std::string_view text);
/// Accepts either alphabet, with or without padding (Entra accepts both for x5t / x5t#S256).
std::optional<Bytes> base64AnyDecode(std::string_view text);

/// Random version-4 GUID, lower case "xxxxxxxx-xxxx-4xxx-yxxx-xxxxxxxxxxxx".
std::string newGuid();
/// Cryptographically random bytes.
Bytes randomBytes(std::size_t count);
/// true for "xxxxxxxx-xxxx-xxxx-xxxx-xxxxxxxxxxxx" (hex, any case).
bool isGuid(std::string_view text);

/// What the emulator needs to know about an X.509 certificate.
struct CertificateInfo {
    Bytes der;
    std::string sha1Hex;    ///< Entra "thumbprint": upper-case hex SHA-1 of the DER
    Bytes sha1Thumbprint;   ///< 20 bytes (customKeyIdentifier default, x5t)
    Bytes sha256Thumbprint; ///< 32 bytes (x5t#S256)
    TimePoint notBefore;
    TimePoint notAfter;
    std::string subject; ///< one-line, e.g. "CN=contoso-backup"
    bool isRsa = false;
    int keyBits = 0;
};

/// Parses a DER certificate; nullopt if it is not one.
std::optional<CertificateInfo> parseCertificate(const Bytes& der);

} // namespace emu
