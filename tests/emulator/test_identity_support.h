// Test-only helpers for the identity tests: throw-away RSA certificates, JWT signing (RS256 and PS256)
// and an in-process emulator served over real TLS on a free loopback port.
#pragma once

#include "crypto.h"
#include "emulator.h"
#include "https_client.h"

#include <openssl/evp.h>

#include <memory>
#include <string>

namespace emutest {

using KeyPtr = std::shared_ptr<EVP_PKEY>;

struct TestCertificate {
    KeyPtr key;     ///< RSA-2048 private key
    emu::Bytes der; ///< self-signed certificate
    std::string sha1Hex() const { return emu::hexUpper(emu::sha1(der)); }
    std::string x5t() const { return emu::base64UrlEncode(emu::sha1(der)); }
    std::string x5tS256() const { return emu::base64UrlEncode(emu::sha256(der)); }
};

/// A self-signed RSA certificate valid from now + notBeforeDays for `days`.
TestCertificate makeCertificate(long notBeforeDays = -1, long days = 30);

/// Signs header.claims with `key`: RS256 (PKCS#1 v1.5) or PS256 (PSS, salt 32), as header["alg"] says.
/// `usePssFor` forces the padding regardless of alg, to produce mismatched tokens.
std::string signJwt(const nlohmann::json& header, const nlohmann::json& claims, EVP_PKEY* key,
                    std::optional<bool> usePssFor = std::nullopt);

/// An emulator running in this process over real TLS (device code interval 1 s for quick tests).
class InProcessEmulator {
public:
    explicit InProcessEmulator(emu::Options options = defaultOptions());
    ~InProcessEmulator();
    static emu::Options defaultOptions();

    emu::Emulator& emulator() { return *_emulator; }
    emu::ServiceContext& context() { return _emulator->context(); }
    wptest::HttpsClient& client() { return *_client; }
    std::string base() const;
    std::string tenantId() const;
    std::string tokenUrl(const std::string& tenant = "contoso.onmicrosoft.com") const;

    /// Registers an application with `cert` as key credential and its service principal, visible after
    /// the current replication delay. Returns the appId.
    std::string registerApp(const TestCertificate& cert, const std::string& name = "backup app");
    /// Grants `roleValue` of the resource app `resourceAppId` to the app's service principal.
    void grantRole(const std::string& appId, const std::string& resourceAppId, const std::string& roleValue);

    /// A client assertion for `appId` signed with `cert` (PS256 + x5t#S256 unless rs256).
    std::string assertion(const std::string& appId, const TestCertificate& cert, bool rs256 = false,
                          const std::string& audience = {});
    /// POST token client_credentials with the given assertion and scope.
    wptest::HttpResult clientCredentials(const std::string& appId, const std::string& assertion,
                                         const std::string& scope = "https://graph.microsoft.com/.default",
                                         const std::string& tenant = "contoso.onmicrosoft.com");

private:
    std::unique_ptr<emu::Emulator> _emulator;
    std::unique_ptr<wptest::HttpsClient> _client;
    std::string _tenantId; ///< cached: readyInfo() takes the directory lock
};

/// The AADSTS code of an Entra error body (first of error_codes), -1 when absent.
int aadsts(const wptest::HttpResult& result);

/// The claims of a compact JWT (no verification).
nlohmann::json claimsOf(const std::string& jwt);

} // namespace emutest
