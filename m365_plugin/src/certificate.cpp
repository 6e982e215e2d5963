// certificate.cpp -- see certificate.h.  OpenSSL 3 EVP API only (no deprecated RSA_* calls).
#include "certificate.h"

#include "openssl_handles.h"

#include <openssl/pem.h>
#include <openssl/rand.h>
#include <openssl/rsa.h>
#include <openssl/x509v3.h>

#include <ctime>

namespace m365 {

namespace {

constexpr int64_t kClockSkewSeconds = 5 * 60;

int64_t clockNow() {
    return static_cast<int64_t>(std::time(nullptr));
}

int64_t asn1TimeToUnix(const ASN1_TIME* time) {
    std::tm tm{};
    if (ASN1_TIME_to_tm(time, &tm) != 1)
        ossl::fail(WP_E_INVALID_CONFIG, "cert.unreadable", "reading a certificate date");
    return static_cast<int64_t>(timegm(&tm));
}

std::string nameToString(const X509_NAME* name) {
    ossl::Bio bio(BIO_new(BIO_s_mem()));
    if (!bio || X509_NAME_print_ex(bio.get(), name, 0, XN_FLAG_RFC2253) < 0)
        ossl::fail(WP_E_INTERNAL, "cert.unreadable", "printing a certificate name");
    return std::string(ossl::bioContents(bio.get()));
}

std::string digestOf(const EVP_MD* md, const std::vector<unsigned char>& der) {
    unsigned char digest[EVP_MAX_MD_SIZE];
    unsigned int length = 0;
    if (EVP_Digest(der.data(), der.size(), digest, &length, md, nullptr) != 1)
        ossl::fail(WP_E_INTERNAL, "crypto.digest_failed", "hashing the certificate");
    return std::string(reinterpret_cast<const char*>(digest), length);
}

CertificateInfo describe(X509* certificate) {
    CertificateInfo info;
    int length = i2d_X509(certificate, nullptr);
    if (length <= 0)
        ossl::fail(WP_E_INVALID_CONFIG, "cert.unreadable", "encoding the certificate");
    info.der.resize(static_cast<std::size_t>(length));
    unsigned char* cursor = info.der.data();
    i2d_X509(certificate, &cursor);

    info.derBase64 = base64Standard(info.der.data(), info.der.size());
    ossl::Bio pem(BIO_new(BIO_s_mem()));
    if (!pem || PEM_write_bio_X509(pem.get(), certificate) != 1)
        ossl::fail(WP_E_INTERNAL, "cert.unreadable", "writing the certificate PEM");
    info.pem = std::string(ossl::bioContents(pem.get()));

    std::string sha1 = digestOf(EVP_sha1(), info.der);
    std::string sha256 = digestOf(EVP_sha256(), info.der);
    auto bytes = [](const std::string& s) { return reinterpret_cast<const unsigned char*>(s.data()); };
    info.thumbprintSha1 = toHexUpper(bytes(sha1), sha1.size());
    info.thumbprintSha256 = toHexUpper(bytes(sha256), sha256.size());
    base64UrlEncodeAppend(bytes(sha1), sha1.size(), info.x5t);
    base64UrlEncodeAppend(bytes(sha256), sha256.size(), info.x5tS256);

    info.notBefore = asn1TimeToUnix(X509_get0_notBefore(certificate));
    info.notAfter = asn1TimeToUnix(X509_get0_notAfter(certificate));
    info.subject = nameToString(X509_get_subject_name(certificate));
    if (EVP_PKEY* key = X509_get0_pubkey(certificate))
        info.keyBits = EVP_PKEY_get_bits(key);
    return info;
}

void addExtension(X509* certificate, int nid, const char* value) {
    X509V3_CTX context;
    X509V3_set_ctx(&context, certificate, certificate, nullptr, nullptr, 0);
    ossl::X509Extension extension(X509V3_EXT_conf_nid(nullptr, &context, nid, value));
    if (!extension || X509_add_ext(certificate, extension.get(), -1) != 1)
        ossl::fail(WP_E_INTERNAL, "cert.generate_failed", "adding a certificate extension");
}

void setRandomSerial(X509* certificate) {
    unsigned char serial[16];
    if (RAND_bytes(serial, sizeof serial) != 1)
        ossl::fail(WP_E_INTERNAL, "crypto.random_failed", "drawing a serial number");
    serial[0] &= 0x7F; // a positive INTEGER (DER would otherwise need a 17th byte)
    serial[0] |= 0x01; // and never shorter than 16 bytes
    ossl::Bignum number(BN_bin2bn(serial, sizeof serial, nullptr));
    if (!number || BN_to_ASN1_INTEGER(number.get(), X509_get_serialNumber(certificate)) == nullptr)
        ossl::fail(WP_E_INTERNAL, "cert.generate_failed", "setting the serial number");
}

SecretBuffer privateKeyPem(EVP_PKEY* key) {
    ossl::Bio bio(BIO_new(BIO_s_secmem()));
    // PEM_write_bio_PrivateKey writes unencrypted PKCS#8 PEM in OpenSSL 3.
    if (!bio || PEM_write_bio_PrivateKey(bio.get(), key, nullptr, nullptr, 0, nullptr, nullptr) != 1)
        ossl::fail(WP_E_INTERNAL, "cert.generate_failed", "writing the private key");
    return SecretBuffer(ossl::bioContents(bio.get())); // the BIO wipes its own buffer when freed
}

} // namespace

GeneratedCredential generateSelfSignedCredential(std::string_view commonName, int keyBits, int validityDays,
                                                 int64_t now) {
    if (keyBits != 2048 && keyBits != 3072 && keyBits != 4096)
        throw wp::Error(WP_E_INVALID_ARGUMENT, "cert.bad_key_bits",
                        "the key size must be 2048, 3072 or 4096 bits, not " + std::to_string(keyBits));
    if (validityDays < 1 || validityDays > 3650)
        throw wp::Error(WP_E_INVALID_ARGUMENT, "cert.bad_validity",
                        "the certificate validity must be 1 to 3650 days, not " +
                            std::to_string(validityDays));
    if (commonName.empty() || commonName.size() > 64)
        throw wp::Error(WP_E_INVALID_ARGUMENT, "cert.bad_name",
                        "the certificate common name must be 1 to 64 characters");

    ossl::Pkey key(EVP_RSA_gen(static_cast<unsigned int>(keyBits)));
    if (!key)
        ossl::fail(WP_E_INTERNAL, "cert.generate_failed", "generating the RSA key");

    ossl::X509Ptr certificate(X509_new());
    if (!certificate || X509_set_version(certificate.get(), X509_VERSION_3) != 1)
        ossl::fail(WP_E_INTERNAL, "cert.generate_failed", "creating the certificate");
    setRandomSerial(certificate.get());

    int64_t notBefore = (now != 0 ? now : clockNow()) - kClockSkewSeconds;
    int64_t notAfter = notBefore + int64_t{validityDays} * 86400;
    if (ASN1_TIME_set(X509_getm_notBefore(certificate.get()), static_cast<time_t>(notBefore)) == nullptr ||
        ASN1_TIME_set(X509_getm_notAfter(certificate.get()), static_cast<time_t>(notAfter)) == nullptr)
        ossl::fail(WP_E_INTERNAL, "cert.generate_failed", "setting the validity");

    X509_NAME* name = X509_get_subject_name(certificate.get());
    if (X509_NAME_add_entry_by_txt(name, "CN", MBSTRING_UTF8,
                                   reinterpret_cast<const unsigned char*>(commonName.data()),
                                   static_cast<int>(commonName.size()), -1, 0) != 1)
        ossl::fail(WP_E_INVALID_ARGUMENT, "cert.bad_name", "setting the certificate name");
    if (X509_set_issuer_name(certificate.get(), name) != 1 ||
        X509_set_pubkey(certificate.get(), key.get()) != 1)
        ossl::fail(WP_E_INTERNAL, "cert.generate_failed", "setting issuer and public key");

    addExtension(certificate.get(), NID_basic_constraints, "critical,CA:FALSE");
    addExtension(certificate.get(), NID_key_usage, "critical,digitalSignature");
    addExtension(certificate.get(), NID_subject_key_identifier, "hash");

    if (X509_sign(certificate.get(), key.get(), EVP_sha256()) <= 0)
        ossl::fail(WP_E_INTERNAL, "cert.generate_failed", "self-signing the certificate");

    GeneratedCredential result;
    result.certificate = describe(certificate.get());
    result.privateKeyPem = privateKeyPem(key.get());
    return result;
}

CertificateInfo parseCertificatePem(std::string_view pem) {
    ossl::Bio bio = ossl::readBio(pem);
    ossl::X509Ptr certificate(PEM_read_bio_X509(bio.get(), nullptr, nullptr, nullptr));
    if (!certificate)
        ossl::fail(WP_E_INVALID_CONFIG, "cert.unreadable", "reading the certificate PEM");
    return describe(certificate.get());
}

bool keyMatchesCertificate(const SigningKey& key, std::string_view certificatePem) {
    ossl::Bio bio = ossl::readBio(certificatePem);
    ossl::X509Ptr certificate(PEM_read_bio_X509(bio.get(), nullptr, nullptr, nullptr));
    if (!certificate)
        ossl::fail(WP_E_INVALID_CONFIG, "cert.unreadable", "reading the certificate PEM");
    EVP_PKEY* publicKey = X509_get0_pubkey(certificate.get());
    if (publicKey == nullptr)
        ossl::fail(WP_E_INVALID_CONFIG, "cert.unreadable", "reading the certificate's public key");
    int length = i2d_PUBKEY(publicKey, nullptr);
    if (length <= 0)
        ossl::fail(WP_E_INVALID_CONFIG, "cert.unreadable", "encoding the certificate's public key");
    std::vector<unsigned char> der(static_cast<std::size_t>(length));
    unsigned char* cursor = der.data();
    i2d_PUBKEY(publicKey, &cursor);
    return der == key.publicKeyDer();
}

} // namespace m365
