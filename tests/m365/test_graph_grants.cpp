// Graph calls: throttling and replication retries, and the grants ($batch with per-grant handling).
#include "app_registration.h"
#include "graph_client.h"
#include "json_util.h"

#include "support/fake_call.h"
#include "support/scripted_transport.h"
#include "tenant_fakes.h"

#include <doctest/doctest.h>

#include <Poco/JSON/Parser.h>

using namespace m365;
using m365test::jsonResponse;

namespace {

const char* kDenied =
    R"({"error":{"code":"Authorization_RequestDenied","message":"Insufficient privileges to complete the operation."}})";
const char* kNotValidReference =
    R"({"error":{"code":"Request_BadRequest","message":"Not a valid reference update."}})";

struct Fixture {
    std::atomic<int64_t> clockMs{0};
    m365test::FakeCall fakeCall{true, &clockMs};
    wp::Call call = fakeCall.call();
    std::shared_ptr<m365test::ScriptedTransport> transport = std::make_shared<m365test::ScriptedTransport>();
    SecretBuffer token{"admin-token"};
    GraphClient graph{transport, "https://graph.test/v1.0", token, "run-id", &call};
    m365test::FakeHost host;
    Progress progress{host.host(), call};
};

std::vector<ResolvedPermission> twoPermissions() {
    ResolvedPermission mail{{"Mail.Read", "graph", "", "why", "", {}},
                            "00000003-0000-0000-c000-000000000000",
                            "graph-sp",
                            "810c84a8-4a9e-49e6-bf7d-12d183f40d01"};
    ResolvedPermission sites{{"Sites.Read.All", "sharepoint", "", "why", "", {}},
                             "00000003-0000-0ff1-ce00-000000000000",
                             "spo-sp",
                             "d13f72ca-a275-4b96-b789-48ebcc4da984"};
    return {mail, sites};
}

Poco::JSON::Object::Ptr parse(const std::string& body) {
    Poco::JSON::Parser parser;
    return parser.parse(body).extract<Poco::JSON::Object::Ptr>();
}

} // namespace

TEST_SUITE("graph client") {
    TEST_CASE("throttling is retried after Retry-After and the bearer token and client-request-id are sent") {
        Fixture f;
        auto throttled = jsonResponse(
            429, R"({"error":{"code":"TooManyRequests","message":"Please retry again later."}})");
        throttled.headers.add("Retry-After", "1.5");
        f.transport->enqueue(throttled);
        f.transport->enqueue(jsonResponse(200, R"({"value":[]})"));
        auto result = f.graph.get("/organization");
        CHECK(result.status == 200);
        CHECK(f.fakeCall.totalWaitedMs() == 1500);
        auto requests = f.transport->requests();
        REQUIRE(requests.size() == 2);
        CHECK(requests[0].headers.value("Authorization") == "Bearer admin-token");
        CHECK(requests[0].headers.value("client-request-id") == "run-id");
    }

    TEST_CASE("a permission error is not retried and keeps Graph's code") {
        Fixture f;
        f.transport->enqueue(jsonResponse(403, kDenied));
        try {
            f.graph.post("/applications", new Poco::JSON::Object);
            FAIL("expected an error");
        } catch (const ServiceError& e) {
            CHECK(e.code() == "graph.Authorization_RequestDenied");
            CHECK(e.status() == WP_E_PERMISSION_DENIED);
        }
        CHECK(f.transport->requestCount() == 1);
    }

    TEST_CASE("replication errors are retried only where asked within the budget") {
        Fixture f;
        f.transport->enqueue(jsonResponse(400, kNotValidReference));
        CHECK_THROWS_AS(f.graph.post("/x", new Poco::JSON::Object), ServiceError);
        f.transport->enqueue(jsonResponse(400, kNotValidReference));
        f.transport->enqueue(jsonResponse(201, R"({"id":"sp-1"})"));
        auto result = f.graph.post("/servicePrincipals", new Poco::JSON::Object,
                                   {RetryOn::Replication, std::chrono::seconds(30)});
        CHECK(json::str(result.body, "id") == "sp-1");
        f.transport->setHandler([](const HttpRequest&) {
            return jsonResponse(404, R"({"error":{"code":"Request_ResourceNotFound","message":"gone"}})");
        });
        CHECK_THROWS_AS(
            f.graph.post("/y", new Poco::JSON::Object, {RetryOn::Replication, std::chrono::seconds(5)}),
            ServiceError);
        CHECK(f.fakeCall.totalWaitedMs() <= 5000 + 2000);
    }

    TEST_CASE("DELETE of a missing object counts as done when asked") {
        Fixture f;
        f.transport->enqueue(
            jsonResponse(404, R"({"error":{"code":"Request_ResourceNotFound","message":"x"}})"));
        CHECK(f.graph.remove("/applications/1", true).status == 404);
    }

    TEST_CASE("query parameters are percent-encoded") {
        auto path =
            withQuery("/servicePrincipals", {{"$filter", "appId eq 'a b'"}, {"$select", "id,appRoles"}});
        CHECK(path == "/servicePrincipals?$filter=appId%20eq%20%27a%20b%27&$select=id%2CappRoles");
        CHECK(odataQuote("o'brien") == "'o''brien'");
    }
}

TEST_SUITE("grants") {
    TEST_CASE("a $batch grants every role and a grant hit by replication is retried alone") {
        Fixture f;
        int batches = 0;
        f.transport->setHandler([&](const HttpRequest& request) {
            REQUIRE(request.url == "https://graph.test/v1.0/$batch");
            auto requests = parse(request.body)->getArray("requests");
            ++batches;
            std::string responses;
            for (unsigned i = 0; i < requests->size(); ++i) {
                auto inner = requests->getObject(i);
                auto id = inner->getValue<std::string>("id");
                bool sharepoint = inner->getValue<std::string>("url").find("spo-sp") != std::string::npos;
                std::string response =
                    batches == 1 && sharepoint
                        ? R"({"id":")" + id +
                              R"(","status":404,"body":{"error":{"code":"Request_ResourceNotFound","message":"Resource does not exist"}}})"
                        : R"({"id":")" + id + R"(","status":201,"body":{"id":"assignment-)" + id + R"("}})";
                responses += (responses.empty() ? "" : ",") + response;
            }
            return jsonResponse(200, R"({"responses":[)" + responses + "]}");
        });
        auto permissions = twoPermissions();
        auto grants = grantPermissions(f.graph, "our-sp", permissions, std::chrono::seconds(30), f.progress);
        CHECK(batches == 2);
        REQUIRE(grants.size() == 2);
        CHECK(grants[0].assignmentId == "assignment-0");
        CHECK(grants[1].assignmentId == "assignment-1");
        auto second = parse(f.transport->requests()[1].body)->getArray("requests");
        CHECK(second->size() == 1);
    }

    TEST_CASE("a grant refused for good fails naming the permission") {
        Fixture f;
        f.transport->setHandler([&](const HttpRequest& request) {
            auto requests = parse(request.body)->getArray("requests");
            std::string responses;
            for (unsigned i = 0; i < requests->size(); ++i) {
                auto id = requests->getObject(i)->getValue<std::string>("id");
                responses += (responses.empty() ? "" : ",") +
                             (id == "1" ? R"({"id":"1","status":403,"body":)" + std::string(kDenied) + "}"
                                        : R"({"id":")" + id + R"(","status":201,"body":{"id":"a"}})");
            }
            return jsonResponse(200, R"({"responses":[)" + responses + "]}");
        });
        auto permissions = twoPermissions();
        CHECK_THROWS_WITH_AS(
            grantPermissions(f.graph, "our-sp", permissions, std::chrono::seconds(30), f.progress),
            doctest::Contains("Sites.Read.All"), ServiceError);
    }

    TEST_CASE("without $batch single requests and an existing grant counts as granted") {
        Fixture f;
        f.transport->setHandler([&](const HttpRequest& request) {
            if (request.url.find("$batch") != std::string::npos)
                return jsonResponse(404, R"({"error":{"code":"NotFound","message":"no batch here"}})");
            if (request.url.find("spo-sp") != std::string::npos)
                return jsonResponse(
                    400,
                    R"({"error":{"code":"Request_BadRequest","message":"Permission being assigned already exists on the object"}})");
            auto body = parse(request.body);
            CHECK(body->getValue<std::string>("principalId") == "our-sp");
            CHECK(body->getValue<std::string>("resourceId") == "graph-sp");
            return jsonResponse(201, R"({"id":"single"})");
        });
        auto permissions = twoPermissions();
        auto grants = grantPermissions(f.graph, "our-sp", permissions, std::chrono::seconds(30), f.progress);
        CHECK(grants[0].assignmentId == "single");
        CHECK(f.transport->requestCount() == 3);
    }
}
