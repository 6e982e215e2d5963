// Discovery, instance discovery and JWKS over real TLS.
#include "test_identity_support.h"

#include <doctest/doctest.h>

using emutest::InProcessEmulator;

TEST_CASE("openid-configuration names the emulator's scheme, host and port, for every tenant spelling") {
    InProcessEmulator emulator;
    const std::string tid = emulator.tenantId();
    for (const std::string& tenant :
         {tid, std::string("contoso.onmicrosoft.com"), std::string("CONTOSO.onmicrosoft.com")}) {
        auto result = emulator.client().get("/" + tenant + "/v2.0/.well-known/openid-configuration");
        REQUIRE(result.status == 200);
        auto doc = result.json();
        CHECK(doc["issuer"] == emulator.base() + "/" + tid + "/v2.0");
        CHECK(doc["token_endpoint"] == emulator.base() + "/" + tid + "/oauth2/v2.0/token");
        CHECK(doc["device_authorization_endpoint"] ==
              emulator.base() + "/" + tid + "/oauth2/v2.0/devicecode");
        CHECK(doc["jwks_uri"] == emulator.base() + "/" + tid + "/discovery/v2.0/keys");
        CHECK(doc["id_token_signing_alg_values_supported"] == nlohmann::json::array({"RS256"}));
        CHECK(doc["token_endpoint_auth_methods_supported"].size() == 3);
    }
    for (const std::string& alias : {std::string("organizations"), std::string("common")}) {
        auto doc = emulator.client().get("/" + alias + "/v2.0/.well-known/openid-configuration").json();
        CHECK(doc["issuer"] == emulator.base() + "/{tenantid}/v2.0");
        CHECK(doc["token_endpoint"] == emulator.base() + "/" + alias + "/oauth2/v2.0/token");
    }
}

TEST_CASE("an unknown tenant is AADSTS90002 in Entra's error shape") {
    InProcessEmulator emulator;
    auto result = emulator.client().get("/fabrikam.onmicrosoft.com/v2.0/.well-known/openid-configuration");
    CHECK(result.status == 400);
    auto body = result.json();
    CHECK(body["error"] == "invalid_tenant");
    CHECK(emutest::aadsts(result) == 90002);
    for (const char* field : {"error_description", "timestamp", "trace_id", "correlation_id", "error_uri"})
        CHECK(body.contains(field));
}

TEST_CASE("instance discovery answers as MSAL asks it, with the emulator's host as alias") {
    InProcessEmulator emulator;
    const std::string host = emulator.base().substr(8);
    auto result = emulator.client().get(
        "/common/discovery/instance?api-version=1.1&authorization_endpoint=" +
        emu::urlEncode(emulator.base() + "/contoso.onmicrosoft.com/oauth2/v2.0/authorize"));
    REQUIRE(result.status == 200);
    auto body = result.json();
    CHECK(body["tenant_discovery_endpoint"] ==
          emulator.base() + "/contoso.onmicrosoft.com/v2.0/.well-known/openid-configuration");
    CHECK(body["metadata"][0]["preferred_network"] == host);
    CHECK(body["metadata"][0]["aliases"] == nlohmann::json::array({host}));
    auto foreign =
        emulator.client().get("/common/discovery/instance?api-version=1.1&authorization_endpoint=" +
                              emu::urlEncode("https://login.example.com/x/oauth2/v2.0/authorize"));
    CHECK(foreign.status == 400);
}

TEST_CASE("the JWKS publishes the key that signs the emulator's tokens") {
    InProcessEmulator emulator;
    auto keys = emulator.client().get("/contoso.onmicrosoft.com/discovery/v2.0/keys").json()["keys"];
    REQUIRE(keys.size() == 1);
    CHECK(keys[0]["kty"] == "RSA");
    CHECK(keys[0]["use"] == "sig");
    CHECK(keys[0]["kid"] == emulator.context().tokens.keyId());
    CHECK(keys[0]["e"] == "AQAB");
    std::string token =
        emulator.context().tokens.sign({{"aud", "x"}, {"exp", emulator.context().clock.nowUnix() + 60}});
    auto parsed = emu::jwt::parse(token);
    REQUIRE(parsed);
    CHECK(parsed->header["kid"] == keys[0]["kid"]);
}

TEST_CASE("identity endpoints answer a GET with AADSTS900561 and unknown paths with 404") {
    InProcessEmulator emulator;
    auto get = emulator.client().get("/contoso.onmicrosoft.com/oauth2/v2.0/token");
    CHECK(get.status == 400);
    CHECK(emutest::aadsts(get) == 900561);
    CHECK(emulator.client().get("/contoso.onmicrosoft.com/nothing/here").status == 404);
}
