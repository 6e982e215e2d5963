// certificate.h -- the application's credential: an RSA key and a self-signed X.509 v3 certificate made
// locally with OpenSSL 3 (EVP), the thumbprints Entra and JOSE use, and SigningKey, the parsed private
// key that signs client assertions (PS256 / RS256) from many threads at once.
#pragma once

#include "encoding.h"
#include "secret_buffer.h"

#include <cstdint>
#include <memory>
#include <string>
#include <string_view>
#include <vector>

namespace m365 {

/// What the rest of the plugin needs to know about a certificate (all public data).
struct CertificateInfo {
    std::vector<unsigned char> der;
    std::string derBase64;        ///< standard base64 of the DER, no line breaks (Graph keyCredential.key)
    std::string pem;              ///< "-----BEGIN CERTIFICATE-----..."
    std::string thumbprintSha1;   ///< hex SHA-1 of the DER, upper case (Entra's "thumbprint", proof JWT kid)
    std::string thumbprintSha256; ///< hex SHA-256 of the DER, upper case
    std::string x5t;              ///< base64url SHA-1 (27 chars)
    std::string x5tS256;          ///< base64url SHA-256 (43 chars), the "x5t#S256" header
    int64_t notBefore = 0;        ///< seconds since the epoch, UTC
    int64_t notAfter = 0;
    std::string subject; ///< one-line RFC 2253 form, e.g. "CN=m365-plugin-contoso"
    int keyBits = 0;
};

/// A freshly generated key and certificate.
struct GeneratedCredential {
    CertificateInfo certificate;
    SecretBuffer privateKeyPem; ///< unencrypted PKCS#8 PEM: goes only to the secret store
};

/// Generates an RSA key (2048, 3072 or 4096 bits) and a self-signed certificate: serial = 16 random bytes,
/// subject = issuer = CN=commonName, NotBefore = now - 5 min, NotAfter = NotBefore + validityDays,
/// SHA-256 signature, KeyUsage digitalSignature (critical), BasicConstraints CA:FALSE (critical),
/// subject key identifier.  `now` (seconds since the epoch) is injectable for tests; 0 = the clock.
/// Throws wp::Error(WP_E_INVALID_ARGUMENT, "cert.bad_key_bits" / "cert.bad_validity" / "cert.bad_name").
GeneratedCredential generateSelfSignedCredential(std::string_view commonName, int keyBits, int validityDays,
                                                 int64_t now = 0);

/// Parses a PEM certificate.  Throws wp::Error(WP_E_INVALID_CONFIG, "cert.unreadable").
CertificateInfo parseCertificatePem(std::string_view pem);

enum class SignatureAlgorithm { PS256, RS256 };
const char* algorithmName(SignatureAlgorithm algorithm) noexcept; ///< "PS256" / "RS256"

/// A private key parsed once and kept for the instance's lifetime.  sign() is thread-safe and cheap:
/// each algorithm has a prepared EVP context that is copied per signature instead of set up again.
class SigningKey {
public:
    /// Parses a PEM private key (PKCS#8 or PKCS#1).  Throws wp::Error(WP_E_INVALID_CONFIG,
    /// "cert.key_unreadable") for anything but an RSA key of at least 2048 bits.  The PEM is not kept.
    static std::shared_ptr<const SigningKey> fromPem(std::string_view privateKeyPem);

    ~SigningKey();
    SigningKey(const SigningKey&) = delete;
    SigningKey& operator=(const SigningKey&) = delete;

    /// The raw signature over data (PS256: RSASSA-PSS, SHA-256, MGF1-SHA-256, salt 32; RS256: PKCS#1 v1.5).
    std::vector<unsigned char> sign(SignatureAlgorithm algorithm, std::string_view data) const;
    /// Same, appending base64url(signature) to out (the JWS hot path: no intermediate vector).
    void signBase64Url(SignatureAlgorithm algorithm, std::string_view data, std::string& out) const;

    int bits() const noexcept;
    /// The public key as SubjectPublicKeyInfo DER (for matching against a certificate).
    std::vector<unsigned char> publicKeyDer() const;

    struct Impl;
    explicit SigningKey(std::unique_ptr<Impl> impl);

private:
    std::unique_ptr<Impl> _impl;
};

/// True if the certificate (PEM) carries the public half of the key.
bool keyMatchesCertificate(const SigningKey& key, std::string_view certificatePem);

} // namespace m365
