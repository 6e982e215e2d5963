// The device authorization grant against a scripted token endpoint, with a fake clock: no real waiting.
#include "device_code_flow.h"
#include "entra_error.h"
#include "jwt.h"
#include "support/fake_call.h"
#include "support/scripted_transport.h"

#include <doctest/doctest.h>

using namespace m365;
using namespace m365test;

namespace {

HttpResponse deviceCode(int expiresIn = 900, int interval = 5) {
    return jsonResponse(
        200,
        R"({"device_code":"DEVICE-SECRET-123","user_code":"ABCD-EFGH","verification_uri":"https://microsoft.com/devicelogin","expires_in":)" +
            std::to_string(expiresIn) + R"(,"interval":)" + std::to_string(interval) +
            R"(,"message":"To sign in, enter ABCD-EFGH."})");
}

HttpResponse oauthError(const std::string& error, long code = 0) {
    std::string codes = code != 0 ? R"(,"error_codes":[)" + std::to_string(code) + "]" : "";
    return jsonResponse(400, R"({"error":")" + error + R"(","error_description":"AADSTS)" +
                                 std::to_string(code) + R"(: text"  )" + codes + "}");
}

HttpResponse success() {
    std::string payload = base64UrlEncode(
        R"({"tid":"tenant-guid","oid":"admin-oid","upn":"admin@contoso.onmicrosoft.com","wids":["62e90394-69f5-4237-9190-012177145e10"],"scp":"Application.ReadWrite.All AppRoleAssignment.ReadWrite.All"})");
    std::string jwt = base64UrlEncode(R"({"alg":"RS256","typ":"JWT"})") + "." + payload + ".c2ln";
    return jsonResponse(200, R"({"token_type":"Bearer","scope":"x","expires_in":4000,"access_token":")" +
                                 jwt + "\"}");
}

struct Fixture {
    std::atomic<int64_t> clockMs{1'000'000};
    std::shared_ptr<ScriptedTransport> transport = std::make_shared<ScriptedTransport>();
    int maxCodes = 1;

    DeviceCodeFlow flow() {
        DeviceCodeSettings settings;
        settings.authority = "https://login.example/";
        settings.tenant = "contoso.onmicrosoft.com";
        settings.clientId = "14d82eec-204b-4c2f-b7e8-296a70dab67e";
        settings.scopes = {"https://graph.microsoft.com/Application.ReadWrite.All",
                           "https://graph.microsoft.com/AppRoleAssignment.ReadWrite.All"};
        settings.monotonicMs = [this] { return clockMs.load(); };
        settings.unixSeconds = [] { return int64_t{1'700'000'000}; };
        settings.maxCodes = maxCodes;
        return DeviceCodeFlow(transport, settings);
    }

    wp::Error failure(FakeCall& fake) {
        try {
            flow().signIn(fake.call());
        } catch (const wp::Error& e) {
            return e;
        }
        FAIL("the sign-in succeeded");
        return wp::Error(WP_E_INTERNAL, "none", "none");
    }
};

} // namespace

TEST_CASE_FIXTURE(Fixture,
                  "pending, pending, success: the admin's token and claims, prompt shown then dismissed") {
    transport->enqueue(deviceCode());
    transport->enqueue(oauthError("authorization_pending", 70016));
    transport->enqueue(oauthError("authorization_pending", 70016));
    transport->enqueue(success());
    FakeCall fake(true, &clockMs);
    SignedInAdmin admin = flow().signIn(fake.call());

    CHECK(admin.claimsDecoded);
    CHECK(admin.tenantId == "tenant-guid");
    CHECK(admin.objectId == "admin-oid");
    CHECK(admin.userPrincipalName == "admin@contoso.onmicrosoft.com");
    CHECK(admin.roleTemplateIds == std::vector<std::string>{"62e90394-69f5-4237-9190-012177145e10"});
    CHECK(admin.scopes.size() == 2);
    CHECK(admin.token.expiresAt == 1'700'000'000 + 4000);
    CHECK(fake.promptsShown() == 1);
    CHECK(fake.promptsDismissed() == 1);
    CHECK(fake.lastUserCode() == "ABCD-EFGH");
    CHECK(fake.lastVerificationUri() == "https://microsoft.com/devicelogin");
    CHECK(fake.lastExpiresAt() == 1'700'000'000 + 900);
    CHECK(fake.totalWaitedMs() == 15000); // three polls, each after a 5 s interval

    auto requests = transport->requests();
    REQUIRE(requests.size() == 4);
    CHECK(requests[0].url == "https://login.example/contoso.onmicrosoft.com/oauth2/v2.0/devicecode");
    CHECK(formValue(requests[0].body, "client_id") == "14d82eec-204b-4c2f-b7e8-296a70dab67e");
    CHECK(formValue(requests[0].body, "scope") ==
          "https://graph.microsoft.com/Application.ReadWrite.All "
          "https://graph.microsoft.com/AppRoleAssignment.ReadWrite.All");
    CHECK(requests[0].body.find("offline_access") == std::string::npos);
    CHECK(requests[1].url == "https://login.example/contoso.onmicrosoft.com/oauth2/v2.0/token");
    CHECK(formValue(requests[1].body, "grant_type") == "urn:ietf:params:oauth:grant-type:device_code");
    CHECK(formValue(requests[1].body, "device_code") == "DEVICE-SECRET-123");
}

TEST_CASE_FIXTURE(Fixture, "slow_down adds 5 s to the interval for the rest of the flow") {
    transport->enqueue(deviceCode());
    transport->enqueue(oauthError("authorization_pending", 70016)); // after 5 s
    transport->enqueue(oauthError("slow_down"));                    // after 5 s -> interval 10 s
    transport->enqueue(oauthError("authorization_pending", 70016)); // after 10 s
    transport->enqueue(success());                                  // after 10 s
    FakeCall fake(true, &clockMs);
    flow().signIn(fake.call());
    CHECK(fake.totalWaitedMs() == 30000);
}

TEST_CASE_FIXTURE(Fixture, "the flow stops at expiry with a timeout") {
    transport->enqueue(deviceCode(12, 5));
    transport->setHandler([](const HttpRequest&) { return oauthError("authorization_pending", 70016); });
    FakeCall fake(true, &clockMs);
    wp::Error e = failure(fake);
    CHECK(e.status() == WP_E_TIMEOUT);
    CHECK(e.code() == "auth.device_code_expired");
    CHECK(transport->requestCount() == 3); // devicecode + polls at 5 s and 10 s; none after 12 s
    CHECK(fake.totalWaitedMs() == 12000);
    CHECK(fake.promptsDismissed() == 1);
}

TEST_CASE_FIXTURE(Fixture, "expired_token from the server is a timeout too") {
    transport->enqueue(deviceCode());
    transport->enqueue(oauthError("expired_token", 70020));
    FakeCall fake(true, &clockMs);
    CHECK(failure(fake).code() == "auth.device_code_expired");
}

TEST_CASE_FIXTURE(Fixture,
                  "an expired code is replaced up to maxCodes, each shown, each replacement announced") {
    maxCodes = 3;
    transport->enqueue(deviceCode(6, 5));
    transport->enqueue(oauthError("authorization_pending", 70016)); // 5 s; expires at 6 s
    transport->enqueue(deviceCode(6, 5));
    transport->enqueue(oauthError("expired_token", 70020)); // the server says so first
    transport->enqueue(deviceCode(6, 5));
    transport->enqueue(success());
    FakeCall fake(true, &clockMs);
    SignedInAdmin admin = flow().signIn(fake.call());
    CHECK(admin.tenantId == "tenant-guid");
    CHECK(fake.promptsShown() == 3);
    CHECK(fake.promptsDismissed() == 3);
    auto events = fake.events();
    REQUIRE(events.size() == 2);
    CHECK(events[0].find(R"("attempt":2,"of":3)") != std::string::npos);
    CHECK(events[0].find("code expired; new code requested (2 of 3)") != std::string::npos);
    CHECK(events[1].find("(3 of 3)") != std::string::npos);
    for (const auto& event : events)
        CHECK(event.find("DEVICE-SECRET") == std::string::npos);
}

TEST_CASE_FIXTURE(Fixture,
                  "after the last of maxCodes codes expired: auth.device_code_expired naming the count") {
    maxCodes = 2;
    transport->setHandler([](const HttpRequest& request) {
        return request.url.ends_with("/devicecode") ? deviceCode(6, 5)
                                                    : oauthError("authorization_pending", 70016);
    });
    FakeCall fake(true, &clockMs);
    wp::Error e = failure(fake);
    CHECK(e.status() == WP_E_TIMEOUT);
    CHECK(e.code() == "auth.device_code_expired");
    CHECK(std::string(e.what()).find("2 sign-in codes") != std::string::npos);
    CHECK(fake.promptsShown() == 2);
    CHECK(transport->requestCount() == 4); // two codes, one poll each (5 s) before each expired (6 s)
}

TEST_CASE_FIXTURE(Fixture, "a declined sign-in fails with AUTH_FAILED and the prompt is dismissed") {
    transport->enqueue(deviceCode());
    transport->enqueue(oauthError("authorization_pending", 70016));
    transport->enqueue(oauthError("authorization_declined"));
    FakeCall fake(true, &clockMs);
    wp::Error e = failure(fake);
    CHECK(e.status() == WP_E_AUTH_FAILED);
    CHECK(e.code() == "auth.declined");
    CHECK(fake.promptsDismissed() == 1);
}

TEST_CASE_FIXTURE(Fixture, "cancel while waiting ends the flow with CANCELLED and dismisses the prompt") {
    transport->enqueue(deviceCode());
    transport->setHandler([](const HttpRequest&) { return oauthError("authorization_pending", 70016); });
    FakeCall fake(true, &clockMs);
    fake.cancelOnWait(30); // the 30th 250 ms slice: inside the second interval
    wp::Error e = failure(fake);
    CHECK(e.status() == WP_E_CANCELLED);
    CHECK(fake.promptsShown() == 1);
    CHECK(fake.promptsDismissed() == 1);
    CHECK(transport->requestCount() == 2); // devicecode + one poll
    CHECK(fake.totalWaitedMs() < 7500);    // waits are short slices: the cancel was seen promptly
}

TEST_CASE_FIXTURE(Fixture, "with no prompter: AUTH_REQUIRED before anything is requested") {
    FakeCall fake(false, &clockMs);
    wp::Error e = failure(fake);
    CHECK(e.status() == WP_E_AUTH_REQUIRED);
    CHECK(e.code() == "auth.interaction_required");
    CHECK(transport->requestCount() == 0);
}

TEST_CASE_FIXTURE(Fixture, "a host that cannot show the prompt now: AUTH_REQUIRED, no polling") {
    transport->enqueue(deviceCode());
    FakeCall fake(true, &clockMs);
    fake.refusePrompts();
    CHECK(failure(fake).status() == WP_E_AUTH_REQUIRED);
    CHECK(transport->requestCount() == 1);
}

TEST_CASE_FIXTURE(Fixture,
                  "other errors end the flow with the mapped Entra error - transient ones are retried") {
    transport->enqueue(deviceCode());
    transport->enqueue(jsonResponse(503, "{}"));
    transport->enqueueFailure(wp::Error(WP_E_UNAVAILABLE, "net.connection_lost", "lost"));
    transport->enqueue(oauthError("invalid_client", 7000218));
    FakeCall fake(true, &clockMs);
    wp::Error e = failure(fake);
    CHECK(e.code() == "aad.AADSTS7000218");
    CHECK(e.status() == WP_E_INVALID_CONFIG);
    CHECK(transport->requestCount() == 4);

    transport->enqueue(jsonResponse(400, R"({"error":"invalid_client","error_codes":[700016]})"));
    CHECK(failure(fake).code() == "aad.AADSTS700016"); // the devicecode request itself failed
}

TEST_CASE_FIXTURE(Fixture, "the device-code request is retried on throttling, 5xx, a lost connection and an "
                           "unreadable answer, honouring Retry-After") {
    HttpResponse throttled = jsonResponse(
        429,
        R"({"error":"temporarily_unavailable","error_description":"AADSTS50196: loop","error_codes":[50196]})");
    throttled.headers.add("Retry-After", "3");
    transport->enqueue(throttled);
    transport->enqueue(jsonResponse(503, "{}"));
    transport->enqueueFailure(wp::Error(WP_E_UNAVAILABLE, "net.timeout", "no answer within 60 s"));
    transport->enqueue(jsonResponse(200, R"({"device_code":"DEVICE-SECRET-123","user_co)")); // truncated
    transport->enqueue(deviceCode());
    transport->enqueue(success());
    FakeCall fake(true, &clockMs);
    SignedInAdmin admin = flow().signIn(fake.call());
    CHECK(admin.tenantId == "tenant-guid");
    CHECK(fake.promptsShown() == 1); // only the usable code was shown
    auto requests = transport->requests();
    REQUIRE(requests.size() == 6);
    for (std::size_t i = 0; i < 5; ++i)
        CHECK(requests[i].url.ends_with("/devicecode"));
    CHECK(requests[0].idempotent);
    // 3 s as the server asked, then backoff retries 2, 3 and 4 (0.5-1 s, 1-2 s, 2-4 s with jitter),
    // then one 5 s poll interval.
    CHECK(fake.totalWaitedMs() >= 3000 + 3500 + 5000);
    CHECK(fake.totalWaitedMs() <= 3000 + 7000 + 5000);
}

TEST_CASE_FIXTURE(Fixture, "a device-code request that keeps failing gives up within its budget with the "
                           "last error, before anything is shown") {
    transport->setHandler([](const HttpRequest&) { return jsonResponse(503, "{}"); });
    FakeCall fake(true, &clockMs);
    wp::Error e = failure(fake);
    CHECK(e.status() == WP_E_UNAVAILABLE);
    CHECK(fake.promptsShown() == 0);
    CHECK(transport->requestCount() > 3);
    CHECK(transport->requestCount() < 12); // 30 s of backoff capped at 10 s per wait
    CHECK(fake.totalWaitedMs() <= 30'000);
}

TEST_CASE_FIXTURE(Fixture, "a refused device-code request is not retried, a cancel stops the retries") {
    transport->enqueue(jsonResponse(400, R"({"error":"invalid_client","error_codes":[7000218]})"));
    FakeCall refused(true, &clockMs);
    CHECK(failure(refused).code() == "aad.AADSTS7000218");
    CHECK(transport->requestCount() == 1);

    transport->setHandler([](const HttpRequest&) { return jsonResponse(500, "{}"); });
    FakeCall cancelled(true, &clockMs);
    cancelled.cancelOnWait(1);
    CHECK(failure(cancelled).status() == WP_E_CANCELLED);
    CHECK(transport->requestCount() == 2);
}

TEST_CASE("settings are checked: offline_access and empty scopes are refused") {
    auto transport = std::make_shared<ScriptedTransport>();
    DeviceCodeSettings settings;
    settings.authority = "https://login.example";
    settings.tenant = "t";
    settings.clientId = "c";
    settings.scopes = {"User.Read", "offline_access"};
    CHECK_THROWS_WITH_AS(DeviceCodeFlow(transport, settings), doctest::Contains("offline_access"), wp::Error);
    settings.scopes = {};
    CHECK_THROWS_AS(DeviceCodeFlow(transport, settings), wp::Error);
}
