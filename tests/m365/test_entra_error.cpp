// Entra token-endpoint and Graph error bodies -> wp::Error with stable codes and statuses.
#include "entra_error.h"
#include "support/scripted_transport.h"

#include <doctest/doctest.h>

using namespace m365;
using namespace m365test;

namespace {

HttpResponse entra(int status, const std::string& error, long code, const std::string& text) {
    return jsonResponse(
        status,
        R"({"error":")" + error + R"(","error_description":"AADSTS)" + std::to_string(code) + ": " + text +
            R"(\r\nTrace ID: 0000aaaa-1111\r\nCorrelation ID: corr-1234\r\nTimestamp: 2026-01-01 00:00:00Z","error_codes":[)" +
            std::to_string(code) +
            R"(],"timestamp":"2026-01-01 00:00:00Z","trace_id":"trace-9","correlation_id":"corr-1234"})");
}

} // namespace

TEST_CASE("AADSTS codes map through the data table, keeping only the first line") {
    struct Case {
        std::string error;
        long code;
        wp_status status;
    };
    const Case cases[] = {
        {"unauthorized_client", 700016, WP_E_INVALID_CONFIG},
        {"invalid_client", 700027, WP_E_AUTH_FAILED},
        {"invalid_client", 700024, WP_E_AUTH_FAILED},
        {"invalid_client", 50013, WP_E_AUTH_FAILED},
        {"invalid_request", 90002, WP_E_INVALID_CONFIG},
        {"invalid_grant", 53003, WP_E_PERMISSION_DENIED},
        {"invalid_scope", 70011, WP_E_INVALID_CONFIG},
        {"invalid_client", 7000218, WP_E_INVALID_CONFIG},
        {"invalid_request", 9001023, WP_E_INVALID_CONFIG},
        {"invalid_grant", 70020, WP_E_TIMEOUT},
        {"invalid_grant", 50076, WP_E_AUTH_REQUIRED},
    };
    for (const auto& c : cases) {
        CAPTURE(c.code);
        ServiceError e =
            entraError(entra(400, c.error, c.code, "Something about the request."), "a test step");
        CHECK(e.code() == "aad.AADSTS" + std::to_string(c.code));
        CHECK(e.status() == c.status);
        CHECK(e.httpStatus() == 400);
        CHECK(std::string(e.what()).find("AADSTS" + std::to_string(c.code) +
                                         ": Something about the request.") != std::string::npos);
        CHECK(std::string(e.what()).find("Trace ID") == std::string::npos);
        CHECK(std::string(e.what()).find("corr-1234") == std::string::npos);
        CHECK(e.correlationId() == "corr-1234");
        CHECK(e.requestId() == "trace-9");
        CHECK_FALSE(e.hint().empty());
    }
}

TEST_CASE("OAuth error strings map when the AADSTS number is unknown or absent") {
    auto mapped = [](const std::string& error) {
        return entraError(jsonResponse(400, R"({"error":")" + error + R"("})"), "signing in");
    };
    CHECK(mapped("authorization_declined").status() == WP_E_AUTH_FAILED);
    CHECK(mapped("authorization_declined").code() == "aad.authorization_declined");
    CHECK(mapped("expired_token").status() == WP_E_TIMEOUT);
    CHECK(mapped("access_denied").status() == WP_E_AUTH_FAILED);
    CHECK(mapped("interaction_required").status() == WP_E_AUTH_REQUIRED);
    CHECK(mapped("temporarily_unavailable").status() == WP_E_UNAVAILABLE);
    CHECK(mapped("something_new").code() == "aad.something_new");
    CHECK(mapped("something_new").status() == WP_E_INVALID_ARGUMENT); // by HTTP 400
    ServiceError unknownNumber = entraError(entra(400, "invalid_client", 999999, "New."), "x");
    CHECK(unknownNumber.code() == "aad.AADSTS999999");
    CHECK(unknownNumber.status() == WP_E_AUTH_FAILED); // from the error string
}

TEST_CASE("throttling and outages are UNAVAILABLE with Retry-After, whatever the body says") {
    HttpResponse throttled = entra(429, "invalid_request", 50196, "Loop detected.");
    throttled.headers.add("Retry-After", "2.5");
    ServiceError e = entraError(throttled, "x");
    CHECK(e.status() == WP_E_UNAVAILABLE);
    CHECK(e.transient());
    REQUIRE(e.retryAfter().has_value());
    CHECK(e.retryAfter()->count() == 2500);

    HttpResponse outage;
    outage.status = 503;
    outage.body = "<html>Service Unavailable</html>";
    ServiceError o = entraError(outage, "requesting a token");
    CHECK(o.code() == "aad.http_503");
    CHECK(o.status() == WP_E_UNAVAILABLE);
    CHECK(std::string(o.what()).find("<html>") == std::string::npos);
}

TEST_CASE("Graph error bodies map by code, with request ids kept for audit") {
    HttpResponse denied = jsonResponse(
        403,
        R"({"error":{"code":"Authorization_RequestDenied","message":"Insufficient privileges to complete the operation.","innerError":{"date":"2026-01-01T00:00:00","request-id":"req-1","client-request-id":"cli-1"}}})");
    ServiceError e = graphError(denied, "granting Mail.Read");
    CHECK(e.code() == "graph.Authorization_RequestDenied");
    CHECK(e.status() == WP_E_PERMISSION_DENIED);
    CHECK(std::string(e.what()) == "Microsoft Graph answered HTTP 403 while granting Mail.Read: Insufficient "
                                   "privileges to complete the operation.");
    CHECK(e.requestId() == "req-1");
    CHECK(e.correlationId() == "cli-1");

    HttpResponse legacy = jsonResponse(
        404, R"({"error":{"code":"Request_ResourceNotFound","message":{"lang":"en","value":"Gone."}}})");
    ServiceError l = graphError(legacy, "reading the application");
    CHECK(l.status() == WP_E_NOT_FOUND);
    CHECK(std::string(l.what()).find("Gone.") != std::string::npos);

    HttpResponse throttled = jsonResponse(
        429,
        R"({"error":{"code":"TooManyRequests","message":"Please retry again later.","innerError":{"code":"429","request-id":"r"}}})");
    throttled.headers.add("retry-after", "3");
    ServiceError t = graphError(throttled, "x");
    CHECK(t.status() == WP_E_UNAVAILABLE);
    CHECK(t.retryAfter()->count() == 3000);
    CHECK(parseGraphErrorBody(throttled.body)->innerCode == "429");

    HttpResponse plain;
    plain.status = 409;
    plain.body = "conflict";
    CHECK(graphError(plain, "x").code() == "graph.http_409");
    CHECK(graphError(plain, "x").status() == WP_E_CONFLICT);
    CHECK(
        graphError(
            jsonResponse(
                400,
                R"({"error":{"code":"KeyCredentialsInvalidEndDate","message":"Key credential end date is invalid."}})"),
            "x")
            .status() == WP_E_INVALID_CONFIG);
}

TEST_CASE("helpers: Retry-After forms, first line, AADSTS from the description") {
    CHECK(parseRetryAfter("") == std::nullopt);
    CHECK(parseRetryAfter(" 7 ")->count() == 7000);
    CHECK(parseRetryAfter("abc") == std::nullopt);
    CHECK(parseRetryAfter("-1") == std::nullopt);
    CHECK(parseRetryAfter("999999")->count() == 3'600'000);
    CHECK(parseRetryAfter("Wed, 21 Oct 2015 07:28:00 GMT")->count() == 0); // in the past
    CHECK(firstLine("AADSTS1: text.\r\nTrace ID: x") == "AADSTS1: text.");
    CHECK(firstLine("AADSTS1: text. Trace ID: x Correlation ID: y") == "AADSTS1: text.");
    CHECK(firstLine(std::string(400, 'a'), 10) == "aaaaaaaaaa...");
    auto body = parseEntraErrorBody(R"({"error":"invalid_client","error_description":"AADSTS700027: Bad."})");
    REQUIRE(body.has_value());
    CHECK(body->aadstsCode() == 700027);
    CHECK_FALSE(parseEntraErrorBody("[]").has_value());
    CHECK_FALSE(parseEntraErrorBody(R"({"error":{"code":"x"}})").has_value()); // a Graph body
}
