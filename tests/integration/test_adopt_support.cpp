#include "test_adopt_support.h"

#include <doctest/doctest.h>

#include <chrono>
#include <cstdlib>
#include <fstream>
#include <map>
#include <thread>

namespace adoptit {

namespace {
const char* const kGraphCli = "14d82eec-204b-4c2f-b7e8-296a70dab67e";
}

void sh(const std::string& command) {
    REQUIRE_MESSAGE(std::system((command + " >/dev/null 2>&1").c_str()) == 0, command);
}

CliCertificate makeCertificate(const std::string& dir, const std::string& name) {
    CliCertificate c{dir + "/" + name + ".pem", dir + "/" + name + ".key", dir + "/" + name + ".enc.key",
                     dir + "/" + name + ".pfx", dir + "/password.txt",     ""};
    { std::ofstream(c.passwordFile) << kPassword << "\n"; }
    // 29 days: inside the 30-day reminder and auto-rotation thresholds (with exactly 30, a test finishing
    // within the certificate's first second sat on the threshold and saw no auto-rotation finding).
    sh("openssl req -x509 -newkey rsa:2048 -nodes -sha256 -days 29 -subj /CN=" + name + " -keyout " + c.key +
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

Admin::Admin(const wptest::EmulatorProcess& emulator) : _client(emulator.client()) {
    std::string base = "/" + emulator.tenantDomain() + "/oauth2/v2.0/";
    auto code = _client.postForm(base + "devicecode",
                                 {{"client_id", kGraphCli},
                                  {"scope", "https://graph.microsoft.com/Application.ReadWrite.All "
                                            "https://graph.microsoft.com/AppRoleAssignment.ReadWrite.All"}});
    REQUIRE(code.status == 200);
    std::string deviceCode = code.json()["device_code"];
    for (int i = 0; i < 30 && _token.empty(); ++i) { // auto-approved by the emulator options
        std::this_thread::sleep_for(std::chrono::milliseconds(1100));
        auto polled =
            _client.postForm(base + "token", {{"grant_type", "urn:ietf:params:oauth:grant-type:device_code"},
                                              {"client_id", kGraphCli},
                                              {"device_code", deviceCode}});
        if (polled.status == 200)
            _token = polled.json()["access_token"];
    }
    REQUIRE_FALSE(_token.empty());
}

Registration Admin::registerApp(const CliCertificate& certificate,
                                const std::vector<std::string>& graphRoles) {
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
    // Microsoft's documented ids (as in the permission manifest), which the emulator uses too.
    const std::map<std::string, std::string> ids{{"User.Read.All", "df021288-bdef-4463-88db-98f22de89214"},
                                                 {"Files.Read.All", "01d4889c-1287-42c6-ac1f-5d1e02578ef6"}};
    for (const auto& role : graphRoles) {
        std::string roleId = ids.count(role) ? ids.at(role) : "";
        REQUIRE_MESSAGE(!roleId.empty(), role);
        int status = 0;
        for (int i = 0; i < 60 && status != 201; ++i) {
            status = _client
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

void Admin::setKeys(const std::string& objectId, const nlohmann::json& keyCredentials) {
    auto patched = _client.request("PATCH", "/v1.0/applications/" + objectId,
                                   nlohmann::json{{"keyCredentials", keyCredentials}}.dump(),
                                   "application/json", bearer());
    REQUIRE_MESSAGE(patched.status == 204, patched.body);
}

std::vector<std::string> adoptArgs(const m365it::StubHost& host, const std::string& appId,
                                   std::vector<std::string> sets) {
    auto args = host.setupArgs(std::move(sets));
    args[2] = "adopt";
    args.push_back("--set");
    args.push_back("app_id=" + appId);
    return args;
}

nlohmann::json applicationByAppId(const wptest::EmulatorProcess& emulator, const std::string& appId) {
    auto applications = m365it::createdApplications(emulator); // a named copy, not a temporary's member
    for (const auto& application : applications)
        if (application.value("appId", "") == appId)
            return application;
    return nullptr;
}

} // namespace adoptit
