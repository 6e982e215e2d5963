#include "certificate_import.h"

#include "openssl_handles.h"

#include <wp/plugin.hpp>

#include <openssl/pem.h>
#include <openssl/pkcs12.h>

#include <cstdlib>
#include <cstring>
#include <fstream>
#include <iterator>
#include <optional>

namespace m365 {

namespace {

using Pkcs12 = std::unique_ptr<PKCS12, ossl::Deleter<PKCS12_free>>;

[[noreturn]] void fail(std::string code, std::string message, std::string hint = {}) {
    ossl::takeErrors(); // the queue may name internals; the message says what matters
    throw wp::Error(WP_E_INVALID_CONFIG, std::move(code), std::move(message), std::move(hint));
}

/// The whole file; the caller wipes it when it held a key.
std::string readFile(const std::string& path, const char* code) {
    std::ifstream in(path, std::ios::binary);
    if (!in)
        fail(code, "The file '" + path + "' cannot be read.");
    return {std::istreambuf_iterator<char>(in), std::istreambuf_iterator<char>()};
}

/// First line of passwordFile, else the environment variable, else nothing. NUL-terminated for OpenSSL.
std::optional<SecretBuffer> readPassword(const std::string& passwordFile, const char* environmentName) {
    std::string text;
    if (!passwordFile.empty()) {
        text = readFile(passwordFile, "adopt.password_file_unreadable");
    } else if (const char* value = std::getenv(environmentName)) {
        text = value;
    } else {
        return std::nullopt;
    }
    auto end = text.find_first_of("\r\n");
    SecretBuffer password(std::string_view(text).substr(0, end));
    password.append(std::string_view("\0", 1));
    wipeString(text);
    return password;
}

/// The password without the terminating NUL.
int passwordLength(const SecretBuffer& password) {
    return static_cast<int>(password.size() - 1);
}

struct PasswordRequest {
    const SecretBuffer* password = nullptr;
    bool asked = false;
};

int providePassword(char* buffer, int size, int /*rwflag*/, void* user) {
    auto* request = static_cast<PasswordRequest*>(user);
    request->asked = true;
    if (!request->password)
        return -1;
    int length = passwordLength(*request->password);
    if (length > size)
        return -1;
    std::memcpy(buffer, request->password->data(), static_cast<std::size_t>(length));
    return length;
}

CertificateInfo certificateOf(X509* certificate) {
    ossl::Bio out(BIO_new(BIO_s_mem()));
    if (!out || PEM_write_bio_X509(out.get(), certificate) != 1)
        ossl::fail(WP_E_INTERNAL, "crypto.encode_failed", "encoding the certificate");
    return parseCertificatePem(ossl::bioContents(out.get()));
}

/// PKCS#8 PEM, unencrypted, in a wiping buffer.
SecretBuffer pkcs8Of(EVP_PKEY* key) {
    ossl::Bio out(BIO_new(BIO_s_secmem()));
    if (!out || PEM_write_bio_PKCS8PrivateKey(out.get(), key, nullptr, nullptr, 0, nullptr, nullptr) != 1)
        ossl::fail(WP_E_INTERNAL, "crypto.encode_failed", "encoding the private key");
    return SecretBuffer(ossl::bioContents(out.get()));
}

GeneratedCredential fromPem(const CertificateSource& source) {
    GeneratedCredential result;
    {
        auto text = readFile(source.certificateFile, "adopt.file_unreadable");
        auto bio = ossl::readBio(text);
        ossl::X509Ptr certificate(PEM_read_bio_X509(bio.get(), nullptr, nullptr, nullptr));
        if (!certificate)
            fail("cert.unreadable", "'" + source.certificateFile + "' holds no PEM certificate.");
        result.certificate = certificateOf(certificate.get());
        if (source.keyFile.empty() || source.keyFile == source.certificateFile)
            wipeString(text); // may hold the key too; read again below as a key file
    }
    const auto& keyPath = source.keyFile.empty() ? source.certificateFile : source.keyFile;
    auto keyText = readFile(keyPath, "adopt.file_unreadable");
    auto password = readPassword(source.keyPasswordFile, "M365_KEY_PASSWORD");
    PasswordRequest request{password ? &*password : nullptr, false};
    ossl::Pkey key;
    {
        auto bio = ossl::readBio(keyText);
        key.reset(PEM_read_bio_PrivateKey(bio.get(), nullptr, providePassword, &request));
    }
    wipeString(keyText);
    if (!key && request.asked && !password)
        fail("adopt.key_password_missing", "The private key in '" + keyPath + "' is encrypted.",
             "Put its password in a file named by key_password_file, or in $M365_KEY_PASSWORD.");
    if (!key && request.asked)
        fail("adopt.key_password_wrong",
             "The password does not decrypt the private key in '" + keyPath + "'.");
    if (!key)
        fail("adopt.key_unreadable", "'" + keyPath + "' holds no readable PEM private key.");
    result.privateKeyPem = pkcs8Of(key.get());
    return result;
}

GeneratedCredential fromPfx(const CertificateSource& source) {
    auto bytes = readFile(source.pfxFile, "adopt.file_unreadable");
    Pkcs12 pfx;
    {
        auto bio = ossl::readBio(bytes);
        pfx.reset(d2i_PKCS12_bio(bio.get(), nullptr));
    }
    if (!pfx) {
        wipeString(bytes);
        fail("adopt.pfx_unreadable", "'" + source.pfxFile + "' is not a PKCS#12 (PFX) file.");
    }
    auto password = readPassword(source.pfxPasswordFile, "M365_PFX_PASSWORD");
    const char* pass = password ? password->data() : "";
    int passLength = password ? passwordLength(*password) : 0;
    if (PKCS12_mac_present(pfx.get()) && PKCS12_verify_mac(pfx.get(), pass, passLength) != 1 &&
        !(!password && PKCS12_verify_mac(pfx.get(), nullptr, 0) == 1)) {
        wipeString(bytes);
        fail(password ? "adopt.pfx_password_wrong" : "adopt.pfx_password_missing",
             password ? "The password does not open '" + source.pfxFile + "'."
                      : "'" + source.pfxFile + "' is protected by a password.",
             "Put the password in a file named by pfx_password_file, or in $M365_PFX_PASSWORD.");
    }
    EVP_PKEY* rawKey = nullptr;
    X509* rawCertificate = nullptr;
    STACK_OF(X509)* chain = nullptr;
    int parsed = PKCS12_parse(pfx.get(), pass, &rawKey, &rawCertificate, &chain);
    wipeString(bytes);
    ossl::Pkey key(rawKey);
    ossl::X509Ptr certificate(rawCertificate);
    sk_X509_pop_free(chain, X509_free);
    if (parsed != 1)
        fail("adopt.pfx_unreadable", "'" + source.pfxFile + "' cannot be decrypted.",
             "Legacy (RC2/3DES) PFX files may need re-exporting with AES: openssl pkcs12 -export -keypbe "
             "AES-256-CBC -certpbe AES-256-CBC ...");
    if (!key || !certificate)
        fail("adopt.pfx_incomplete", "'" + source.pfxFile + "' must hold a certificate and its private key.");
    GeneratedCredential result;
    result.certificate = certificateOf(certificate.get());
    result.privateKeyPem = pkcs8Of(key.get());
    return result;
}

} // namespace

GeneratedCredential importCredential(const CertificateSource& source) {
    auto credential = source.pfxFile.empty() ? fromPem(source) : fromPfx(source);
    auto key = SigningKey::fromPem(credential.privateKeyPem.view());
    if (!keyMatchesCertificate(*key, credential.certificate.pem))
        fail("adopt.key_mismatch",
             "The private key does not belong to the certificate (SHA-1 " +
                 credential.certificate.thumbprintSha1 + ").",
             "Pass the key that was generated together with this certificate.");
    return credential;
}

} // namespace m365
