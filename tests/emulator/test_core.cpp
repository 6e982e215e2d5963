// Unit tests of the emulator's building blocks: HTTP helpers, router, encodings, error shapes.
#include "crypto.h"
#include "errors.h"
#include "jwt.h"
#include "router.h"

#include <doctest/doctest.h>

using namespace emu;

TEST_CASE("form bodies and query strings decode like application/x-www-form-urlencoded") {
    auto fields =
        parseUrlEncoded("grant_type=client_credentials&scope=https%3A%2F%2Fgraph.microsoft.com%2F.default"
                        "&message=a+b%20c");
    CHECK(fields["grant_type"] == "client_credentials");
    CHECK(fields["scope"] == "https://graph.microsoft.com/.default");
    CHECK(fields["message"] == "a b c");
    CHECK(urlDecode("100%", false) == "100%");
}

TEST_CASE("headers are looked up case-insensitively") {
    Request request;
    request.headers["Content-Type"] = "application/json";
    CHECK(request.header("content-type") == "application/json");
    CHECK(request.header("x-missing", "none") == "none");
}

TEST_CASE("router fills path parameters, counts per route name and answers 400/405 in Graph's shape") {
    Router router;
    router.add("GET", "/v1.0/applications/{id}", [](const Request& r) {
        return Response::json(200, {{"id", r.param("id")}});
    });
    router.add(
        "GET", "/v1.0/servicePrincipals(appId='{appId}')",
        [](const Request& r) {
            return Response::json(200, {{"appId", r.param("appId")}});
        },
        "GET /v1.0/servicePrincipals(appId=)");
    Request request;
    request.method = "GET";
    request.path = "/v1.0/applications/abc";
    auto response = router.dispatch(request);
    CHECK(response.status == 200);
    CHECK(response.jsonBody()->at("id") == "abc");
    request.path = "/v1.0/servicePrincipals(appId='0000')";
    CHECK(router.dispatch(request).jsonBody()->at("appId") == "0000");
    CHECK(router.stats().snapshot()["GET /v1.0/applications/{id}"] == 1);
    CHECK(router.stats().snapshot()["GET /v1.0/servicePrincipals(appId=)"] == 1);

    request.method = "DELETE";
    request.path = "/v1.0/applications/abc";
    auto notAllowed = router.dispatch(request);
    CHECK(notAllowed.status == 405);
    CHECK(notAllowed.jsonBody()->at("error").contains("innerError"));

    request.method = "GET";
    request.path = "/v1.0/nothing";
    auto unknown = router.dispatch(request);
    CHECK(unknown.status == 400);
    CHECK(unknown.jsonBody()->at("error").at("message") == "Resource not found for the segment 'nothing'.");
}

TEST_CASE("a GET on a POST-only identity endpoint is AADSTS900561") {
    Router router;
    router.add("POST", "/{tenant}/oauth2/v2.0/token", [](const Request&) { return Response::noContent(); });
    Request request;
    request.method = "GET";
    request.path = "/contoso.onmicrosoft.com/oauth2/v2.0/token";
    auto response = router.dispatch(request);
    CHECK(response.status == 400);
    auto body = *response.jsonBody();
    CHECK(body["error"] == "invalid_request");
    CHECK(body["error_codes"][0] == 900561);
}

TEST_CASE("Entra error bodies carry AADSTS prefix, trace lines and every field") {
    Request request;
    request.requestId = "11111111-1111-1111-1111-111111111111";
    request.headers["client-request-id"] = "22222222-2222-2222-2222-222222222222";
    auto body =
        *entraError(400, "invalid_scope", 70011, "The provided value is not valid.", request).jsonBody();
    const std::string description = body["error_description"];
    CHECK(description.starts_with("AADSTS70011: The provided value is not valid.\r\nTrace ID: "
                                  "11111111-1111-1111-1111-111111111111\r\nCorrelation ID: "
                                  "22222222-2222-2222-2222-222222222222\r\nTimestamp: "));
    CHECK(body["error_codes"] == nlohmann::json::array({70011}));
    CHECK(body["trace_id"] == "11111111-1111-1111-1111-111111111111");
    CHECK(body["correlation_id"] == "22222222-2222-2222-2222-222222222222");
    CHECK(body["error_uri"] == "https://login.microsoftonline.com/error?code=70011");
    CHECK(std::string(body["timestamp"]).size() == 20);
}

TEST_CASE("Graph error bodies carry innerError with date, request-id and client-request-id") {
    Request request;
    request.requestId = "r";
    auto response = graphError(404, "Request_ResourceNotFound", "gone", request);
    auto body = *response.jsonBody();
    CHECK(body["error"]["code"] == "Request_ResourceNotFound");
    CHECK(body["error"]["innerError"]["request-id"] == "r");
    CHECK(body["error"]["innerError"]["client-request-id"].is_string());
    CHECK(response.headers["request-id"] == "r");
}

TEST_CASE("base64 variants: standard with padding, url without, and the lenient decoder for x5t") {
    Bytes data = toBytes("\xfb\xff\x01");
    CHECK(base64Encode(data) == "+/8B");
    CHECK(base64UrlEncode(data) == "-_8B");
    CHECK(base64UrlDecode("-_8B") == data);
    CHECK_FALSE(base64UrlDecode("+/8B"));
    CHECK_FALSE(base64UrlDecode("-_8="));
    CHECK(base64AnyDecode("+/8B") == data);
    CHECK(base64Decode("YQ==") == toBytes("a"));
    CHECK(isGuid(newGuid()));
    CHECK(hexUpper(sha1(toBytes("abc"))) == "A9993E364706816ABA3E25717850C26C9CD0D89D");
}

TEST_CASE("jwt::parse rejects padding and malformed parts without echoing the token") {
    std::string error;
    CHECK_FALSE(jwt::parse("a.b", &error));
    CHECK(error.find("three") != std::string::npos);
    CHECK_FALSE(jwt::parse("eyJhbGciOiJSUzI1NiJ9.e30=.c2ln", &error));
    CHECK(error.find("padding") != std::string::npos);
    auto ok = jwt::parse("eyJhbGciOiJSUzI1NiJ9.e30.c2ln", &error);
    REQUIRE(ok);
    CHECK(ok->header["alg"] == "RS256");
}
