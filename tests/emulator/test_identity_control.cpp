// The control API, fault injection over real TLS, the clock, and the sign-in page.
#include "test_identity_support.h"

#include <doctest/doctest.h>

#include <Poco/Exception.h>

using emutest::aadsts;
using emutest::InProcessEmulator;

namespace {
const std::string kGraphCli = "14d82eec-204b-4c2f-b7e8-296a70dab67e";

nlohmann::json requestCode(InProcessEmulator& emulator) {
    return emulator.client()
        .postForm("/contoso.onmicrosoft.com/oauth2/v2.0/devicecode",
                  {{"client_id", kGraphCli}, {"scope", "User.Read"}})
        .json();
}

std::string discoveryPath() {
    return "/contoso.onmicrosoft.com/v2.0/.well-known/openid-configuration";
}
} // namespace

TEST_CASE("control API: list, approve and deny device codes") {
    InProcessEmulator emulator;
    auto code = requestCode(emulator);
    auto list = emulator.client().get("/_emulator/devicecodes").json()["value"];
    REQUIRE(list.size() == 1);
    CHECK(list[0]["user_code"] == code["user_code"]);
    CHECK(list[0]["client_id"] == kGraphCli);
    CHECK(list[0]["status"] == "pending");
    auto approved =
        emulator.client().postJson("/_emulator/devicecodes/approve", {{"user_code", code["user_code"]}});
    CHECK(approved.status == 200);
    CHECK(approved.json()["upn"] == "admin@contoso.onmicrosoft.com"); // the default approver
    CHECK(emulator.client().get("/_emulator/devicecodes").json()["value"][0]["status"] == "approved");
    CHECK(emulator.client()
              .postJson("/_emulator/devicecodes/deny", {{"user_code", code["user_code"]}})
              .status == 409);
    CHECK(emulator.client().postJson("/_emulator/devicecodes/approve", {{"user_code", "NOPE"}}).status ==
          404);
    auto second = requestCode(emulator);
    CHECK(emulator.client()
              .postJson("/_emulator/devicecodes/approve",
                        {{"user_code", second["user_code"]}, {"upn", "ghost@contoso.onmicrosoft.com"}})
              .status == 400);
    CHECK(emulator.client()
              .postJson("/_emulator/devicecodes/deny", {{"user_code", second["user_code"]}})
              .status == 200);
}

TEST_CASE("status faults answer the next K matching requests, with Retry-After, then stop") {
    InProcessEmulator emulator;
    auto added = emulator.client().postJson("/_emulator/faults", {{"method", "GET"},
                                                                  {"path", "*/openid-configuration"},
                                                                  {"kind", "status"},
                                                                  {"status", 429},
                                                                  {"retry_after", "1.5"},
                                                                  {"count", 2}});
    CHECK(added.status == 201);
    for (int i = 0; i < 2; ++i) {
        auto throttled = emulator.client().get(discoveryPath());
        CHECK(throttled.status == 429);
        CHECK(throttled.header("retry-after") == "1.5");
        CHECK(aadsts(throttled) > 0); // Entra's error shape on identity paths
    }
    CHECK(emulator.client().get(discoveryPath()).status == 200);
    CHECK(emulator.client().postJson("/_emulator/faults", {{"path", "/v1.0/*"}, {"status", 503}}).status ==
          201);
    auto graph = emulator.client().get("/v1.0/organization");
    CHECK(graph.status == 503);
    CHECK(graph.json()["error"].contains("innerError"));
    CHECK(emulator.client().request("DELETE", "/_emulator/faults").status == 204);
    CHECK(emulator.client().get("/_emulator/faults").json()["value"].empty());
}

TEST_CASE("reset, truncate and malformed faults break the exchange the way a client would notice") {
    InProcessEmulator emulator;
    emulator.client().postJson("/_emulator/faults", {{"path", "*/openid-configuration"}, {"kind", "reset"}});
    CHECK_THROWS_AS(emulator.client().get(discoveryPath()), Poco::Exception);
    CHECK(emulator.client().get(discoveryPath()).status == 200);

    emulator.client().postJson("/_emulator/faults",
                               {{"path", "*/openid-configuration"}, {"kind", "truncate"}});
    bool broken = false;
    try {
        auto partial = emulator.client().get(discoveryPath());
        broken = nlohmann::json::parse(partial.body, nullptr, false).is_discarded();
    } catch (const Poco::Exception&) {
        broken = true;
    }
    CHECK(broken);

    emulator.client().postJson("/_emulator/faults",
                               {{"path", "*/openid-configuration"}, {"kind", "malformed"}});
    auto malformed = emulator.client().get(discoveryPath());
    CHECK(malformed.status == 200);
    CHECK(nlohmann::json::parse(malformed.body, nullptr, false).is_discarded());

    emulator.client().postJson("/_emulator/faults",
                               {{"path", "*/openid-configuration"}, {"kind", "delay"}, {"delay_ms", 50}});
    CHECK(emulator.client().get(discoveryPath()).status == 200);
    CHECK(emulator.client().get("/_emulator/faults").json()["value"].empty());
}

TEST_CASE("bad fault definitions are refused with a readable message") {
    InProcessEmulator emulator;
    auto bad = emulator.client().postJson("/_emulator/faults", {{"kind", "explode"}});
    CHECK(bad.status == 400);
    CHECK(bad.json()["error"]["code"] == "control.bad_fault");
    CHECK(emulator.client().postJson("/_emulator/faults", {{"kind", "delay"}}).status == 400);
    CHECK(emulator.client().request("POST", "/_emulator/faults", "{", "application/json").status == 400);
}

TEST_CASE("the clock offset expires issued tokens - replication delay is settable") {
    InProcessEmulator emulator;
    auto& tokens = emulator.context().tokens;
    const std::string token = tokens.sign({{"aud", "https://graph.microsoft.com"},
                                           {"exp", emulator.context().clock.nowUnix() + 3599},
                                           {"nbf", emulator.context().clock.nowUnix()}});
    CHECK(tokens.verifyAccessToken(token, emu::graphAudiences()));
    auto clock = emulator.client().postJson("/_emulator/clock", {{"offset_seconds", 3600}});
    CHECK(clock.status == 200);
    CHECK(clock.json()["offset_seconds"] == 3600);
    emu::TokenRejection why;
    CHECK_FALSE(tokens.verifyAccessToken(token, emu::graphAudiences(), &why));
    CHECK(why.message == "Lifetime validation failed, the token is expired.");
    CHECK(emulator.client().postJson("/_emulator/clock", {{"offset_seconds", "x"}}).status == 400);
    CHECK(emulator.client().postJson("/_emulator/replication", {{"delay_ms", 250}}).json()["delay_ms"] ==
          250);
    CHECK(emulator.context().directory.replicationDelay() == std::chrono::milliseconds(250));
}

TEST_CASE("stats count token requests per grant and per route, and reset") {
    InProcessEmulator emulator;
    auto code = requestCode(emulator);
    emulator.client().postForm(
        "/contoso.onmicrosoft.com/oauth2/v2.0/token",
        {{"grant_type", "device_code"}, {"client_id", kGraphCli}, {"device_code", code["device_code"]}});
    emulator.client().postForm("/contoso.onmicrosoft.com/oauth2/v2.0/token",
                               {{"grant_type", "client_credentials"}, {"client_id", emu::newGuid()}});
    auto stats = emulator.client().get("/_emulator/stats").json()["requests"];
    CHECK(stats["POST devicecode"] == 1);
    CHECK(stats["POST token device_code"] == 1);
    CHECK(stats["POST token client_credentials"] == 1);
    CHECK_FALSE(stats.contains("GET /_emulator/stats"));
    CHECK(emulator.client().request("POST", "/_emulator/stats/reset").status == 204);
    CHECK(emulator.client().get("/_emulator/stats").json()["requests"].empty());
}

TEST_CASE("state lists tenants, users, resource service principals, applications with thumbprints") {
    InProcessEmulator emulator;
    auto cert = emutest::makeCertificate();
    const std::string appId = emulator.registerApp(cert, "state app");
    emulator.grantRole(appId, "00000003-0000-0000-c000-000000000000", "User.Read.All");
    auto state = emulator.client().get("/_emulator/state").json();
    REQUIRE(state["tenants"].size() == 1);
    CHECK(state["tenants"][0]["domains"][0] == "contoso.onmicrosoft.com");
    CHECK(state["tenants"][0]["users"].size() == 4);
    REQUIRE(state["applications"].size() == 1);
    CHECK(state["applications"][0]["appId"] == appId);
    CHECK(state["applications"][0]["keyCredentials"][0]["thumbprint"] == cert.sha1Hex());
    CHECK(state["servicePrincipals"].size() == 4); // Graph, Exchange, SharePoint + the app's
    REQUIRE(state["appRoleAssignments"].size() == 1);
    CHECK(state["appRoleAssignments"][0]["appRoleValue"] == "User.Read.All");
    CHECK(state["appRoleAssignments"][0]["resourceAppId"] == "00000003-0000-0000-c000-000000000000");
    CHECK(state["tenants"][0]["appRoleAssignments"].size() == 1);
}

TEST_CASE("without --control there is no control API") {
    emu::Options options = InProcessEmulator::defaultOptions();
    options.control = false;
    InProcessEmulator emulator(options);
    CHECK(emulator.client().get("/_emulator/state").status == 404);
}

TEST_CASE("the sign-in page offers the form with stable ids and approves or denies") {
    InProcessEmulator emulator;
    auto page = emulator.client().get("/devicelogin");
    CHECK(page.status == 200);
    CHECK(page.header("content-type").starts_with("text/html"));
    for (const char* id : {"id=\"user_code\"", "id=\"upn\"", "id=\"approve\"", "id=\"deny\""})
        CHECK(page.body.find(id) != std::string::npos);
    CHECK(page.body.find("pra@contoso.onmicrosoft.com") != std::string::npos);

    auto code = requestCode(emulator);
    auto approved = emulator.client().postForm("/devicelogin", {{"user_code", code["user_code"]},
                                                                {"upn", "appadmin@contoso.onmicrosoft.com"},
                                                                {"action", "approve"}});
    CHECK(approved.status == 200);
    CHECK(approved.body.find("id=\"result\"") != std::string::npos);
    CHECK(emulator.client().get("/_emulator/devicecodes").json()["value"][0]["upn"] ==
          "appadmin@contoso.onmicrosoft.com");

    auto wrong =
        emulator.client().postForm("/devicelogin", {{"user_code", "<script>"}, {"action", "approve"}});
    CHECK(wrong.status == 400);
    CHECK(wrong.body.find("id=\"result\"") != std::string::npos);
    CHECK(wrong.body.find("<script>") == std::string::npos); // escaped
}
