// The device authorization grant over real TLS: issuing, polling outcomes, approval, tokens.
#include "device_code.h"
#include "test_identity_support.h"

#include <doctest/doctest.h>

#include <thread>

using emutest::aadsts;
using emutest::InProcessEmulator;

namespace {
const std::string kGraphCli = "14d82eec-204b-4c2f-b7e8-296a70dab67e";
const std::string kScope = "https://graph.microsoft.com/Application.ReadWrite.All "
                           "https://graph.microsoft.com/AppRoleAssignment.ReadWrite.All "
                           "offline_access openid profile";

nlohmann::json requestCode(InProcessEmulator& emulator, const std::string& tenant = "contoso.onmicrosoft.com",
                           const std::string& scope = kScope) {
    auto result = emulator.client().postForm("/" + tenant + "/oauth2/v2.0/devicecode",
                                             {{"client_id", kGraphCli}, {"scope", scope}});
    REQUIRE(result.status == 200);
    return result.json();
}

wptest::HttpResult poll(InProcessEmulator& emulator, const nlohmann::json& code,
                        const std::string& grantType = "urn:ietf:params:oauth:grant-type:device_code",
                        const std::string& tenant = "contoso.onmicrosoft.com") {
    return emulator.client().postForm("/" + tenant + "/oauth2/v2.0/token",
                                      {{"grant_type", grantType},
                                       {"client_id", kGraphCli},
                                       {"device_code", code["device_code"].get<std::string>()},
                                       {"client_info", "1"}});
}

void waitInterval(const nlohmann::json& code) {
    std::this_thread::sleep_for(std::chrono::seconds(code["interval"].get<int>()) +
                                std::chrono::milliseconds(50));
}

bool decide(InProcessEmulator& emulator, const nlohmann::json& code, bool approve, const std::string& upn) {
    return emu::decideDeviceCode(emulator.context(), code["user_code"].get<std::string>(), approve, upn).ok;
}
} // namespace

TEST_CASE("devicecode returns Entra's fields with the emulator's verification page") {
    InProcessEmulator emulator;
    auto code = requestCode(emulator);
    CHECK(code["user_code"].get<std::string>().size() == 9);
    CHECK(code["device_code"].get<std::string>().size() > 40);
    CHECK(code["verification_uri"] == emulator.base() + "/devicelogin");
    CHECK(code["expires_in"] == 900);
    CHECK(code["interval"] == 1);
    CHECK(code["message"].get<std::string>().find(code["user_code"].get<std::string>()) != std::string::npos);
    CHECK_FALSE(code.contains("verification_uri_complete"));
}

TEST_CASE(
    "devicecode errors: unknown client 700016, missing scope 900144, two resources 700022, unknown tenant") {
    InProcessEmulator emulator;
    auto unknown = emulator.client().postForm("/organizations/oauth2/v2.0/devicecode",
                                              {{"client_id", emu::newGuid()}, {"scope", "User.Read"}});
    CHECK(unknown.status == 400);
    CHECK(unknown.json()["error"] == "unauthorized_client");
    CHECK(aadsts(unknown) == 700016);
    auto noScope =
        emulator.client().postForm("/organizations/oauth2/v2.0/devicecode", {{"client_id", kGraphCli}});
    CHECK(aadsts(noScope) == 900144);
    auto twoResources = emulator.client().postForm(
        "/organizations/oauth2/v2.0/devicecode",
        {{"client_id", kGraphCli},
         {"scope", "User.Read https://outlook.office365.com/EWS.AccessAsUser.All"}});
    CHECK(aadsts(twoResources) == 700022);
    auto tenant = emulator.client().postForm("/nowhere.onmicrosoft.com/oauth2/v2.0/devicecode",
                                             {{"client_id", kGraphCli}, {"scope", "User.Read"}});
    CHECK(aadsts(tenant) == 90002);
}

TEST_CASE("polling: pending, slow_down when too fast, then a delegated token once approved") {
    InProcessEmulator emulator;
    auto code = requestCode(emulator);
    auto first = poll(emulator, code);
    CHECK(first.status == 400);
    CHECK(first.json()["error"] == "authorization_pending");
    CHECK(aadsts(first) == 70016);
    CHECK(first.json()["error_description"].get<std::string>().starts_with("AADSTS70016: "));
    auto fast = poll(emulator, code);
    CHECK(fast.json()["error"] == "slow_down");

    REQUIRE(decide(emulator, code, true, "pra@contoso.onmicrosoft.com"));
    auto token = poll(emulator, code, "device_code"); // msal-node's short grant type
    REQUIRE(token.status == 200);
    auto body = token.json();
    CHECK(body["token_type"] == "Bearer");
    CHECK(body["expires_in"] == 3599);
    CHECK(body.contains("refresh_token"));
    CHECK(body.contains("client_info"));
    auto claims = emutest::claimsOf(body["access_token"]);
    CHECK(claims["aud"] == "00000003-0000-0000-c000-000000000000");
    CHECK(claims["upn"] == "pra@contoso.onmicrosoft.com");
    CHECK(claims["tid"] == emulator.tenantId());
    CHECK(claims["scp"] == "Application.ReadWrite.All AppRoleAssignment.ReadWrite.All");
    CHECK(claims["wids"] == nlohmann::json::array({"e8611ab8-c189-46e8-94e1-60213ab1f814"}));
    CHECK(claims["appid"] == kGraphCli);
    CHECK(claims["exp"].get<std::int64_t>() - claims["iat"].get<std::int64_t>() == 3599);
    auto verified = emulator.context().tokens.verifyAccessToken(body["access_token"].get<std::string>(),
                                                                emu::graphAudiences());
    REQUIRE(verified);
    CHECK(verified->hasScope("Application.ReadWrite.All"));
    auto id = emutest::claimsOf(body["id_token"]);
    CHECK(id["aud"] == kGraphCli);
    CHECK(id["preferred_username"] == "pra@contoso.onmicrosoft.com");
    CHECK(id["iss"] == emulator.base() + "/" + emulator.tenantId() + "/v2.0");

    waitInterval(code);
    auto again = poll(emulator, code);
    CHECK(again.json()["error"] == "invalid_grant");
}

TEST_CASE("a denied code ends polling with authorization_declined") {
    InProcessEmulator emulator;
    auto code = requestCode(emulator, "organizations", "User.Read");
    REQUIRE(decide(emulator, code, false, ""));
    auto result = poll(emulator, code, "device_code", "organizations");
    CHECK(result.status == 400);
    CHECK(result.json()["error"] == "authorization_declined");
    CHECK_FALSE(decide(emulator, code, true, "admin@contoso.onmicrosoft.com")); // already decided
}

TEST_CASE("an expired code (clock moved past expires_in) is expired_token / AADSTS70020") {
    InProcessEmulator emulator;
    auto code = requestCode(emulator);
    emulator.context().clock.setOffset(std::chrono::seconds(901));
    auto result = poll(emulator, code);
    CHECK(result.json()["error"] == "expired_token");
    CHECK(aadsts(result) == 70020);
    CHECK_FALSE(decide(emulator, code, true, "admin@contoso.onmicrosoft.com"));
}

TEST_CASE("a public client presenting an assertion is AADSTS700025 - unknown codes are invalid_grant") {
    InProcessEmulator emulator;
    auto code = requestCode(emulator);
    auto withAssertion = emulator.client().postForm(
        "/contoso.onmicrosoft.com/oauth2/v2.0/token",
        {{"grant_type", "device_code"},
         {"client_id", kGraphCli},
         {"device_code", code["device_code"].get<std::string>()},
         {"client_assertion_type", "urn:ietf:params:oauth:client-assertion-type:jwt-bearer"},
         {"client_assertion", "x.y.z"}});
    CHECK(withAssertion.status == 401);
    CHECK(withAssertion.json()["error"] == "invalid_client");
    CHECK(aadsts(withAssertion) == 700025);
    auto bogus = poll(emulator, {{"device_code", "not-a-code"}});
    CHECK(bogus.json()["error"] == "invalid_grant");
    auto otherTenantSegment = poll(emulator, code, "device_code", "organizations");
    CHECK(otherTenantSegment.json()["error"] == "invalid_grant");
}

TEST_CASE("a user of another tenant cannot approve - an unsupported grant type is AADSTS70003") {
    InProcessEmulator emulator;
    auto code = requestCode(emulator);
    CHECK_FALSE(decide(emulator, code, true, "nobody@fabrikam.onmicrosoft.com"));
    auto result = emulator.client().postForm("/contoso.onmicrosoft.com/oauth2/v2.0/token",
                                             {{"grant_type", "password"}, {"client_id", kGraphCli}});
    CHECK(result.json()["error"] == "unsupported_grant_type");
    CHECK(aadsts(result) == 70003);
}
