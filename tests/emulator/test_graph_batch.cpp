// POST /v1.0/$batch: inner requests through the same router, dependsOn with 424, request validation.
#include "faults.h"
#include "test_graph_support.h"

#include <doctest/doctest.h>

using namespace emu;
using namespace emu::testing;
using nlohmann::json;

namespace {

constexpr const char* kUserReadAll = "df021288-bdef-4463-88db-98f22de89214";
constexpr const char* kGroupReadAll = "5b567255-7703-4780-807c-7be8301ae99b";

json grantRequest(const std::string& id, const std::string& resourceId, const std::string& principalId,
                  const std::string& appRoleId) {
    return {{"id", id},
            {"method", "POST"},
            {"url", "/servicePrincipals/" + resourceId + "/appRoleAssignedTo"},
            {"headers", {{"Content-Type", "application/json"}}},
            {"body", {{"principalId", principalId}, {"resourceId", resourceId}, {"appRoleId", appRoleId}}}};
}

json responseById(const json& batch, const std::string& id) {
    for (const auto& response : batch["responses"])
        if (response["id"] == id)
            return response;
    return nullptr;
}

} // namespace

TEST_CASE(
    "$batch runs inner requests through the same handlers and answers each with id/status/headers/body") {
    GraphHarness graph;
    auto app = graph.createApplication("batched");
    std::string principalId = graph.createServicePrincipal(app["appId"])["id"];
    std::string graphSp = graph.resourceServicePrincipalId(kGraphAppId);
    json requests = json::array({grantRequest("1", graphSp, principalId, kUserReadAll),
                                 grantRequest("2", graphSp, principalId, kGroupReadAll),
                                 {{"id", "3"}, {"method", "GET"}, {"url", "organization?$select=id"}},
                                 {{"id", "4"}, {"method", "GET"}, {"url", "/applications/" + newGuid()}}});
    auto response = graph.call("POST", "/v1.0/$batch", graph.userToken(kAdmin), json{{"requests", requests}});
    REQUIRE(response.status == 200);
    auto batch = GraphHarness::json(response);
    REQUIRE(batch["responses"].size() == 4);
    auto first = responseById(batch, "1");
    CHECK(first["status"] == 201);
    CHECK(first["body"]["appRoleId"] == kUserReadAll);
    CHECK(first["headers"].contains("Content-Type"));
    CHECK(responseById(batch, "2")["status"] == 201);
    CHECK(responseById(batch, "3")["body"]["value"][0]["id"] == graph.tenantId);
    auto missing = responseById(batch, "4");
    CHECK(missing["status"] == 404);
    CHECK(missing["body"]["error"]["code"] == "Request_ResourceNotFound");
    CHECK(graph.directory.lock()->appRoleAssignments.size() == 2);
    // Inner requests are counted like direct ones.
    CHECK(graph.router.stats().snapshot()["POST /v1.0/servicePrincipals/{id}/appRoleAssignedTo"] == 2);
}

TEST_CASE("$batch inner requests are authorized with the outer token") {
    GraphHarness graph;
    auto app = graph.createApplication("batched");
    std::string principalId = graph.createServicePrincipal(app["appId"])["id"];
    std::string graphSp = graph.resourceServicePrincipalId(kGraphAppId);
    auto response = graph.call("POST", "/v1.0/$batch", graph.userToken(kAppAdmin),
                               json{{"requests", {grantRequest("1", graphSp, principalId, kUserReadAll)}}});
    REQUIRE(response.status == 200);
    CHECK(responseById(GraphHarness::json(response), "1")["status"] == 403);
    CHECK(graph.call("POST", "/v1.0/$batch", "", json{{"requests", json::array()}}).status == 401);
}

TEST_CASE("$batch dependsOn: a request whose dependency failed gets 424") {
    GraphHarness graph;
    auto app = graph.createApplication("batched");
    std::string principalId = graph.createServicePrincipal(app["appId"])["id"];
    std::string graphSp = graph.resourceServicePrincipalId(kGraphAppId);
    auto token = graph.userToken(kAdmin);
    REQUIRE(
        graph
            .call("POST", "/v1.0/servicePrincipals/" + graphSp + "/appRoleAssignedTo", token,
                  json{{"principalId", principalId}, {"resourceId", graphSp}, {"appRoleId", kUserReadAll}})
            .status == 201);

    auto second = grantRequest("b", graphSp, principalId, kGroupReadAll);
    second["dependsOn"] = {"a"};
    auto third = json{{"id", "c"}, {"method", "GET"}, {"url", "/organization"}, {"dependsOn", {"b"}}};
    // Listed out of order on purpose: execution follows dependsOn.
    json requests = json::array({third, second, grantRequest("a", graphSp, principalId, kUserReadAll)});
    auto response = graph.call("POST", "/v1.0/$batch", token, json{{"requests", requests}});
    REQUIRE(response.status == 200);
    auto batch = GraphHarness::json(response);
    CHECK(responseById(batch, "a")["status"] == 400); // duplicate grant
    CHECK(responseById(batch, "b")["status"] == 424);
    CHECK(responseById(batch, "c")["status"] == 424);
    CHECK(batch["responses"][0]["id"] == "a");
    CHECK(graph.directory.lock()->appRoleAssignments.size() == 1); // b never ran
}

TEST_CASE("$batch refuses malformed batches with 400") {
    GraphHarness graph;
    auto token = graph.userToken(kAdmin);
    auto get = [](const std::string& id) {
        return json{{"id", id}, {"method", "GET"}, {"url", "/organization"}};
    };
    auto post = [&](const json& body) { return graph.call("POST", "/v1.0/$batch", token, body); };

    json twenty = json::array(), twentyOne = json::array();
    for (int i = 1; i <= 21; ++i) {
        if (i <= 20)
            twenty.push_back(get(std::to_string(i)));
        twentyOne.push_back(get(std::to_string(i)));
    }
    CHECK(post(json{{"requests", twenty}}).status == 200);
    auto tooMany = post(json{{"requests", twentyOne}});
    CHECK(tooMany.status == 400);
    CHECK(GraphHarness::errorCode(tooMany) == "BadRequest");

    CHECK(post(json{{"requests", {get("1"), get("1")}}}).status == 400);
    CHECK(post(json{{"requests", {get("x"), get("X")}}}).status == 400); // ids are not case-sensitive
    CHECK(post(json{{"value", json::array()}}).status == 400);
    CHECK(post(json{{"requests",
                     {{{"id", "1"},
                       {"method", "GET"},
                       {"url", "https://graph.microsoft.com/v1.0/organization"}}}}})
              .status == 400);
    json noContentType = {
        {"id", "1"}, {"method", "POST"}, {"url", "/applications"}, {"body", {{"displayName", "x"}}}};
    CHECK(post(json{{"requests", {noContentType}}}).status == 400);
    json unknownDependency = get("1");
    unknownDependency["dependsOn"] = {"9"};
    CHECK(post(json{{"requests", {unknownDependency}}}).status == 400);
    json cycleA = get("a"), cycleB = get("b");
    cycleA["dependsOn"] = {"b"};
    cycleB["dependsOn"] = {"a"};
    CHECK(post(json{{"requests", {cycleA, cycleB}}}).status == 400);
    CHECK(graph.directory.lock()->applications.empty());
}

TEST_CASE("$batch inner requests meet fault rules individually (inner 429 with its Retry-After)") {
    GraphHarness graph;
    FaultInjector faults;
    graph.context.faults = &faults;
    Fault throttle;
    throttle.method = "GET";
    throttle.path = "/v1.0/organization";
    throttle.status = 429;
    throttle.retryAfter = "1.5";
    faults.add(throttle);
    auto get = [](const std::string& id) { return json{{"id", id}, {"method", "GET"}, {"url", "/organization"}}; };
    auto second = get("2");
    second["dependsOn"] = {"1"};
    auto response = graph.call("POST", "/v1.0/$batch", graph.userToken(kAdmin), json{{"requests", {get("1"), second}}});
    REQUIRE(response.status == 200);
    auto batch = GraphHarness::json(response);
    auto throttled = responseById(batch, "1");
    CHECK(throttled["status"] == 429);
    CHECK(throttled["headers"]["Retry-After"] == "1.5");
    CHECK(throttled["body"]["error"]["code"] == "TooManyRequests");
    CHECK(responseById(batch, "2")["status"] == 424);
    // The rule was used up: the next batch succeeds.
    auto again = graph.call("POST", "/v1.0/$batch", graph.userToken(kAdmin), json{{"requests", {get("1")}}});
    CHECK(responseById(GraphHarness::json(again), "1")["status"] == 200);
}
