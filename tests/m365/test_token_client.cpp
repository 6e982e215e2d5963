// ConfidentialClient: the client_credentials request it sends, the token it parses, the errors it maps.
#include "support/scripted_transport.h"
#include "support/shared_credential.h"
#include "token_client.h"

#include <doctest/doctest.h>

using namespace m365;
using namespace m365test;

namespace {

const char* kEndpoint = "https://login.example/0000-tenant/oauth2/v2.0/token";

ConfidentialClient makeClient(std::shared_ptr<ScriptedTransport> transport,
                              AssertionProfile profile = AssertionProfile::PS256WithX5tS256) {
    const auto& cred = sharedCredential();
    ConfidentialClientSettings settings{kEndpoint, "app-id-1", profile, std::chrono::minutes(10)};
    return ConfidentialClient(std::move(transport), settings, cred.key, cred.certificate);
}

} // namespace

TEST_CASE("client_credentials: form fields, fresh assertion, parsed token") {
    auto transport = std::make_shared<ScriptedTransport>();
    transport->enqueue(jsonResponse(
        200,
        R"({"token_type":"Bearer","expires_in":3599,"ext_expires_in":"7199","access_token":"eyJ.token.value"})"));
    ConfidentialClient client = makeClient(transport);
    const int64_t before = unixNow();
    AccessToken token = client.acquire("https://graph.microsoft.com/.default", nullptr);

    CHECK(token.token.view() == "eyJ.token.value");
    CHECK(token.tokenType == "Bearer");
    CHECK(token.scope == "https://graph.microsoft.com/.default");
    CHECK(token.expiresAt >= before + 3599);
    CHECK(token.expiresAt <= unixNow() + 3599);
    CHECK(token.extExpiresAt - token.expiresAt == 3600);
    CHECK(token.refreshAt == 0);

    auto requests = transport->requests();
    REQUIRE(requests.size() == 1);
    const HttpRequest& r = requests[0];
    CHECK(r.method == "POST");
    CHECK(r.url == kEndpoint);
    CHECK(r.contentType == "application/x-www-form-urlencoded");
    CHECK(formValue(r.body, "grant_type") == "client_credentials");
    CHECK(formValue(r.body, "client_id") == "app-id-1");
    CHECK(formValue(r.body, "scope") == "https://graph.microsoft.com/.default");
    CHECK(formValue(r.body, "client_assertion_type") ==
          "urn:ietf:params:oauth:client-assertion-type:jwt-bearer");
    JwtClaims assertion = decodeJwtUnverified(formValue(r.body, "client_assertion"));
    CHECK(assertion.string("aud") == kEndpoint);
    CHECK(assertion.string("iss") == "app-id-1");
    CHECK(assertion.header->getValue<std::string>("alg") == "PS256");
}

TEST_CASE("refresh_in is honoured - each request carries a new assertion") {
    auto transport = std::make_shared<ScriptedTransport>();
    transport->setHandler([](const HttpRequest&) {
        return jsonResponse(
            200, R"({"token_type":"Bearer","expires_in":7200,"refresh_in":3600,"access_token":"t"})");
    });
    ConfidentialClient client = makeClient(transport, AssertionProfile::RS256WithX5t);
    AccessToken a = client.acquire("s/.default", nullptr);
    client.acquire("s/.default", nullptr);
    CHECK(a.expiresAt - a.refreshAt == 3600);
    auto requests = transport->requests();
    REQUIRE(requests.size() == 2);
    CHECK(formValue(requests[0].body, "client_assertion") != formValue(requests[1].body, "client_assertion"));
    CHECK(decodeJwtUnverified(formValue(requests[0].body, "client_assertion"))
              .header->getValue<std::string>("alg") == "RS256");
}

TEST_CASE("token endpoint errors become ServiceErrors without the assertion in them") {
    auto transport = std::make_shared<ScriptedTransport>();
    transport->enqueue(jsonResponse(
        400,
        R"({"error":"unauthorized_client","error_description":"AADSTS700016: Application with identifier 'app-id-1' was not found in the directory 'contoso'.\r\nTrace ID: t","error_codes":[700016],"correlation_id":"c"})"));
    ConfidentialClient client = makeClient(transport);
    try {
        client.acquire("https://graph.microsoft.com/.default", nullptr);
        FAIL("no error");
    } catch (const ServiceError& e) {
        CHECK(e.code() == "aad.AADSTS700016");
        CHECK(e.status() == WP_E_INVALID_CONFIG);
        CHECK(e.correlationId() == "c");
        std::string assertion = formValue(transport->requests()[0].body, "client_assertion");
        CHECK(std::string(e.what()).find(assertion.substr(0, 20)) == std::string::npos);
    }
}

TEST_CASE("malformed success answers are refused") {
    for (const char* body :
         {"not json", R"({"expires_in":3599})", R"({"access_token":"t"})",
          R"({"access_token":"","expires_in":5})", R"({"access_token":"t","expires_in":0})"}) {
        CAPTURE(body);
        CHECK_THROWS_WITH_AS(parseTokenResponse(body, "s", 1000),
                             doctest::Contains("unusable token response"), wp::Error);
    }
    CHECK(parseTokenResponse(R"({"access_token":"t","expires_in":"60"})", "s", 1000).expiresAt == 1060);
    CHECK(formEncode("a b&c=/~") == "a%20b%26c%3D%2F~");
}
