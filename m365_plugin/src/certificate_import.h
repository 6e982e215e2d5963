// certificate_import.h -- a certificate and its private key brought by the customer (their own PKI):
// a PEM certificate with a PEM key (PKCS#8, PKCS#1, encrypted or not) or a PKCS#12/PFX file. Passwords
// come from a file or the environment only (never a settings value, never a command line), live in a
// SecretBuffer and are wiped after use. The result is the same shape setup generates: certificate info
// plus an UNENCRYPTED PKCS#8 key that only ever goes to the secret store.
#pragma once

#include "certificate.h"

#include <string>

namespace m365 {

/// Where the credential comes from. Exactly one of certificateFile / pfxFile is set.
struct CertificateSource {
    std::string certificateFile; ///< PEM certificate (may also hold the key)
    std::string keyFile;         ///< PEM private key; "" = look in certificateFile
    std::string keyPasswordFile; ///< first line = password of an encrypted PEM key; "" = $M365_KEY_PASSWORD
    std::string pfxFile;         ///< PKCS#12
    std::string
        pfxPasswordFile; ///< first line = PFX password; "" = $M365_PFX_PASSWORD (absent = no password)
};

/// Reads and checks the credential: an RSA key of at least 2048 bits that matches the certificate.
/// Errors (WP_E_INVALID_CONFIG): adopt.file_unreadable, adopt.password_file_unreadable,
/// adopt.key_password_missing, adopt.key_password_wrong, adopt.key_unreadable, adopt.pfx_unreadable,
/// adopt.pfx_password_wrong, adopt.pfx_incomplete, cert.unreadable, adopt.key_mismatch. Messages name
/// files and thumbprints, never a password or key material.
GeneratedCredential importCredential(const CertificateSource& source);

} // namespace m365
