// addKey repeated like a create (a lost answer is checked against the application's keys before the
// request goes again), and the verification poll paced by the one retry policy (bounded, cancellable).
#include "encoding.h"
#include "key_rollover.h"
#include "progress.h"
#include "verify.h"

#include "support/fake_call.h"
#include "support/scripted_transport.h"
#include "support/shared_credential.h"
#include "tenant_fakes.h"

#include <doctest/doctest.h>

#include <atomic>
#include <string>
#include <vector>

using namespace m365;
using m365test::jsonResponse;

namespace {

const char* kKeyId = "6f1c2b36-6f8a-4c5e-9a43-2f1d0b7c9e01";

struct Fixture {
    std::atomic<int64_t> clockMs{0};
    m365test::FakeCall fakeCall{true, &clockMs};
    wp::Call call = fakeCall.call();
    std::shared_ptr<m365test::ScriptedTransport> transport = std::make_shared<m365test::ScriptedTransport>();
    SecretBuffer token{"app-token"};
    GraphClient graph{transport, "https://graph.test/v1.0", token, "run-id", &call};
    m365test::FakeHost host;
    Progress progress{host.host(), call};
};

/// Graph's customKeyIdentifier of a certificate: its SHA-1 hash, base64.
std::string customKeyIdentifier(const CertificateInfo& certificate) {
    std::vector<unsigned char> sha1;
    for (std::size_t i = 0; i + 1 < certificate.thumbprintSha1.size(); i += 2)
        sha1.push_back(
            static_cast<unsigned char>(std::stoul(certificate.thumbprintSha1.substr(i, 2), nullptr, 16)));
    return base64Standard(sha1.data(), sha1.size());
}

std::string keysBody(const std::string& keyId, const std::string& identifier) {
    return R"({"keyCredentials":[{"keyId":"00000000-0000-0000-0000-0000000000aa","customKeyIdentifier":"AAAA"},)"
           R"({"keyId":")" +
           keyId + R"(","customKeyIdentifier":")" + identifier + R"("}]})";
}

std::vector<std::string> methods(const m365test::ScriptedTransport& transport) {
    std::vector<std::string> seen;
    for (const auto& request : transport.requests())
        seen.push_back(request.method +
                       (request.url.find("/addKey") != std::string::npos ? " addKey" : " keys"));
    return seen;
}

void addTheKey(Fixture& f) {
    const auto& credential = m365test::sharedCredential();
    addKeyCredential(f.graph, "app-object-1", credential.certificate, kKeyId,
                     {*credential.key, credential.certificate});
}

wp::Error connectionLost() {
    return wp::Error(WP_E_UNAVAILABLE, "net.connection_lost", "the connection was closed before the answer");
}

/// A JWT (unsigned; verification only decodes it) whose roles claim holds `roles`.
std::string tokenWithRoles(const std::string& roles) {
    return base64UrlEncode(R"({"alg":"none"})") + "." + base64UrlEncode(R"({"roles":[)" + roles + "]}") +
           ".c2ln";
}

HttpResponse tokenAnswer(const std::string& roles) {
    return jsonResponse(200, R"({"token_type":"Bearer","expires_in":3599,"access_token":")" +
                                 tokenWithRoles(roles) + R"("})");
}

ConfidentialClient verifyClient(const std::shared_ptr<m365test::ScriptedTransport>& transport) {
    const auto& credential = m365test::sharedCredential();
    ConfidentialClientSettings settings{"https://login.test/tenant/oauth2/v2.0/token", "app-id-1",
                                        AssertionProfile::PS256WithX5tS256, std::chrono::minutes(10)};
    return ConfidentialClient(transport, settings, credential.key, credential.certificate);
}

} // namespace

TEST_SUITE("addKey") {
    TEST_CASE("a lost answer to addKey whose key arrived is not sent again") {
        Fixture f;
        f.transport->enqueueFailure(connectionLost());
        f.transport->enqueue(jsonResponse(
            200, keysBody(kKeyId, customKeyIdentifier(m365test::sharedCredential().certificate))));
        addTheKey(f);
        CHECK(methods(*f.transport) == std::vector<std::string>{"POST addKey", "GET keys"});
        CHECK(f.transport->requests()[1].url.find("/applications/app-object-1?$select=keyCredentials") !=
              std::string::npos);
    }

    TEST_CASE("a lost answer to addKey whose key is not on the application is sent again") {
        Fixture f;
        f.transport->enqueue(
            jsonResponse(503, R"({"error":{"code":"serviceUnavailable","message":"busy"}})"));
        f.transport->enqueue(jsonResponse(200, R"({"keyCredentials":[]})"));
        f.transport->enqueue(jsonResponse(200, R"({"keyId":")" + std::string(kKeyId) + R"("})"));
        addTheKey(f);
        CHECK(methods(*f.transport) == std::vector<std::string>{"POST addKey", "GET keys", "POST addKey"});
        CHECK(f.fakeCall.totalWaitedMs() > 0); // paced by the retry policy
    }

    TEST_CASE("a key with our keyId but another certificate is not taken for ours") {
        Fixture f;
        f.transport->enqueueFailure(connectionLost());
        f.transport->enqueue(jsonResponse(200, keysBody(kKeyId, "c29tZW9uZSBlbHNl")));
        f.transport->enqueue(jsonResponse(200, R"({"keyId":")" + std::string(kKeyId) + R"("})"));
        addTheKey(f);
        CHECK(methods(*f.transport) == std::vector<std::string>{"POST addKey", "GET keys", "POST addKey"});
    }

    TEST_CASE("throttling means addKey did not happen: it is repeated without a check") {
        Fixture f;
        auto throttled = jsonResponse(
            429, R"({"error":{"code":"TooManyRequests","message":"Please retry again later."}})");
        throttled.headers.add("Retry-After", "2");
        f.transport->enqueue(throttled);
        f.transport->enqueue(jsonResponse(200, R"({"keyId":")" + std::string(kKeyId) + R"("})"));
        addTheKey(f);
        CHECK(methods(*f.transport) == std::vector<std::string>{"POST addKey", "POST addKey"});
        CHECK(f.fakeCall.totalWaitedMs() == 2000);
    }

    TEST_CASE("an application that may not read its keys gets the repeat as before") {
        Fixture f;
        f.transport->enqueueFailure(connectionLost());
        f.transport->enqueue(jsonResponse(
            403, R"({"error":{"code":"Authorization_RequestDenied","message":"Insufficient privileges."}})"));
        f.transport->enqueue(jsonResponse(200, R"({"keyId":")" + std::string(kKeyId) + R"("})"));
        addTheKey(f);
        CHECK(methods(*f.transport) == std::vector<std::string>{"POST addKey", "GET keys", "POST addKey"});
    }
}

TEST_SUITE("verify") {
    TEST_CASE("verification polls through replication until the roles are in the token") {
        Fixture f;
        auto transport = std::make_shared<m365test::ScriptedTransport>();
        transport->enqueue(jsonResponse(
            400,
            R"({"error":"unauthorized_client","error_description":"AADSTS700016: Application not found.",)"
            R"("error_codes":[700016]})"));
        transport->enqueue(tokenAnswer(R"("Files.Read.All")"));
        transport->enqueue(tokenAnswer(R"("Files.Read.All","Sites.Read.All")"));
        auto client = verifyClient(transport);
        verifyCredential(
            client, {{"graph", "https://graph.microsoft.com/.default", {"Files.Read.All", "Sites.Read.All"}}},
            std::chrono::seconds(60), f.progress);
        CHECK(transport->requestCount() == 3);
        // Two waits of the retry policy: jittered backoff from 250 ms (at least half of it each time).
        CHECK(f.fakeCall.totalWaitedMs() >= 125 + 250);
        CHECK(f.fakeCall.totalWaitedMs() <= 250 + 500);
    }

    TEST_CASE("verification waits out a refusal whose body could not be read, like replication") {
        Fixture f;
        auto transport = std::make_shared<m365test::ScriptedTransport>();
        HttpResponse garbled;
        garbled.status = 401;
        garbled.body = "{\"error\":{\"code\":\"Injected\",\"message\":<malformed"; // cut or garbled
        transport->enqueue(garbled);
        transport->enqueue(tokenAnswer(R"("Files.Read.All")"));
        auto client = verifyClient(transport);
        verifyCredential(client, {{"graph", "https://graph.microsoft.com/.default", {"Files.Read.All"}}},
                         std::chrono::seconds(60), f.progress);
        CHECK(transport->requestCount() == 2);
    }

    TEST_CASE("verification stops at its budget and names what is missing") {
        Fixture f;
        auto transport = std::make_shared<m365test::ScriptedTransport>();
        transport->setHandler([](const HttpRequest&) { return tokenAnswer(R"("Files.Read.All")"); });
        auto client = verifyClient(transport);
        try {
            verifyCredential(
                client,
                {{"graph", "https://graph.microsoft.com/.default", {"Files.Read.All", "Sites.Read.All"}}},
                std::chrono::seconds(20), f.progress);
            FAIL("expected verify.roles_missing");
        } catch (const wp::Error& e) {
            CHECK(e.status() == WP_E_TIMEOUT);
            CHECK(e.code() == "verify.roles_missing");
            CHECK(std::string(e.what()).find("Sites.Read.All (graph)") != std::string::npos);
        }
        CHECK(f.fakeCall.totalWaitedMs() <= 20'000);
        CHECK(f.fakeCall.totalWaitedMs() >= 20'000 - 8'000); // waited nearly the whole budget
    }

    TEST_CASE("a cancel during the verification wait ends it as cancelled") {
        Fixture f;
        auto transport = std::make_shared<m365test::ScriptedTransport>();
        transport->setHandler([](const HttpRequest&) { return tokenAnswer(R"("Files.Read.All")"); });
        auto client = verifyClient(transport);
        f.fakeCall.cancelOnWait(2);
        try {
            verifyCredential(
                client,
                {{"graph", "https://graph.microsoft.com/.default", {"Files.Read.All", "Sites.Read.All"}}},
                std::chrono::seconds(60), f.progress);
            FAIL("expected a cancel");
        } catch (const wp::Error& e) {
            CHECK(e.status() == WP_E_CANCELLED);
        }
    }
}
