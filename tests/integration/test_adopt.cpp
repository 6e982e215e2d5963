// Bring your own application (configure --action adopt) through the real stub host against the emulator:
// the test registers an application through the emulator's Graph with an admin token and a certificate the
// `openssl` CLI makes in a scratch directory (never committed), then adopts it from PEM and from PFX,
// checks the missing permissions per workload, a certificate the app does not hold, export-certificate and
// a replace_certificate switch (refused while the app lacks the renewed certificate, then switched).
#include "stub_host.h"

#include <doctest/doctest.h>

#include <cctype>
#include <cstdlib>
#include <fstream>
#include <set>
#include <thread>

using m365it::StubHost;

namespace {

const char* const kGraphCli = "14d82eec-204b-4c2f-b7e8-296a70dab67e";
const char* const kPassword = "Adopt-Pa55word-7f3e91";

void sh(const std::string& command) {
    REQUIRE_MESSAGE(std::system((command + " >/dev/null 2>&1").c_str()) == 0, command);
}

/// A key + self-signed certificate made by the openssl CLI in dir/name.*: .pem (cert), .key (plain),
/// .enc.key (AES-256, kPassword), .pfx (kPassword); dir/password.txt holds the password.
struct CliCertificate {
    std::string certificate, key, encryptedKey, pfx, passwordFile, base64Der;
};

CliCertificate makeCertificate(const std::string& dir, const std::string& name) {
    CliCertificate c{dir + "/" + name + ".pem", dir + "/" + name + ".key", dir + "/" + name + ".enc.key",
                     dir + "/" + name + ".pfx", dir + "/password.txt",     ""};
    { std::ofstream(c.passwordFile) << kPassword << "\n"; }
    sh("openssl req -x509 -newkey rsa:2048 -nodes -sha256 -days 30 -subj /CN=" + name + " -keyout " + c.key +
       " -out " + c.certificate);
    sh("openssl pkey -in " + c.key + " -aes256 -passout file:" + c.passwordFile + " -out " + c.encryptedKey);
    sh("openssl pkcs12 -export -in " + c.certificate + " -inkey " + c.key +
       " -passout file:" + c.passwordFile + " -out " + c.pfx);
    std::ifstream in(c.certificate);
    for (std::string line; std::getline(in, line);)
        if (line.rfind("-----", 0) != 0)
            c.base64Der += line;
    return c;
}

/// The identity team's side: an admin registers the application with the certificate and grants roles.
struct Registration {
    std::string appId, objectId;
};

class Admin {
public:
    explicit Admin(const wptest::EmulatorProcess& emulator)
        : _emulator(emulator), _client(emulator.client()) {
        std::string base = "/" + emulator.tenantDomain() + "/oauth2/v2.0/";
        auto code = _client.postForm(
            base + "devicecode", {{"client_id", kGraphCli},
                                  {"scope", "https://graph.microsoft.com/Application.ReadWrite.All "
                                            "https://graph.microsoft.com/AppRoleAssignment.ReadWrite.All"}});
        REQUIRE(code.status == 200);
        std::string deviceCode = code.json()["device_code"];
        for (int i = 0; i < 30 && _token.empty(); ++i) { // auto-approved by the emulator options
            std::this_thread::sleep_for(std::chrono::milliseconds(1100));
            auto polled = _client.postForm(base + "token",
                                           {{"grant_type", "urn:ietf:params:oauth:grant-type:device_code"},
                                            {"client_id", kGraphCli},
                                            {"device_code", deviceCode}});
            if (polled.status == 200)
                _token = polled.json()["access_token"];
        }
        REQUIRE_FALSE(_token.empty());
    }

    /// Registers an app holding `certificate`, with a service principal and these Graph roles.
    Registration registerApp(const CliCertificate& certificate, const std::vector<std::string>& graphRoles) {
        auto created = _client.postJson(
            "/v1.0/applications",
            {{"displayName", "Identity team backup app"},
             {"signInAudience", "AzureADMyOrg"},
             {"keyCredentials",
              {{{"type", "AsymmetricX509Cert"}, {"usage", "Verify"}, {"key", certificate.base64Der}}}}},
            bearer());
        REQUIRE(created.status == 201);
        Registration registration{created.json()["appId"], created.json()["id"]};
        std::string principalId;
        for (int i = 0; i < 60 && principalId.empty(); ++i) {
            auto sp = _client.postJson("/v1.0/servicePrincipals", {{"appId", registration.appId}}, bearer());
            if (sp.status == 201)
                principalId = sp.json()["id"];
            else
                std::this_thread::sleep_for(std::chrono::milliseconds(200));
        }
        REQUIRE_FALSE(principalId.empty());
        auto graphSp = _client.get(
            "/v1.0/servicePrincipals(appId='00000003-0000-0000-c000-000000000000')?$select=id,appRoles",
            bearer());
        REQUIRE(graphSp.status == 200);
        std::string graphSpId = graphSp.json()["id"];
        for (const auto& role : graphRoles) {
            // Microsoft's documented ids (as in the permission manifest), which the emulator uses too.
            const std::map<std::string, std::string> ids{
                {"User.Read.All", "df021288-bdef-4463-88db-98f22de89214"},
                {"Files.Read.All", "01d4889c-1287-42c6-ac1f-5d1e02578ef6"}};
            std::string roleId = ids.count(role) ? ids.at(role) : "";
            REQUIRE_MESSAGE(!roleId.empty(), role);
            int status = 0;
            for (int i = 0; i < 60 && status != 201; ++i) {
                status =
                    _client
                        .postJson(
                            "/v1.0/servicePrincipals/" + graphSpId + "/appRoleAssignedTo",
                            {{"principalId", principalId}, {"resourceId", graphSpId}, {"appRoleId", roleId}},
                            bearer())
                        .status;
                if (status != 201)
                    std::this_thread::sleep_for(std::chrono::milliseconds(200));
            }
            REQUIRE(status == 201);
        }
        return registration;
    }

    /// PATCH keyCredentials (replaces the whole list).
    void setKeys(const std::string& objectId, const nlohmann::json& keyCredentials) {
        auto patched = _client.request("PATCH", "/v1.0/applications/" + objectId,
                                       nlohmann::json{{"keyCredentials", keyCredentials}}.dump(),
                                       "application/json", bearer());
        REQUIRE_MESSAGE(patched.status == 204, patched.body);
    }

private:
    std::map<std::string, std::string> bearer() const { return {{"Authorization", "Bearer " + _token}}; }
    const wptest::EmulatorProcess& _emulator;
    wptest::HttpsClient _client;
    std::string _token;
};

std::vector<std::string> adoptArgs(const StubHost& host, const std::string& appId,
                                   std::vector<std::string> sets) {
    auto args = host.setupArgs(std::move(sets));
    args[2] = "adopt";
    args.push_back("--set");
    args.push_back("app_id=" + appId);
    return args;
}

std::set<std::string> missingFor(const m365it::HostRun& run, const std::string& workload) {
    std::set<std::string> missing;
    for (const auto& event : run.ofType("event")) {
        const auto& data = event["data"];
        if (data.value("event", "") == "permissions_missing" && data.value("workload", "") == workload)
            for (const auto& item : data["missing"])
                missing.insert(item["permission"].get<std::string>());
    }
    return missing;
}

const std::vector<std::string> kOneDriveRoles{"User.Read.All", "Files.Read.All"};

} // namespace

TEST_CASE("adopt from an encrypted PEM key: token acquired, missing permissions listed per workload, no "
          "password stored") {
    // No replication delay: the identity team granted the roles long before the adoption.
    wptest::EmulatorProcess emulator(m365it::emulatorOptions("admin@contoso.onmicrosoft.com", 0));
    StubHost host(emulator);
    Admin admin(emulator);
    auto certificate = makeCertificate(host.directory(), "adopt-pem");
    auto app = admin.registerApp(certificate, kOneDriveRoles);

    auto run = host.run(
        adoptArgs(host, app.appId,
                  {"workloads=exchange,onedrive", "certificate_file=" + certificate.certificate,
                   "key_file=" + certificate.encryptedKey, "key_password_file=" + certificate.passwordFile}));
    REQUIRE_MESSAGE(run.exitCode == 0, run.err);
    CHECK(missingFor(run, "onedrive").empty());
    CHECK(missingFor(run, "exchange") ==
          std::set<std::string>{"Calendars.Read", "Contacts.Read", "Mail.Read", "MailboxSettings.Read"});
    auto record = nlohmann::json::parse(*host.configValue("instance"));
    CHECK(record["application"]["app_id"] == app.appId);
    CHECK(record["permissions"].size() == 2);

    auto acquire = host.run({"acquire", "--resource", "graph", "--bypass-cache"});
    CHECK_MESSAGE(acquire.exitCode == 0, acquire.out << acquire.err);
    CHECK(host.rawStoreBytes().find(kPassword) == std::string::npos);
    CHECK(host.allOutput().find(kPassword) == std::string::npos);
    CHECK(host.rawStoreBytes().find(certificate.encryptedKey) == std::string::npos); // the path is not kept

    auto exported = host.directory() + "/exported.cer";
    auto exportRun = host.run({"configure", "--action", "export-certificate", "--set", "output=" + exported});
    REQUIRE_MESSAGE(exportRun.exitCode == 0, exportRun.err);
    sh("openssl x509 -inform DER -in " + exported + " -noout");
    CHECK(m365it::readFile(exported).find("PRIVATE") == std::string::npos);
}

TEST_CASE("adopt from a PFX with the password from the environment") {
    // No replication delay: the identity team granted the roles long before the adoption.
    wptest::EmulatorProcess emulator(m365it::emulatorOptions("admin@contoso.onmicrosoft.com", 0));
    StubHost host(emulator);
    Admin admin(emulator);
    auto certificate = makeCertificate(host.directory(), "adopt-pfx");
    auto app = admin.registerApp(certificate, kOneDriveRoles);

    auto run = host.run(adoptArgs(host, app.appId, {"workloads=onedrive", "pfx_file=" + certificate.pfx}),
                        {{"M365_PFX_PASSWORD", kPassword}});
    REQUIRE_MESSAGE(run.exitCode == 0, run.err);
    auto acquire = host.run({"acquire", "--resource", "graph", "--bypass-cache"});
    CHECK_MESSAGE(acquire.exitCode == 0, acquire.out << acquire.err);
    CHECK(host.rawStoreBytes().find(kPassword) == std::string::npos);
    CHECK(host.allOutput().find(kPassword) == std::string::npos);
}

TEST_CASE("adopt with a certificate the application does not hold names the thumbprint and stores nothing") {
    // No replication delay: the identity team granted the roles long before the adoption.
    wptest::EmulatorProcess emulator(m365it::emulatorOptions("admin@contoso.onmicrosoft.com", 0));
    StubHost host(emulator);
    Admin admin(emulator);
    auto registered = makeCertificate(host.directory(), "registered");
    auto stranger = makeCertificate(host.directory(), "stranger");
    auto app = admin.registerApp(registered, kOneDriveRoles);

    auto run = host.run(adoptArgs(host, app.appId,
                                  {"workloads=onedrive", "verify_timeout_s=3",
                                   "certificate_file=" + stranger.certificate, "key_file=" + stranger.key}));
    CHECK(run.exitCode != 0);
    CHECK(run.errorCode() == "adopt.certificate_not_registered");
    std::string fingerprint;
    {
        auto out = host.directory() + "/fp.txt";
        sh("openssl x509 -in " + stranger.certificate + " -noout -fingerprint -sha1 > " + out);
        for (char c : m365it::readFile(out).substr(m365it::readFile(out).find('=') + 1))
            if (std::isxdigit(static_cast<unsigned char>(c)))
                fingerprint += static_cast<char>(std::toupper(static_cast<unsigned char>(c)));
    }
    CHECK(run.result().dump().find(fingerprint) != std::string::npos);
    CHECK(host.storedKeys().empty());
}

TEST_CASE("adopt replace_certificate refuses an unregistered certificate and switches to a registered one") {
    // No replication delay: the identity team granted the roles long before the adoption.
    wptest::EmulatorProcess emulator(m365it::emulatorOptions("admin@contoso.onmicrosoft.com", 0));
    StubHost host(emulator);
    Admin admin(emulator);
    auto first = makeCertificate(host.directory(), "first");
    auto app = admin.registerApp(first, kOneDriveRoles);
    auto adopted = host.run(
        adoptArgs(host, app.appId,
                  {"workloads=onedrive", "certificate_file=" + first.certificate, "key_file=" + first.key}));
    REQUIRE_MESSAGE(adopted.exitCode == 0, adopted.err);
    auto firstRecord = nlohmann::json::parse(*host.configValue("instance"));
    std::string firstKeyId = firstRecord["certificate"]["key_id"];
    CHECK_FALSE(firstKeyId.empty()); // the app may read itself in the emulator, so the keyId is known
    CHECK(firstRecord["application"]["object_id"] == app.objectId);

    // A renewed certificate the application does not hold yet is refused, naming it; nothing changes.
    auto renewed = makeCertificate(host.directory(), "renewed");
    std::vector<std::string> replace{"configure",
                                     "--action",
                                     "adopt",
                                     "--set",
                                     "replace_certificate=true",
                                     "--set",
                                     "verify_timeout_s=3",
                                     "--set",
                                     "certificate_file=" + renewed.certificate,
                                     "--set",
                                     "key_file=" + renewed.key};
    auto refused = host.run(replace);
    CHECK(refused.errorCode() == "adopt.certificate_not_registered");
    CHECK(nlohmann::json::parse(*host.configValue("instance")) == firstRecord);

    // The identity team adds the renewed certificate next to the old one.
    admin.setKeys(
        app.objectId,
        {{{"keyId", firstKeyId}, {"type", "AsymmetricX509Cert"}, {"usage", "Verify"}, {"key", nullptr}},
         {{"type", "AsymmetricX509Cert"}, {"usage", "Verify"}, {"key", renewed.base64Der}}});

    auto switched = host.run(replace);
    REQUIRE_MESSAGE(switched.exitCode == 0, switched.err);
    auto record = nlohmann::json::parse(*host.configValue("instance"));
    CHECK(record["certificate"]["thumbprint_sha1"] != firstRecord["certificate"]["thumbprint_sha1"]);

    // Then the old certificate leaves the application: the instance works with the new one alone.
    admin.setKeys(app.objectId, {{{"keyId", record["certificate"]["key_id"]},
                                  {"type", "AsymmetricX509Cert"},
                                  {"usage", "Verify"},
                                  {"key", nullptr}}});
    auto acquire = host.run({"acquire", "--resource", "graph", "--bypass-cache"});
    CHECK_MESSAGE(acquire.exitCode == 0, acquire.out << acquire.err);
}
