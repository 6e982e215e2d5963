// retry_policy: the classification table, Retry-After forms, backoff jitter bounds, the budget, and
// cancellation; and the clients that use it (Graph creates checked before a repeat, token retries).
#include "app_registration.h"
#include "graph_client.h"
#include "json_util.h"
#include "retry_policy.h"
#include "token_client.h"

#include "support/fake_call.h"
#include "support/scripted_transport.h"
#include "support/shared_credential.h"
#include "tenant_fakes.h"

#include <doctest/doctest.h>

#include <fstream>
#include <map>
#include <set>
#include <thread>

using namespace m365;
using m365test::jsonResponse;
using std::chrono::milliseconds;

namespace {

ServiceError graphAnswer(int status, const std::string& code, const std::string& message = "m") {
    return graphError(
        jsonResponse(status, R"({"error":{"code":")" + code + R"(","message":")" + message + R"("}})"), "x");
}

ServiceError entraAnswer(int status, const std::string& error, long aadsts) {
    return entraError(jsonResponse(status, R"({"error":")" + error + R"(","error_description":"AADSTS)" +
                                               std::to_string(aadsts) + R"(: text","error_codes":[)" +
                                               std::to_string(aadsts) + "]}"),
                      "x");
}

/// Kinds compared by name: doctest then prints them when a check fails.
std::string kindOf(const wp::Error& error) {
    return toString(classifyFailure(error).kind);
}

std::string named(FailureKind kind) {
    return toString(kind);
}

struct Fixture {
    std::atomic<int64_t> clockMs{0};
    m365test::FakeCall fakeCall{true, &clockMs};
    wp::Call call = fakeCall.call();
    std::shared_ptr<m365test::ScriptedTransport> transport = std::make_shared<m365test::ScriptedTransport>();
    SecretBuffer token{"admin-token"};
    GraphClient graph{transport, "https://graph.test/v1.0", token, "run-id", &call};
};

} // namespace

TEST_SUITE("retry policy") {
    TEST_CASE("classification: network errors by code") {
        CHECK(kindOf(wp::Error(WP_E_UNAVAILABLE, "net.timeout", "t")) == named(FailureKind::Transient));
        CHECK(kindOf(wp::Error(WP_E_UNAVAILABLE, "net.connection_lost", "t")) ==
              named(FailureKind::Transient));
        CHECK(kindOf(wp::Error(WP_E_UNAVAILABLE, "net.connect_failed", "t")) ==
              named(FailureKind::Transient));
        CHECK(kindOf(wp::Error(WP_E_UNAVAILABLE, "net.tls_verify_failed", "t")) ==
              named(FailureKind::NeedsPerson));
        CHECK(kindOf(wp::Error(WP_E_UNAVAILABLE, "net.proxy_failed", "t")) ==
              named(FailureKind::NeedsPerson));
        CHECK(kindOf(wp::Error(WP_E_UNAVAILABLE, "net.response_too_large", "t")) ==
              named(FailureKind::Permanent));
        CHECK(kindOf(wp::Error(WP_E_INVALID_ARGUMENT, "net.bad_url", "t")) == named(FailureKind::Permanent));
        CHECK(kindOf(wp::Error(WP_E_CANCELLED, "call.cancelled", "t")) == named(FailureKind::Cancelled));
    }

    TEST_CASE("classification: HTTP status wins for throttling and outages") {
        for (int status : {408, 429, 500, 502, 503, 504}) {
            CAPTURE(status);
            CHECK(kindOf(graphAnswer(status, "Authorization_RequestDenied")) ==
                  named(FailureKind::Transient));
            CHECK(classifyFailure(entraAnswer(status, "invalid_client", 700027)).status == WP_E_UNAVAILABLE);
        }
        auto throttled = jsonResponse(429, "");
        throttled.headers.add("Retry-After", "2");
        auto error = graphError(throttled, "x");
        CHECK(kindOf(error) == named(FailureKind::Transient));
        CHECK(error.retryAfter()->count() == 2000);
        CHECK_FALSE(outcomeUnknown(error)); // throttled requests were not carried out
        CHECK(outcomeUnknown(graphAnswer(503, "serviceNotAvailable")));
        CHECK(outcomeUnknown(wp::Error(WP_E_UNAVAILABLE, "net.timeout", "t")));
        CHECK_FALSE(outcomeUnknown(graphAnswer(403, "Authorization_RequestDenied")));
    }

    TEST_CASE("classification: Entra errors") {
        CHECK(kindOf(entraAnswer(400, "unauthorized_client", 700016)) == named(FailureKind::Replication));
        CHECK(kindOf(entraAnswer(401, "invalid_client", 700027)) == named(FailureKind::Replication));
        CHECK(kindOf(entraAnswer(400, "invalid_grant", 50076)) == named(FailureKind::NeedsPerson)); // MFA
        CHECK(kindOf(entraAnswer(400, "invalid_grant", 53003)) ==
              named(FailureKind::NeedsPerson)); // CA policy
        CHECK(kindOf(entraAnswer(400, "invalid_client", 50013)) ==
              named(FailureKind::NeedsPerson)); // signature
        CHECK(kindOf(entraAnswer(400, "invalid_request", 900561)) == named(FailureKind::Permanent)); // a bug
        CHECK(kindOf(entraAnswer(400, "invalid_request", 700022)) ==
              named(FailureKind::Permanent)); // bad scope
        CHECK(kindOf(entraAnswer(400, "temporarily_unavailable", 1)) == named(FailureKind::Transient));
        CHECK(kindOf(wp::Error(WP_E_UNAVAILABLE, "aad.bad_token_response", "t")) ==
              named(FailureKind::Transient));
    }

    TEST_CASE("classification: Graph errors") {
        CHECK(kindOf(graphAnswer(403, "Authorization_RequestDenied")) == named(FailureKind::NeedsPerson));
        CHECK(kindOf(graphAnswer(404, "Request_ResourceNotFound")) == named(FailureKind::Replication));
        CHECK(kindOf(graphAnswer(404, "itemNotFound")) == named(FailureKind::Replication));
        CHECK(kindOf(graphAnswer(400, "Request_BadRequest", "Not a valid reference update.")) ==
              named(FailureKind::Replication));
        CHECK(kindOf(graphAnswer(400, "Request_BadRequest",
                                 "Permission being assigned already exists on the object")) ==
              named(FailureKind::Permanent));
        CHECK(kindOf(graphAnswer(400, "KeyCredentialsInvalidEndDate")) == named(FailureKind::NeedsPerson));
        CHECK(kindOf(graphAnswer(409, "Request_MultipleObjectsWithSameKeyValue")) ==
              named(FailureKind::Permanent));
        CHECK(kindOf(graphAnswer(400, "invalidRequest")) == named(FailureKind::Permanent));
        // A cut or garbled 400 may hide the bad-reference replication symptom; other unreadable
        // refusals keep the meaning of their status.
        CHECK(kindOf(graphError(jsonResponse(400, "{\"error\":{\"code\":<cut"), "x")) ==
              named(FailureKind::Replication));
        CHECK(kindOf(graphError(jsonResponse(403, "<html>denied</html>"), "x")) ==
              named(FailureKind::NeedsPerson));
        CHECK(kindOf(graphAnswer(401, "InvalidAuthenticationToken")) == named(FailureKind::NeedsPerson));
        CHECK(kindOf(wp::Error(WP_E_UNAVAILABLE, "graph.malformed_response", "t")) ==
              named(FailureKind::Transient));
        CHECK(std::string(toString(FailureKind::NeedsPerson)) == "needs-a-person");
    }

    TEST_CASE("Retry-After: seconds, fractional seconds, HTTP dates, garbage") {
        const int64_t now = 1'445'412'480'000; // Wed, 21 Oct 2015 07:28:00 GMT
        CHECK(parseRetryAfter("120", now)->count() == 120'000);
        CHECK(parseRetryAfter(" 7 ", now)->count() == 7000);
        CHECK(parseRetryAfter("1.5", now)->count() == 1500);
        CHECK(parseRetryAfter("0.25", now)->count() == 250);
        CHECK(parseRetryAfter("0", now)->count() == 0);
        CHECK(parseRetryAfter("999999", now)->count() == 3'600'000); // capped
        CHECK(parseRetryAfter("Wed, 21 Oct 2015 07:28:30 GMT", now)->count() == 30'000);
        CHECK(parseRetryAfter("Wednesday, 21-Oct-15 07:29:00 GMT", now)->count() == 60'000); // RFC 850
        CHECK(parseRetryAfter("Wed, 21 Oct 2015 07:27:00 GMT", now)->count() == 0);          // past
        CHECK(parseRetryAfter("Thu, 22 Oct 2015 07:28:00 GMT", now)->count() == 3'600'000);  // capped
        for (const char* bad : {"", "  ", "abc", "-1", "1e", "1.5s", "NaN", "Wed, 32 Foo 2015"}) {
            CAPTURE(bad);
            CHECK(parseRetryAfter(bad, now) == std::nullopt);
        }
    }

    TEST_CASE("backoff: exponential, capped, jitter stays within its bounds") {
        BackoffSettings settings; // 500 ms first, 10 s cap, jitter 0.5
        CHECK(backoffDelay(0, settings, 0.999999).count() == 499);
        CHECK(backoffDelay(0, settings, 0.0).count() == 250);
        CHECK(backoffDelay(3, settings, 0.0).count() == 2000);
        CHECK(backoffDelay(30, settings, 0.0).count() == 5000);
        CHECK(backoffDelay(-1, settings, 0.0).count() == 250);
        settings.jitter = 0;
        CHECK(backoffDelay(5, settings, 0.3).count() == 10'000);
        settings.first = milliseconds(10);
        CHECK(backoffDelay(0, settings, 0.0).count() == 100); // the floor

        // The waits a Retrier draws: within [d/2, d] for each attempt, and not all the same.
        std::set<int64_t> firstWaits;
        for (int i = 0; i < 50; ++i) {
            Retrier retrier(nullptr, std::chrono::hours(1));
            auto wait = retrier.nextWait(std::nullopt).count();
            CHECK(wait >= 250);
            CHECK(wait <= 500);
            firstWaits.insert(wait);
        }
        CHECK(firstWaits.size() > 5);
    }

    TEST_CASE("Retrier: Retry-After as sent but never below the floor, budget exhaustion") {
        std::atomic<int64_t> clock{0};
        m365test::FakeCall fake(true, &clock);
        wp::Call call = fake.call();
        Retrier retrier(&call, milliseconds(5000));
        CHECK(retrier.nextWait(milliseconds(1500)).count() == 1500);
        CHECK(retrier.nextWait(milliseconds(0)).count() == 100);
        std::vector<int64_t> announced;
        auto record = [&](milliseconds wait) { announced.push_back(wait.count()); };
        CHECK(retrier.pause(milliseconds(3000), record));
        CHECK(retrier.pause(milliseconds(1500), record));
        CHECK_FALSE(retrier.pause(milliseconds(1000), record)); // 3000 + 1500 + 1000 > 5000
        CHECK(announced == std::vector<int64_t>{3000, 1500});
        CHECK(fake.totalWaitedMs() == 4500);
        CHECK(retrier.retries() == 2);
    }

    TEST_CASE("Retrier: a cancel during the wait ends the operation") {
        std::atomic<int64_t> clock{0};
        m365test::FakeCall fake(true, &clock);
        wp::Call call = fake.call();
        fake.cancelOnWait(2);
        Retrier retrier(&call, std::chrono::minutes(1));
        CHECK(retrier.pause(std::nullopt));
        CHECK_THROWS_WITH_AS(retrier.pause(std::nullopt), "the operation was cancelled", wp::Error);
    }

    TEST_CASE("Graph: a GET is retried through outages and lost connections, then gives up in budget") {
        Fixture f;
        f.transport->enqueue(jsonResponse(503, R"({"error":{"code":"serviceNotAvailable","message":"x"}})"));
        f.transport->enqueueFailure(wp::Error(WP_E_UNAVAILABLE, "net.connection_lost", "closed"));
        f.transport->enqueue(jsonResponse(200, "<html>proxy error</html>"));
        f.transport->enqueue(jsonResponse(200, R"({"value":[]})"));
        CHECK(f.graph.get("/organization").status == 200);
        CHECK(f.transport->requestCount() == 4);

        f.transport->setHandler([](const HttpRequest&) { return jsonResponse(500, ""); });
        CHECK_THROWS_WITH_AS(f.graph.get("/organization", {RetryOn::TransientOnly, milliseconds(3000)}),
                             doctest::Contains("HTTP 500"), ServiceError);
    }

    TEST_CASE("Graph: a TLS refusal is not retried") {
        Fixture f;
        f.transport->enqueueFailure(wp::Error(WP_E_UNAVAILABLE, "net.tls_verify_failed", "untrusted"));
        CHECK_THROWS_AS(f.graph.get("/organization"), ServiceError);
        CHECK(f.transport->requestCount() == 1);
    }

    TEST_CASE("Graph: a create whose answer was lost is found instead of being sent again") {
        Fixture f;
        int creates = 0;
        f.transport->setHandler([&](const HttpRequest& request) {
            if (request.method == "POST") {
                ++creates;
                throw wp::Error(WP_E_UNAVAILABLE, "net.connection_lost", "closed"); // after the server acted
            }
            return jsonResponse(200, R"({"id":"app-1","appId":"a-1"})");
        });
        int lookups = 0;
        auto result =
            f.graph.create("/applications", new Poco::JSON::Object, [&]() -> std::optional<GraphResult> {
                ++lookups;
                return f.graph.get("/applications/app-1");
            });
        CHECK(json::str(result.body, "id") == "app-1");
        CHECK(creates == 1);
        CHECK(lookups == 1);
    }

    TEST_CASE("Graph: a timed-out create is looked for, not sent again, while the service may still act") {
        Fixture f;
        int creates = 0;
        f.transport->setHandler([&](const HttpRequest& request) -> HttpResponse {
            if (request.method == "POST") {
                ++creates;
                std::this_thread::sleep_for(milliseconds(100)); // the read timeout
                throw wp::Error(WP_E_UNAVAILABLE, "net.timeout", "no answer within 0 s");
            }
            return jsonResponse(200, R"({"id":"app-1","appId":"a-1"})");
        });
        int lookups = 0;
        auto result =
            f.graph.create("/applications", new Poco::JSON::Object, [&]() -> std::optional<GraphResult> {
                if (++lookups < 3)
                    return std::nullopt; // the service has not carried the first attempt out yet
                return f.graph.get("/applications/app-1");
            });
        CHECK(json::str(result.body, "id") == "app-1");
        CHECK(creates == 1);
        CHECK(lookups == 3);
    }

    TEST_CASE("Graph: a timed-out create whose object never appears is sent again after the window") {
        m365test::FakeCall realWaits{true, nullptr}; // the window is real time: the waits must be too
        wp::Call call = realWaits.call();
        auto transport = std::make_shared<m365test::ScriptedTransport>();
        SecretBuffer token{"admin-token"};
        GraphClient graph{transport, "https://graph.test/v1.0", token, "run-id", &call};
        int creates = 0;
        transport->setHandler([&](const HttpRequest&) -> HttpResponse {
            if (++creates == 1) {
                std::this_thread::sleep_for(milliseconds(50));
                throw wp::Error(WP_E_UNAVAILABLE, "net.timeout", "no answer within 0 s");
            }
            return jsonResponse(201, R"({"id":"app-2"})");
        });
        int lookups = 0;
        auto result =
            graph.create("/applications", new Poco::JSON::Object, [&]() -> std::optional<GraphResult> {
                ++lookups;
                return std::nullopt;
            });
        CHECK(json::str(result.body, "id") == "app-2");
        CHECK(creates == 2);
        CHECK(lookups >= 1);
        CHECK(realWaits.totalWaitedMs() >= 50); // it waited out the window before sending again
    }

    TEST_CASE("Graph: a create is sent again when the check finds nothing, and not checked after a 429") {
        Fixture f;
        auto throttled = jsonResponse(429, R"({"error":{"code":"TooManyRequests","message":"slow"}})");
        throttled.headers.add("Retry-After", "1");
        f.transport->enqueue(throttled);
        f.transport->enqueue(jsonResponse(502, ""));
        f.transport->enqueue(jsonResponse(201, R"({"id":"app-2"})"));
        int lookups = 0;
        auto result =
            f.graph.create("/applications", new Poco::JSON::Object, [&]() -> std::optional<GraphResult> {
                ++lookups;
                return std::nullopt;
            });
        CHECK(json::str(result.body, "id") == "app-2");
        CHECK(lookups == 1); // only after the 502
        CHECK(f.transport->requestCount() == 3);
    }

    TEST_CASE("token client: transient failures are retried with a fresh assertion, others are not") {
        auto transport = std::make_shared<m365test::ScriptedTransport>();
        const auto& credential = m365test::sharedCredential();
        ConfidentialClient client(transport,
                                  {"https://login.test/t/oauth2/v2.0/token", "app",
                                   AssertionProfile::PS256WithX5tS256, std::chrono::minutes(10)},
                                  credential.key, credential.certificate);
        std::atomic<int64_t> clock{0};
        m365test::FakeCall fake(true, &clock);
        wp::Call call = fake.call();
        auto throttled = jsonResponse(429, R"({"error":"temporarily_unavailable"})");
        throttled.headers.add("Retry-After", "0.5");
        transport->enqueue(throttled);
        transport->enqueueFailure(wp::Error(WP_E_UNAVAILABLE, "net.timeout", "slow"));
        transport->enqueue(jsonResponse(200, R"({"access_token":"t","expires_in":60})"));
        CHECK(client.acquire("s/.default", &call).token.view() == "t");
        auto requests = transport->requests();
        REQUIRE(requests.size() == 3);
        CHECK(m365test::formValue(requests[0].body, "client_assertion") !=
              m365test::formValue(requests[2].body, "client_assertion"));
        CHECK(fake.totalWaitedMs() >= 500);

        transport->enqueue(jsonResponse(
            400,
            R"({"error":"invalid_client","error_description":"AADSTS700027: x","error_codes":[700027]})"));
        CHECK_THROWS_AS(client.acquire("s/.default", &call), ServiceError);
        CHECK(transport->requestCount() == 4);
    }
}

TEST_CASE("docs/errors.md states each code's status and kind as the retry policy classifies it") {
    const std::map<std::string, std::pair<wp_status, int>> statuses{
        // status name in the doc -> wp_status and a typical HTTP status of a service answer
        {"UNAVAILABLE", {WP_E_UNAVAILABLE, 503}},
        {"INVALID_CONFIG", {WP_E_INVALID_CONFIG, 400}},
        {"INVALID_ARGUMENT", {WP_E_INVALID_ARGUMENT, 400}},
        {"AUTH_REQUIRED", {WP_E_AUTH_REQUIRED, 400}},
        {"AUTH_FAILED", {WP_E_AUTH_FAILED, 401}},
        {"PERMISSION_DENIED", {WP_E_PERMISSION_DENIED, 403}},
        {"NOT_FOUND", {WP_E_NOT_FOUND, 404}},
        {"CONFLICT", {WP_E_CONFLICT, 409}},
        {"TIMEOUT", {WP_E_TIMEOUT, 400}},
        {"UNSUPPORTED", {WP_E_UNSUPPORTED, 400}},
        {"INCOMPATIBLE", {WP_E_INCOMPATIBLE, 400}},
        {"INTERNAL", {WP_E_INTERNAL, 400}},
        {"CANCELLED", {WP_E_CANCELLED, 0}},
    };
    std::ifstream doc(M365_ERRORS_DOC);
    REQUIRE(doc.good());
    std::string line;
    int checked = 0;
    while (std::getline(doc, line)) {
        // | `code` | STATUS | kind | meaning | what to do |
        std::vector<std::string> cells;
        std::size_t start = 0;
        for (std::size_t bar = line.find(" | "); bar != std::string::npos; bar = line.find(" | ", start)) {
            cells.push_back(line.substr(start, bar - start));
            start = bar + 3;
        }
        if (cells.size() < 3 || cells[0].rfind("| `", 0) != 0)
            continue;
        const std::string code = cells[0].substr(3, cells[0].size() - 4);
        auto status = statuses.find(cells[1]);
        if (status == statuses.end() || code.find('<') != std::string::npos ||
            cells[2].find('/') != std::string::npos)
            continue; // findings, families and rows whose kind depends on the message
        CAPTURE(code);
        const bool service = code.rfind("aad.", 0) == 0 || code.rfind("graph.", 0) == 0;
        std::string kind = service ? kindOf(ServiceError(status->second.first, code, "m", "",
                                                         status->second.second, {}, {}, std::nullopt))
                                   : kindOf(wp::Error(status->second.first, code, "m"));
        CHECK(kind == cells[2]);
        ++checked;
    }
    CHECK(checked > 100);
}
