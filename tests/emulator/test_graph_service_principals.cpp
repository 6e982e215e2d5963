// Graph /v1.0/servicePrincipals and /v1.0/organization.
#include "test_graph_support.h"

#include <doctest/doctest.h>

using namespace emu;
using namespace emu::testing;
using nlohmann::json;

TEST_CASE("POST /servicePrincipals fails while the application is not replicated, then succeeds") {
    GraphHarness graph;
    graph.directory.setReplicationDelay(std::chrono::milliseconds(30000));
    auto app = graph.createApplication("replicating");
    std::string appId = app["appId"];
    auto token = graph.userToken(kAdmin);

    auto early = graph.call("POST", "/v1.0/servicePrincipals", token, json{{"appId", appId}});
    CHECK(early.status == 400);
    CHECK(GraphHarness::errorCode(early) == "Request_BadRequest");
    CHECK(GraphHarness::json(early)["error"]["message"] ==
          "The appId '" + appId +
              "' of the service principal does not reference a valid application object.");

    graph.advance(std::chrono::seconds(31));
    auto created = graph.call("POST", "/v1.0/servicePrincipals", token, json{{"appId", appId}});
    REQUIRE(created.status == 201);
    auto body = GraphHarness::json(created);
    CHECK(isGuid(body["id"].get<std::string>()));
    CHECK(body["id"] != app["id"]);
    CHECK(body["appId"] == appId);
    CHECK(body["displayName"] == "replicating");
    CHECK(body["appOwnerOrganizationId"] == graph.tenantId);
    CHECK(body["servicePrincipalType"] == "Application");

    auto again = graph.call("POST", "/v1.0/servicePrincipals", token, json{{"appId", appId}});
    CHECK(again.status == 409);
    auto unknown = graph.call("POST", "/v1.0/servicePrincipals", token, json{{"appId", newGuid()}});
    CHECK(unknown.status == 400);
    CHECK(graph.call("POST", "/v1.0/servicePrincipals", token, json::object()).status == 400);
}

TEST_CASE(
    "service principals are found by id, by $filter=appId and by the appId alternate key with appRoles") {
    GraphHarness graph;
    auto token = graph.userToken(kUser, "Application.Read.All");
    auto byAltKey = graph.call("GET",
                               "/v1.0/servicePrincipals(appId='00000003-0000-0000-c000-000000000000')"
                               "?$select=id,appId,displayName,appRoles",
                               token);
    REQUIRE(byAltKey.status == 200);
    auto graphSp = GraphHarness::json(byAltKey);
    CHECK(graphSp["displayName"] == "Microsoft Graph");
    CHECK_FALSE(graphSp.contains("servicePrincipalNames"));
    bool hasUserReadAll = false;
    for (const auto& role : graphSp["appRoles"])
        hasUserReadAll |=
            role["value"] == "User.Read.All" && role["id"] == "df021288-bdef-4463-88db-98f22de89214";
    CHECK(hasUserReadAll);

    auto byId = graph.call("GET", "/v1.0/servicePrincipals/" + graphSp["id"].get<std::string>(), token);
    CHECK(byId.status == 200);
    CHECK(GraphHarness::json(byId)["appOwnerOrganizationId"] == "f8cdef31-a31e-4b4a-93e4-5f571e91255a");

    auto filtered = graph.call(
        "GET", "/v1.0/servicePrincipals?$filter=appId eq '00000002-0000-0ff1-ce00-000000000000'", token);
    REQUIRE(filtered.status == 200);
    REQUIRE(GraphHarness::json(filtered)["value"].size() == 1);
    CHECK(GraphHarness::json(filtered)["value"][0]["displayName"] == "Office 365 Exchange Online");

    auto none = graph.call("GET", "/v1.0/servicePrincipals?$filter=appId eq '" + newGuid() + "'", token);
    CHECK(GraphHarness::json(none)["value"].empty());
    CHECK(graph.call("GET", "/v1.0/servicePrincipals(appId='" + newGuid() + "')", token).status == 404);
    CHECK(graph.call("GET", "/v1.0/servicePrincipals/" + newGuid(), token).status == 404);
}

TEST_CASE("DELETE /servicePrincipals/{id} needs an application administrator and removes its assignments") {
    GraphHarness graph;
    auto app = graph.createApplication("sp delete");
    auto sp = graph.createServicePrincipal(app["appId"]);
    std::string id = sp["id"];
    std::string exchange = graph.resourceServicePrincipalId(kExchangeAppId);
    REQUIRE(graph
                .call("POST", "/v1.0/servicePrincipals/" + exchange + "/appRoleAssignedTo",
                      graph.userToken(kAdmin),
                      json{{"principalId", id},
                           {"resourceId", exchange},
                           {"appRoleId", "dc890d15-9560-4a4c-9b7f-a736ec74ec40"}})
                .status == 201);

    CHECK(graph.call("DELETE", "/v1.0/servicePrincipals/" + id, graph.userToken(kUser)).status == 403);
    CHECK(graph.call("DELETE", "/v1.0/servicePrincipals/" + id, graph.userToken(kAppAdmin)).status == 204);
    CHECK(graph.call("DELETE", "/v1.0/servicePrincipals/" + id, graph.userToken(kAppAdmin)).status == 404);
    auto state = graph.directory.lock();
    CHECK(state->appRoleAssignments.empty());
    CHECK(state->findApplication(app["id"].get<std::string>()) != nullptr); // the application stays
}

TEST_CASE("GET /organization returns the caller's tenant with its verified domains") {
    GraphHarness graph;
    auto response = graph.call("GET", "/v1.0/organization?$select=id,displayName,verifiedDomains",
                               graph.userToken(kUser, "User.Read"));
    REQUIRE(response.status == 200);
    auto organization = GraphHarness::json(response)["value"][0];
    CHECK(organization["id"] == graph.tenantId);
    CHECK(organization.contains("displayName"));
    CHECK_FALSE(organization.contains("tenantType"));
    auto domain = organization["verifiedDomains"][0];
    CHECK(domain["name"] == "contoso.onmicrosoft.com");
    CHECK(domain["isInitial"] == true);
    CHECK(domain["isDefault"] == true);
    CHECK(domain["type"] == "Managed");
    CHECK(domain.contains("capabilities"));

    CHECK(graph.call("GET", "/v1.0/organization/" + graph.tenantId, graph.userToken(kUser, "User.Read"))
              .status == 200);
    CHECK(graph.call("GET", "/v1.0/organization", graph.userToken(kUser, "Mail.Read")).status == 403);
    CHECK(graph.call("GET", "/v1.0/organization", graph.appToken(newGuid(), {"Organization.Read.All"}))
              .status == 200);
    CHECK(graph.call("GET", "/v1.0/organization", graph.appToken(newGuid())).status == 403);
}

TEST_CASE("directory roles for a service principal: PRA or GA with RoleManagement.ReadWrite.Directory") {
    GraphHarness graph;
    auto app = graph.createApplication("exchange admin app");
    std::string principalId = graph.createServicePrincipal(app["appId"])["id"];
    const std::string globalReader(roles::kGlobalReader);
    json body{{"principalId", principalId}, {"roleDefinitionId", globalReader}, {"directoryScopeId", "/"}};
    const std::string url = "/v1.0/roleManagement/directory/roleAssignments";
    const std::string scopes = "RoleManagement.ReadWrite.Directory";

    CHECK(graph.call("POST", url, graph.userToken(kAppAdmin, scopes), body).status == 403);
    CHECK(graph.call("POST", url, graph.userToken(kPra, "Application.ReadWrite.All"), body).status == 403);
    auto created = graph.call("POST", url, graph.userToken(kPra, scopes), body);
    REQUIRE(created.status == 201);
    std::string id = GraphHarness::json(created)["id"];
    CHECK(GraphHarness::json(created)["roleDefinitionId"] == globalReader);
    auto duplicate = graph.call("POST", url, graph.userToken(kAdmin, scopes), body);
    CHECK(duplicate.status == 400);
    body["principalId"] = newGuid();
    CHECK(graph.call("POST", url, graph.userToken(kAdmin, scopes), body).status == 404);

    auto listed = graph.call("GET", url + "?$filter=principalId eq '" + principalId + "'",
                             graph.userToken(kPra, scopes));
    REQUIRE(listed.status == 200);
    CHECK(GraphHarness::json(listed)["value"].size() == 1);
    CHECK(graph.call("GET", url + "/" + id, graph.userToken(kUser, "Directory.Read.All")).status == 200);
    CHECK(graph.call("DELETE", url + "/" + id, graph.userToken(kAppAdmin, scopes)).status == 403);
    CHECK(graph.call("DELETE", url + "/" + id, graph.userToken(kAdmin, scopes)).status == 204);
    CHECK(graph.directory.lock()->directoryRoleAssignments.empty());
}
