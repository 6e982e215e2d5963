// The whole setup journey against the real m365-emulator process over TLS: an admin signs in with the
// device code flow, creates the app, its service principal and a Graph role grant (retrying through the
// replication delay, as a client must), the app gets a token with a certificate, rotates it with
// addKey/removeKey, and deleting the app leaves nothing behind in /_emulator/state.
#include "emulator_process.h"
#include "test_graph_support.h"

#include <doctest/doctest.h>

#include <functional>
#include <thread>

using namespace emu;
using namespace emu::testing;
using nlohmann::json;

namespace {

constexpr const char* kUserReadAll = "df021288-bdef-4463-88db-98f22de89214";

/// Repeats `attempt` until it returns true (replication), at most ~15 s.
bool eventually(const std::function<bool()>& attempt) {
    for (int i = 0; i < 150; ++i) {
        if (attempt())
            return true;
        std::this_thread::sleep_for(std::chrono::milliseconds(100));
    }
    return false;
}

struct Session {
    wptest::EmulatorProcess& emulator;
    wptest::HttpsClient client;
    std::string tokenUrl;

    explicit Session(wptest::EmulatorProcess& process)
        : emulator(process), client(process.client()),
          tokenUrl(process.authority() + "/" + process.tenantDomain() + "/oauth2/v2.0/token") {}

    std::map<std::string, std::string> bearer(const std::string& token) const {
        return {{"Authorization", "Bearer " + token}};
    }

    /// Device code sign-in of the Global Administrator (approved by --auto-approve).
    std::string adminToken() {
        std::string base = "/" + emulator.tenantDomain() + "/oauth2/v2.0/";
        auto code = client.postForm(base + "devicecode",
                                    {{"client_id", kGraphCli},
                                     {"scope", "https://graph.microsoft.com/Application.ReadWrite.All "
                                               "https://graph.microsoft.com/AppRoleAssignment.ReadWrite.All "
                                               "https://graph.microsoft.com/User.Read offline_access"}});
        REQUIRE(code.status == 200);
        std::string deviceCode = code.json()["device_code"];
        std::string accessToken;
        REQUIRE(eventually([&] {
            std::this_thread::sleep_for(std::chrono::milliseconds(1100)); // the interval is 1 s
            auto polled = client.postForm(base + "token",
                                          {{"grant_type", "urn:ietf:params:oauth:grant-type:device_code"},
                                           {"client_id", kGraphCli},
                                           {"device_code", deviceCode}});
            if (polled.status != 200)
                return false;
            accessToken = polled.json()["access_token"];
            return true;
        }));
        return accessToken;
    }

    /// Client credentials with a certificate assertion (RS256 + x5t); empty when refused.
    std::string appToken(const std::string& appId, const TestCertificate& certificate,
                         const std::string& requiredRole = {}) {
        std::int64_t now = std::chrono::duration_cast<std::chrono::seconds>(
                               std::chrono::system_clock::now().time_since_epoch())
                               .count();
        json header = {{"alg", "RS256"}, {"typ", "JWT"}, {"x5t", base64UrlEncode(sha1(certificate.der))}};
        json claims = {{"aud", tokenUrl},  {"iss", appId}, {"sub", appId},
                       {"jti", newGuid()}, {"nbf", now},   {"exp", now + 600}};
        auto result = client.postForm(
            "/" + emulator.tenantDomain() + "/oauth2/v2.0/token",
            {{"grant_type", "client_credentials"},
             {"client_id", appId},
             {"scope", "https://graph.microsoft.com/.default"},
             {"client_assertion_type", "urn:ietf:params:oauth:client-assertion-type:jwt-bearer"},
             {"client_assertion", signJwt(header, claims, certificate.key.get())}});
        if (result.status != 200)
            return {};
        std::string token = result.json()["access_token"];
        if (!requiredRole.empty()) {
            auto payload =
                base64UrlDecode(token.substr(token.find('.') + 1, token.rfind('.') - token.find('.') - 1));
            auto roles = json::parse(toString(*payload)).value("roles", json::array());
            if (std::find(roles.begin(), roles.end(), requiredRole) == roles.end())
                return {}; // the grant has not replicated to the token service yet
        }
        return token;
    }
};

} // namespace

TEST_CASE("end to end over TLS: create, grant, app-only token, rotate with addKey/removeKey, delete") {
    wptest::EmulatorProcess::Options options;
    options.extraArgs = {"--auto-approve", "0", "--device-code-interval", "1"};
    wptest::EmulatorProcess emulator(options); // replication delay 200 ms
    Session session(emulator);
    auto& client = session.client;
    std::string admin = session.adminToken();

    auto first = makeCertificate("e2e-first");
    auto created =
        client.postJson("/v1.0/applications",
                        {{"displayName", "e2e backup"},
                         {"signInAudience", "AzureADMyOrg"},
                         {"keyCredentials",
                          {{{"type", "AsymmetricX509Cert"}, {"usage", "Verify"}, {"key", first.base64()}}}}},
                        session.bearer(admin));
    REQUIRE(created.status == 201);
    CHECK_FALSE(created.header("request-id").empty());
    std::string id = created.json()["id"], appId = created.json()["appId"];
    std::string firstKeyId = created.json()["keyCredentials"][0]["keyId"];

    std::string principalId;
    REQUIRE(eventually([&] {
        auto sp = client.postJson("/v1.0/servicePrincipals", {{"appId", appId}}, session.bearer(admin));
        if (sp.status == 201)
            principalId = sp.json()["id"];
        return sp.status == 201;
    }));
    auto graphSp = client.get(
        "/v1.0/servicePrincipals(appId='00000003-0000-0000-c000-000000000000')?$select=id,appRoles",
        session.bearer(admin));
    REQUIRE(graphSp.status == 200);
    std::string graphSpId = graphSp.json()["id"];
    REQUIRE(eventually([&] {
        auto grant = client.postJson(
            "/v1.0/servicePrincipals/" + graphSpId + "/appRoleAssignedTo",
            {{"principalId", principalId}, {"resourceId", graphSpId}, {"appRoleId", kUserReadAll}},
            session.bearer(admin));
        return grant.status == 201;
    }));

    std::string appToken;
    REQUIRE(
        eventually([&] { return !(appToken = session.appToken(appId, first, "User.Read.All")).empty(); }));
    CHECK(client.get("/v1.0/applications/" + id, session.bearer(appToken)).status == 200);

    // Rotation: add the next certificate with a proof signed by the current one, switch, remove the old.
    auto next = makeCertificate("e2e-next");
    std::int64_t now =
        std::chrono::duration_cast<std::chrono::seconds>(std::chrono::system_clock::now().time_since_epoch())
            .count();
    auto added = client.postJson(
        "/v1.0/applications/" + id + "/addKey",
        {{"keyCredential", {{"type", "AsymmetricX509Cert"}, {"usage", "Verify"}, {"key", next.base64()}}},
         {"passwordCredential", nullptr},
         {"proof", makeProof(first, id, now)}},
        session.bearer(appToken));
    REQUIRE(added.status == 200);
    std::string nextToken;
    REQUIRE(eventually([&] { return !(nextToken = session.appToken(appId, next)).empty(); }));
    auto removed = client.postJson("/v1.0/applications(appId='" + appId + "')/removeKey",
                                   {{"keyId", firstKeyId}, {"proof", makeProof(next, id, now)}},
                                   session.bearer(nextToken));
    CHECK(removed.status == 204);
    CHECK(session.appToken(appId, first).empty());

    auto batch = client.postJson("/v1.0/$batch",
                                 {{"requests", {{{"id", "1"}, {"method", "GET"}, {"url", "/organization"}}}}},
                                 session.bearer(admin));
    REQUIRE(batch.status == 200);
    CHECK(batch.json()["responses"][0]["body"]["value"][0]["id"] == emulator.tenantId());

    CHECK(client.request("DELETE", "/v1.0/applications/" + id, {}, {}, session.bearer(admin)).status == 204);
    auto state = emulator.state();
    for (const auto& tenant : state["tenants"]) {
        for (const auto& application : tenant["applications"])
            CHECK(application["id"] != id);
        for (const auto& servicePrincipal : tenant["servicePrincipals"])
            CHECK(servicePrincipal["appId"] != appId);
        for (const auto& assignment : tenant["appRoleAssignments"])
            CHECK(assignment["principalId"] != principalId);
    }
    CHECK(emulator.stats()["requests"]["POST /v1.0/applications"] == 1);
}
