#include "tls.h"

#include <openssl/bn.h>
#include <openssl/evp.h>
#include <openssl/pem.h>
#include <openssl/rand.h>
#include <openssl/x509.h>
#include <openssl/x509v3.h>

#include <ctime>
#include <filesystem>
#include <memory>
#include <stdexcept>

namespace emu {

namespace {
namespace fs = std::filesystem;
using Key = std::unique_ptr<EVP_PKEY, decltype(&EVP_PKEY_free)>;
using Cert = std::unique_ptr<X509, decltype(&X509_free)>;
using File = std::unique_ptr<FILE, decltype(&fclose)>;

constexpr long kDay = 24 * 60 * 60;

File open(const fs::path& path, const char* mode) {
    return File(fopen(path.c_str(), mode), &fclose);
}

Key newKey() {
    Key key(EVP_PKEY_Q_keygen(nullptr, nullptr, "EC", "P-256"), &EVP_PKEY_free);
    if (!key)
        throw std::runtime_error("cannot generate an EC key");
    return key;
}

void addExtension(X509* cert, X509* issuer, int nid, const char* value) {
    X509V3_CTX ctx;
    X509V3_set_ctx_nodb(&ctx);
    X509V3_set_ctx(&ctx, issuer, cert, nullptr, nullptr, 0);
    X509_EXTENSION* ext = X509V3_EXT_conf_nid(nullptr, &ctx, nid, value);
    if (!ext || X509_add_ext(cert, ext, -1) != 1) {
        X509_EXTENSION_free(ext);
        throw std::runtime_error("cannot add a certificate extension");
    }
    X509_EXTENSION_free(ext);
}

// A certificate for `key` with subject CN=`commonName`, signed by `issuerKey` (self-signed when issuer is
// null).
Cert makeCertificate(EVP_PKEY* key, const char* commonName, X509* issuer, EVP_PKEY* issuerKey,
                     long notBeforeOffset, long lifetime, bool isCa) {
    Cert cert(X509_new(), &X509_free);
    X509_set_version(cert.get(), 2);
    unsigned char serial[16];
    RAND_bytes(serial, sizeof serial);
    serial[0] &= 0x7F; // positive
    BIGNUM* bn = BN_bin2bn(serial, sizeof serial, nullptr);
    BN_to_ASN1_INTEGER(bn, X509_get_serialNumber(cert.get()));
    BN_free(bn);
    X509_gmtime_adj(X509_getm_notBefore(cert.get()), notBeforeOffset);
    X509_gmtime_adj(X509_getm_notAfter(cert.get()), notBeforeOffset + lifetime);
    X509_set_pubkey(cert.get(), key);
    X509_NAME* name = X509_get_subject_name(cert.get());
    X509_NAME_add_entry_by_txt(name, "O", MBSTRING_ASC,
                               reinterpret_cast<const unsigned char*>("m365-emulator"), -1, -1, 0);
    X509_NAME_add_entry_by_txt(name, "CN", MBSTRING_ASC, reinterpret_cast<const unsigned char*>(commonName),
                               -1, -1, 0);
    X509* signer = issuer ? issuer : cert.get();
    X509_set_issuer_name(cert.get(), X509_get_subject_name(signer));
    addExtension(cert.get(), signer, NID_subject_key_identifier, "hash");
    if (isCa) {
        addExtension(cert.get(), signer, NID_basic_constraints, "critical,CA:TRUE,pathlen:0");
        addExtension(cert.get(), signer, NID_key_usage, "critical,keyCertSign,cRLSign");
    } else {
        addExtension(cert.get(), signer, NID_authority_key_identifier, "keyid:always");
        addExtension(cert.get(), signer, NID_basic_constraints, "critical,CA:FALSE");
        addExtension(cert.get(), signer, NID_key_usage, "critical,digitalSignature");
        addExtension(cert.get(), signer, NID_ext_key_usage, "serverAuth");
        addExtension(cert.get(), signer, NID_subject_alt_name, "DNS:localhost,IP:127.0.0.1,IP:::1");
    }
    if (X509_sign(cert.get(), issuerKey ? issuerKey : key, EVP_sha256()) <= 0)
        throw std::runtime_error("cannot sign a certificate");
    return cert;
}

void writeKey(const fs::path& path, EVP_PKEY* key) {
    File file = open(path, "wb");
    if (!file || PEM_write_PrivateKey(file.get(), key, nullptr, nullptr, 0, nullptr, nullptr) != 1)
        throw std::runtime_error("cannot write " + path.string());
    fs::permissions(path, fs::perms::owner_read | fs::perms::owner_write);
}

void writeCertificates(const fs::path& path, std::initializer_list<X509*> certs) {
    File file = open(path, "wb");
    if (!file)
        throw std::runtime_error("cannot write " + path.string());
    for (X509* cert : certs)
        if (PEM_write_X509(file.get(), cert) != 1)
            throw std::runtime_error("cannot write " + path.string());
}

bool loadCa(const fs::path& certPath, const fs::path& keyPath, Cert& cert, Key& key) {
    File certFile = open(certPath, "rb");
    File keyFile = open(keyPath, "rb");
    if (!certFile || !keyFile)
        return false;
    cert.reset(PEM_read_X509(certFile.get(), nullptr, nullptr, nullptr));
    key.reset(PEM_read_PrivateKey(keyFile.get(), nullptr, nullptr, nullptr));
    if (!cert || !key || X509_check_private_key(cert.get(), key.get()) != 1)
        throw std::runtime_error("the CA in " + certPath.parent_path().string() +
                                 " is unreadable or mismatched");
    // Renew a CA that expires within a week rather than serving a certificate clients reject.
    time_t inAWeek = time(nullptr) + 7 * kDay;
    return X509_cmp_time(X509_get0_notAfter(cert.get()), &inAWeek) > 0;
}
} // namespace

TlsFiles prepareTlsFiles(const std::string& directory) {
    const fs::path dir(directory);
    fs::create_directories(dir);
    TlsFiles files{(dir / "ca.pem").string(), (dir / "server.pem").string(),
                   (dir / "server-key.pem").string()};
    const fs::path caKeyPath = dir / "ca-key.pem";

    Cert ca(nullptr, &X509_free);
    Key caKey(nullptr, &EVP_PKEY_free);
    if (!loadCa(files.caCertificateFile, caKeyPath, ca, caKey)) {
        caKey = newKey();
        ca = makeCertificate(caKey.get(), "m365-emulator local CA", nullptr, nullptr, -kDay, 3650 * kDay,
                             true);
        writeKey(caKeyPath, caKey.get());
        writeCertificates(files.caCertificateFile, {ca.get()});
    }
    Key leafKey = newKey();
    Cert leaf = makeCertificate(leafKey.get(), "localhost", ca.get(), caKey.get(), -kDay, 30 * kDay, false);
    writeKey(files.privateKeyFile, leafKey.get());
    writeCertificates(files.certificateFile, {leaf.get(), ca.get()});
    return files;
}

} // namespace emu
