// test_adopt_support.h -- the identity team's side of the adopt tests: certificates made by the openssl
// CLI in the host's scratch directory (never committed) and an administrator who registers applications
// through the emulator's Graph; plus a background stub host run with output files of its own.
#pragma once

#include "stub_host.h"

#include <nlohmann/json.hpp>

#include <memory>
#include <string>
#include <vector>

namespace adoptit {

inline const char* const kPassword = "Adopt-Pa55word-7f3e91";
inline const std::vector<std::string> kOneDriveRoles{"User.Read.All", "Files.Read.All"};

/// Runs a shell command (output discarded); REQUIREs success.
void sh(const std::string& command);

/// A key + self-signed certificate made by the openssl CLI in dir/name.*: .pem (cert), .key (plain),
/// .enc.key (AES-256, kPassword), .pfx (kPassword); dir/password.txt holds the password.
struct CliCertificate {
    std::string certificate, key, encryptedKey, pfx, passwordFile, base64Der;
};
CliCertificate makeCertificate(const std::string& dir, const std::string& name);

struct Registration {
    std::string appId, objectId;
};

/// An administrator signed in to the emulator (device code, auto-approved) with a delegated Graph token.
class Admin {
public:
    explicit Admin(const wptest::EmulatorProcess& emulator);
    /// Registers an app holding `certificate`, with a service principal and these Graph roles.
    Registration registerApp(const CliCertificate& certificate, const std::vector<std::string>& graphRoles);
    /// PATCH keyCredentials (replaces the whole list).
    void setKeys(const std::string& objectId, const nlohmann::json& keyCredentials);

private:
    std::map<std::string, std::string> bearer() const { return {{"Authorization", "Bearer " + _token}}; }
    wptest::HttpsClient _client;
    std::string _token;
};

/// configure --action adopt with the emulator connection, app_id and these extra "k=v" settings.
std::vector<std::string> adoptArgs(const m365it::StubHost& host, const std::string& appId,
                                   std::vector<std::string> sets);

/// The application of the emulator tenant with this appId (null if absent).
nlohmann::json applicationByAppId(const wptest::EmulatorProcess& emulator, const std::string& appId);

} // namespace adoptit
