// Certificate generation and thumbprints, checked against the openssl CLI.
#include "certificate.h"
#include "support/shared_credential.h"
#include "support/test_process.h"

#include <wp/error.hpp>

#include <doctest/doctest.h>

#include <algorithm>
#include <cctype>

using namespace m365;
using namespace m365test;

namespace {

/// "sha1 Fingerprint=AB:CD:..." -> "ABCD..."
std::string fingerprintFromCli(const std::string& pemFile, const char* digest) {
    std::string output =
        openssl({"x509", "-in", pemFile, "-noout", "-fingerprint", std::string("-") + digest});
    std::string hex = output.substr(output.find('=') + 1);
    hex.erase(std::remove_if(hex.begin(), hex.end(),
                             [](char c) { return c == ':' || std::isspace(static_cast<unsigned char>(c)); }),
              hex.end());
    return hex;
}

} // namespace

TEST_CASE("a generated certificate has the documented shape and its thumbprints match the openssl CLI") {
    const int64_t now = 1'800'000'000;
    GeneratedCredential generated = generateSelfSignedCredential("m365-plugin-contoso", 2048, 730, now);
    const CertificateInfo& cert = generated.certificate;
    TempDir dir;
    dir.write("cert.pem", cert.pem);

    CHECK(cert.thumbprintSha1 == fingerprintFromCli(dir.file("cert.pem"), "sha1"));
    CHECK(cert.thumbprintSha256 == fingerprintFromCli(dir.file("cert.pem"), "sha256"));
    CHECK(cert.thumbprintSha1.size() == 40);
    CHECK(cert.x5t.size() == 27);
    CHECK(cert.x5tS256.size() == 43);
    CHECK(cert.x5t.find_first_of("+/=") == std::string::npos);
    CHECK(cert.notBefore == now - 300);
    CHECK(cert.notAfter == now - 300 + 730 * 86400);
    CHECK(cert.subject == "CN=m365-plugin-contoso");
    CHECK(cert.keyBits == 2048);

    // The DER in base64 (Graph keyCredential.key) is what `openssl x509 -outform DER` produces.
    std::string der = openssl({"x509", "-in", dir.file("cert.pem"), "-outform", "DER"});
    CHECK(base64Standard(reinterpret_cast<const unsigned char*>(der.data()), der.size()) == cert.derBase64);

    std::string text = openssl({"x509", "-in", dir.file("cert.pem"), "-noout", "-text"});
    CHECK(text.find("Version: 3") != std::string::npos);
    CHECK(text.find("sha256WithRSAEncryption") != std::string::npos);
    CHECK(text.find("CA:FALSE") != std::string::npos);
    CHECK(text.find("Digital Signature") != std::string::npos);
    CHECK(text.find("Issuer: CN = m365-plugin-contoso") != std::string::npos);
    std::string serial = openssl({"x509", "-in", dir.file("cert.pem"), "-noout", "-serial"});
    CHECK(serial.substr(serial.find('=') + 1).size() == 32 + 1); // 16 bytes in hex + newline

    // The private key is PKCS#8 and belongs to the certificate.
    CHECK(generated.privateKeyPem.view().find("-----BEGIN PRIVATE KEY-----") == 0);
    auto key = SigningKey::fromPem(generated.privateKeyPem.view());
    CHECK(keyMatchesCertificate(*key, cert.pem));
    CHECK_FALSE(keyMatchesCertificate(*sharedCredential().key, cert.pem));

    // Parsing the PEM again gives the same description.
    CertificateInfo parsed = parseCertificatePem(cert.pem);
    CHECK(parsed.thumbprintSha1 == cert.thumbprintSha1);
    CHECK(parsed.der == cert.der);
    CHECK(parsed.notAfter == cert.notAfter);
}

TEST_CASE("key sizes 3072 and 4096 are accepted, others refused with a clear code") {
    CHECK(generateSelfSignedCredential("k3072", 3072, 1).certificate.keyBits == 3072);
    auto refused = [](int bits, int days, const char* name) -> std::string {
        try {
            generateSelfSignedCredential(name, bits, days);
        } catch (const wp::Error& e) {
            CHECK(e.status() == WP_E_INVALID_ARGUMENT);
            return e.code();
        }
        return "accepted";
    };
    CHECK(refused(1024, 30, "x") == "cert.bad_key_bits");
    CHECK(refused(2048, 0, "x") == "cert.bad_validity");
    CHECK(refused(2048, 30, "") == "cert.bad_name");
}

TEST_CASE("unreadable PEM input is refused") {
    CHECK_THROWS_WITH_AS(parseCertificatePem("not a certificate"),
                         doctest::Contains("reading the certificate"), wp::Error);
    try {
        SigningKey::fromPem("-----BEGIN PRIVATE KEY-----\nAAAA\n-----END PRIVATE KEY-----\n");
        FAIL("accepted a broken key");
    } catch (const wp::Error& e) {
        CHECK(e.code() == "cert.key_unreadable");
        CHECK(std::string(e.what()).find("AAAA") == std::string::npos);
    }
}
