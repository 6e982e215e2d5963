// App role assignments: shapes, authorization by directory role per resource, replication, duplicates.
#include "test_graph_support.h"

#include <doctest/doctest.h>

using namespace emu;
using namespace emu::testing;
using nlohmann::json;

namespace {

constexpr const char* kUserReadAll = "df021288-bdef-4463-88db-98f22de89214";      // Microsoft Graph
constexpr const char* kFullAccessAsApp = "dc890d15-9560-4a4c-9b7f-a736ec74ec40";  // Exchange Online
constexpr const char* kSitesFullControl = "678536fe-1083-478a-9c59-b99265e6b0d3"; // SharePoint Online

struct GrantFixture {
    GraphHarness graph;
    std::string principalId, graphSp, exchangeSp, sharePointSp;

    GrantFixture() {
        auto app = graph.createApplication("backup");
        principalId = graph.createServicePrincipal(app["appId"])["id"];
        graphSp = graph.resourceServicePrincipalId(kGraphAppId);
        exchangeSp = graph.resourceServicePrincipalId(kExchangeAppId);
        sharePointSp = graph.resourceServicePrincipalId(kSharePointAppId);
    }
    Response grant(const std::string& token, const std::string& resourceId, const std::string& appRoleId) {
        return graph.call(
            "POST", "/v1.0/servicePrincipals/" + resourceId + "/appRoleAssignedTo", token,
            json{{"principalId", principalId}, {"resourceId", resourceId}, {"appRoleId", appRoleId}});
    }
};

} // namespace

TEST_CASE("granting a Microsoft Graph app role returns 201 with the assignment") {
    GrantFixture f;
    auto response = f.grant(f.graph.userToken(kAdmin), f.graphSp, kUserReadAll);
    REQUIRE(response.status == 201);
    auto body = GraphHarness::json(response);
    CHECK(body["id"].get<std::string>().size() == 43);
    CHECK(body["appRoleId"] == kUserReadAll);
    CHECK(body["principalId"] == f.principalId);
    CHECK(body["principalType"] == "ServicePrincipal");
    CHECK(body["principalDisplayName"] == "backup");
    CHECK(body["resourceId"] == f.graphSp);
    CHECK(body["resourceDisplayName"] == "Microsoft Graph");
    CHECK(parseIso8601(body["createdDateTime"].get<std::string>()).has_value());
}

TEST_CASE(
    "who may grant: Graph roles need GA or PRA - Exchange and SharePoint roles also allow Cloud App Admin") {
    GrantFixture f;
    CHECK(f.grant(f.graph.userToken(kPra), f.graphSp, kUserReadAll).status == 201);

    auto cloudAppAdmin =
        f.grant(f.graph.userToken(kAppAdmin), f.graphSp, "7ab1d382-f21e-4acd-a863-ba3e13f7da61");
    CHECK(cloudAppAdmin.status == 403);
    CHECK(GraphHarness::errorCode(cloudAppAdmin) == "Authorization_RequestDenied");
    CHECK(f.grant(f.graph.userToken(kAppAdmin), f.exchangeSp, kFullAccessAsApp).status == 201);
    CHECK(f.grant(f.graph.userToken(kAppAdmin), f.sharePointSp, kSitesFullControl).status == 201);

    CHECK(f.grant(f.graph.userToken(kUser), f.exchangeSp, "dc50a0fb-09a3-484d-be87-e023b12c6440").status ==
          403);
    // The Global Administrator needs AppRoleAssignment.ReadWrite.All in the token.
    CHECK(f.grant(f.graph.userToken(kAdmin, "Application.ReadWrite.All"), f.graphSp,
                  "5b567255-7703-4780-807c-7be8301ae99b")
              .status == 403);
    // App-only: the AppRoleAssignment.ReadWrite.All app role.
    CHECK(f.grant(f.graph.appToken(newGuid(), {"AppRoleAssignment.ReadWrite.All"}), f.graphSp,
                  "5b567255-7703-4780-807c-7be8301ae99b")
              .status == 201);

    auto state = f.graph.directory.lock();
    CHECK(state->appRoleAssignments.size() == 4);
}

TEST_CASE("a duplicate grant fails as Graph does - unknown roles and resources are refused") {
    GrantFixture f;
    auto token = f.graph.userToken(kAdmin);
    REQUIRE(f.grant(token, f.graphSp, kUserReadAll).status == 201);
    auto duplicate = f.grant(token, f.graphSp, kUserReadAll);
    CHECK(duplicate.status == 400);
    CHECK(GraphHarness::errorCode(duplicate) == "Request_BadRequest");
    CHECK(GraphHarness::json(duplicate)["error"]["message"] ==
          "Permission being assigned already exists on the object.");

    auto unknownRole = f.grant(token, f.graphSp, newGuid());
    CHECK(unknownRole.status == 400);
    // Exchange's role id on the Graph resource is not a Graph role.
    CHECK(f.grant(token, f.graphSp, kFullAccessAsApp).status == 400);
    std::string missing = newGuid();
    auto unknownResource = f.graph.call(
        "POST", "/v1.0/servicePrincipals/" + missing + "/appRoleAssignedTo", token,
        json{{"principalId", f.principalId}, {"resourceId", missing}, {"appRoleId", kUserReadAll}});
    CHECK(unknownResource.status == 404);
    auto mismatched = f.graph.call(
        "POST", "/v1.0/servicePrincipals/" + f.exchangeSp + "/appRoleAssignedTo", token,
        json{{"principalId", f.principalId}, {"resourceId", f.graphSp}, {"appRoleId", kUserReadAll}});
    CHECK(mismatched.status == 400);
    CHECK(f.graph.directory.lock()->appRoleAssignments.size() == 1);
}

TEST_CASE("a grant to a principal that is not yet replicated fails with 404, then 400, then succeeds") {
    GraphHarness graph;
    graph.directory.setReplicationDelay(std::chrono::milliseconds(60000));
    auto app = graph.createApplication("fresh");
    graph.advance(std::chrono::seconds(61)); // the application replicated, so its principal can be created
    std::string principalId = graph.createServicePrincipal(app["appId"])["id"];
    std::string graphSp = graph.resourceServicePrincipalId(kGraphAppId);
    auto token = graph.userToken(kAdmin);
    auto grant = [&] {
        return graph.call(
            "POST", "/v1.0/servicePrincipals/" + graphSp + "/appRoleAssignedTo", token,
            json{{"principalId", principalId}, {"resourceId", graphSp}, {"appRoleId", kUserReadAll}});
    };

    auto first = grant();
    CHECK(first.status == 404);
    CHECK(GraphHarness::errorCode(first) == "Request_ResourceNotFound");
    CHECK(GraphHarness::json(first)["error"]["message"] ==
          "Resource '" + principalId +
              "' does not exist or one of its queried reference-property objects are not present.");

    graph.advance(std::chrono::seconds(40));
    auto second = grant();
    CHECK(second.status == 400);
    CHECK(GraphHarness::json(second)["error"]["message"] == "Not a valid reference update.");

    graph.advance(std::chrono::seconds(21));
    auto third = grant();
    REQUIRE(third.status == 201);
    // The new assignment itself replicates to the token endpoint later.
    auto state = graph.directory.lock();
    const auto& assignment = state->appRoleAssignments.at(GraphHarness::json(third)["id"].get<std::string>());
    CHECK_FALSE(graph.directory.isVisible(assignment.visibleAt));
}

TEST_CASE("assignments are listed from both sides and revoked by id") {
    GrantFixture f;
    auto token = f.graph.userToken(kAdmin);
    std::string assignmentId = GraphHarness::json(f.grant(token, f.graphSp, kUserReadAll))["id"];
    REQUIRE(f.grant(token, f.exchangeSp, kFullAccessAsApp).status == 201);

    auto resourceView =
        f.graph.call("GET", "/v1.0/servicePrincipals/" + f.graphSp + "/appRoleAssignedTo", token);
    REQUIRE(resourceView.status == 200);
    CHECK(GraphHarness::json(resourceView)["value"].size() == 1);
    auto principalView =
        f.graph.call("GET", "/v1.0/servicePrincipals/" + f.principalId + "/appRoleAssignments", token);
    REQUIRE(principalView.status == 200);
    CHECK(GraphHarness::json(principalView)["value"].size() == 2);

    // Revoking is authorized like granting: a Cloud Application Administrator may not revoke Graph roles.
    std::string url = "/v1.0/servicePrincipals/" + f.graphSp + "/appRoleAssignedTo/" + assignmentId;
    CHECK(f.graph.call("DELETE", url, f.graph.userToken(kAppAdmin)).status == 403);
    CHECK(f.graph
              .call("DELETE",
                    "/v1.0/servicePrincipals/" + f.exchangeSp + "/appRoleAssignedTo/" + assignmentId, token)
              .status == 404);
    CHECK(f.graph.call("DELETE", url, token).status == 204);
    CHECK(f.graph.call("DELETE", url, token).status == 404);
    CHECK(f.graph.directory.lock()->appRoleAssignments.size() == 1);
}
