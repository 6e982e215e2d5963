// Graph /v1.0/applications: shapes, keyCredential validation, PATCH replace semantics, cascade delete,
// authentication and authorization by directory role.
#include "test_graph_support.h"

#include <doctest/doctest.h>

using namespace emu;
using namespace emu::testing;
using nlohmann::json;

namespace {

json certificateCredential(const TestCertificate& certificate) {
    return {{"type", "AsymmetricX509Cert"},
            {"usage", "Verify"},
            {"key", certificate.base64()},
            {"displayName", "CN=backup"}};
}

} // namespace

TEST_CASE("POST /applications returns 201 with object id, appId and the key credential without its key") {
    GraphHarness graph;
    auto certificate = makeCertificate("backup");
    auto response = graph.call(
        "POST", "/v1.0/applications", graph.userToken(kAdmin),
        json{{"displayName", "Contoso Backup"},
             {"signInAudience", "AzureADMyOrg"},
             {"requiredResourceAccess",
              {{{"resourceAppId", "00000003-0000-0000-c000-000000000000"},
                {"resourceAccess", {{{"id", "df021288-bdef-4463-88db-98f22de89214"}, {"type", "Role"}}}}}}},
             {"keyCredentials", {certificateCredential(certificate)}}});
    REQUIRE(response.status == 201);
    auto body = GraphHarness::json(response);
    CHECK(isGuid(body["id"].get<std::string>()));
    CHECK(isGuid(body["appId"].get<std::string>()));
    CHECK(body["id"] != body["appId"]);
    CHECK(body["displayName"] == "Contoso Backup");
    CHECK(body["signInAudience"] == "AzureADMyOrg");
    CHECK(body["requiredResourceAccess"][0]["resourceAccess"][0]["type"] == "Role");
    auto key = body["keyCredentials"][0];
    CHECK(key["key"].is_null());
    CHECK(isGuid(key["keyId"].get<std::string>()));
    CHECK(key["type"] == "AsymmetricX509Cert");
    CHECK(key["usage"] == "Verify");
    // customKeyIdentifier defaults to the SHA-1 thumbprint bytes, base64.
    CHECK(key["customKeyIdentifier"] == base64Encode(sha1(certificate.der)));
    CHECK(response.headers.count("Location") == 1);

    auto stored = graph.directory.lock()->findApplication(body["id"].get<std::string>());
    REQUIRE(stored != nullptr);
    CHECK(stored->keyCredentials.at(0).key == certificate.der);
}

TEST_CASE("POST /applications without displayName or with unknown properties is 400") {
    GraphHarness graph;
    auto missing = graph.call("POST", "/v1.0/applications", graph.userToken(kAdmin),
                              json{{"signInAudience", "AzureADMyOrg"}});
    CHECK(missing.status == 400);
    CHECK(GraphHarness::errorCode(missing) == "Request_BadRequest");
    auto unknown = graph.call("POST", "/v1.0/applications", graph.userToken(kAdmin),
                              json{{"displayName", "x"}, {"bogus", 1}});
    CHECK(unknown.status == 400);
    auto notJson = graph.call("POST", "/v1.0/applications", graph.userToken(kAdmin));
    CHECK(notJson.status == 400);
    CHECK(graph.directory.lock()->applications.empty());
}

TEST_CASE("keyCredentials are validated like Graph") {
    GraphHarness graph;
    auto token = graph.userToken(kAdmin);
    auto certificate = makeCertificate("backup", -300, 30L * 24 * 3600);
    auto post = [&](const json& credential) {
        return graph.call("POST", "/v1.0/applications", token,
                          json{{"displayName", "app"}, {"keyCredentials", {credential}}});
    };

    SUBCASE("base64url key is not Edm.Binary") {
        json credential = certificateCredential(certificate);
        std::string url = base64UrlEncode(certificate.der);
        REQUIRE(url !=
                certificate.base64()); // a DER certificate of this size always has '+' / '/' or padding
        credential["key"] = url;
        auto response = post(credential);
        CHECK(response.status == 400);
        CHECK(GraphHarness::json(response)["error"]["message"].get<std::string>().find(
                  "Cannot convert a primitive value to the expected type 'Edm.Binary'") == 0);
    }
    SUBCASE("a key that is no certificate") {
        json credential = certificateCredential(certificate);
        credential["key"] = base64Encode(toBytes("not a certificate"));
        CHECK(post(credential).status == 400);
    }
    SUBCASE("endDateTime after the certificate's notAfter") {
        json credential = certificateCredential(certificate);
        credential["endDateTime"] = formatIso8601(graph.clock.now() + std::chrono::hours(24 * 60));
        auto response = post(credential);
        CHECK(response.status == 400);
        CHECK(GraphHarness::errorCode(response) == "KeyCredentialsInvalidEndDate");
    }
    SUBCASE("endDateTime without UTC zone") {
        json credential = certificateCredential(certificate);
        credential["endDateTime"] = "2030-01-01T00:00:00";
        CHECK(GraphHarness::errorCode(post(credential)) == "KeyCredentialsInvalidEndDate");
    }
    SUBCASE("usage Sign") {
        json credential = certificateCredential(certificate);
        credential["usage"] = "Sign";
        auto response = post(credential);
        CHECK(response.status == 400);
        CHECK(GraphHarness::json(response)["error"]["message"].get<std::string>().find(
                  "Acceptable values are Sign, Verify") != std::string::npos);
    }
    SUBCASE("dates default to the certificate's validity") {
        auto response = post(certificateCredential(certificate));
        REQUIRE(response.status == 201);
        auto key = GraphHarness::json(response)["keyCredentials"][0];
        auto end = parseIso8601(key["endDateTime"].get<std::string>());
        REQUIRE(end);
        CHECK(*end > graph.clock.now() + std::chrono::hours(24 * 29));
        CHECK(*end <= graph.clock.now() + std::chrono::hours(24 * 31));
    }
}

TEST_CASE("GET by id, by $filter=appId and the key only with $select=keyCredentials on one object") {
    GraphHarness graph;
    auto certificate = makeCertificate("backup");
    auto created = graph.createApplication("filter me", json::array({certificateCredential(certificate)}));
    std::string id = created["id"], appId = created["appId"];
    graph.createApplication("another");
    auto token = graph.userToken(kUser, "Application.Read.All");

    auto byId = graph.call("GET", "/v1.0/applications/" + id, token);
    REQUIRE(byId.status == 200);
    CHECK(GraphHarness::json(byId)["appId"] == appId);
    CHECK(GraphHarness::json(byId)["keyCredentials"][0]["key"].is_null());

    auto selected = graph.call("GET", "/v1.0/applications/" + id + "?$select=keyCredentials", token);
    REQUIRE(selected.status == 200);
    CHECK(GraphHarness::json(selected)["keyCredentials"][0]["key"] == certificate.base64());
    CHECK_FALSE(GraphHarness::json(selected).contains("displayName"));

    auto filtered = graph.call(
        "GET", "/v1.0/applications?$filter=appId eq '" + appId + "'&$select=keyCredentials", token);
    REQUIRE(filtered.status == 200);
    auto values = GraphHarness::json(filtered)["value"];
    REQUIRE(values.size() == 1);
    CHECK(values[0]["keyCredentials"][0]["key"].is_null());

    auto missing = graph.call("GET", "/v1.0/applications/" + newGuid(), token);
    CHECK(missing.status == 404);
    CHECK(GraphHarness::errorCode(missing) == "Request_ResourceNotFound");
    auto error = GraphHarness::json(missing)["error"];
    CHECK(error["innerError"].contains("request-id"));
    CHECK(error["innerError"].contains("date"));

    auto unsupported = graph.call("GET", "/v1.0/applications?$filter=startswith(displayName,'a')", token);
    CHECK(unsupported.status == 400);
}

TEST_CASE("PATCH replaces the whole keyCredentials list and updates requiredResourceAccess") {
    GraphHarness graph;
    auto first = makeCertificate("first");
    auto second = makeCertificate("second");
    auto created = graph.createApplication("patch me", json::array({certificateCredential(first)}));
    std::string id = created["id"];
    std::string firstKeyId = created["keyCredentials"][0]["keyId"];
    auto token = graph.userToken(kAdmin);

    // Only the new certificate: the first one is gone afterwards (gotcha 6).
    auto replaced = graph.call("PATCH", "/v1.0/applications/" + id, token,
                               json{{"keyCredentials", {certificateCredential(second)}},
                                    {"requiredResourceAccess", json::array()},
                                    {"displayName", "renamed"}});
    CHECK(replaced.status == 204);
    CHECK(replaced.body.empty());
    {
        auto state = graph.directory.lock();
        const Application* application = state->findApplication(id);
        REQUIRE(application->keyCredentials.size() == 1);
        CHECK(application->keyCredentials[0].key == second.der);
        CHECK(application->displayName == "renamed");
    }

    // Keeping an existing credential by keyId (as returned by GET, key null) while adding one.
    std::string secondKeyId = graph.directory.lock()->findApplication(id)->keyCredentials[0].keyId;
    auto kept = graph.call(
        "PATCH", "/v1.0/applications/" + id, token,
        json{
            {"keyCredentials",
             {{{"keyId", secondKeyId}, {"type", "AsymmetricX509Cert"}, {"usage", "Verify"}, {"key", nullptr}},
              certificateCredential(first)}}});
    CHECK(kept.status == 204);
    CHECK(graph.directory.lock()->findApplication(id)->keyCredentials.size() == 2);
    CHECK(firstKeyId != secondKeyId);

    // An invalid entry leaves the application untouched.
    auto invalid = graph.call(
        "PATCH", "/v1.0/applications/" + id, token,
        json{{"displayName", "not applied"}, {"keyCredentials", {{{"type", "AsymmetricX509Cert"}}}}});
    CHECK(invalid.status == 400);
    CHECK(graph.directory.lock()->findApplication(id)->displayName == "renamed");
}

TEST_CASE("DELETE an application removes its service principal and that principal's role assignments") {
    GraphHarness graph;
    auto created = graph.createApplication("to delete");
    std::string id = created["id"], appId = created["appId"];
    auto sp = graph.createServicePrincipal(appId);
    std::string graphSp = graph.resourceServicePrincipalId(kGraphAppId);
    auto grant = graph.call("POST", "/v1.0/servicePrincipals/" + graphSp + "/appRoleAssignedTo",
                            graph.userToken(kAdmin),
                            json{{"principalId", sp["id"]},
                                 {"resourceId", graphSp},
                                 {"appRoleId", "df021288-bdef-4463-88db-98f22de89214"}});
    REQUIRE(grant.status == 201);

    auto deleted = graph.call("DELETE", "/v1.0/applications/" + id, graph.userToken(kAdmin));
    CHECK(deleted.status == 204);
    auto state = graph.directory.lock();
    CHECK(state->findApplication(id) == nullptr);
    CHECK(state->findServicePrincipal(sp["id"].get<std::string>()) == nullptr);
    CHECK(state->appRoleAssignments.empty());
    CHECK(state->findServicePrincipal(graphSp) != nullptr); // the resource stays
}

TEST_CASE("Graph calls need a valid, unexpired bearer token of this emulator") {
    GraphHarness graph;
    auto none = graph.call("GET", "/v1.0/applications", "");
    CHECK(none.status == 401);
    CHECK(GraphHarness::errorCode(none) == "InvalidAuthenticationToken");
    CHECK(GraphHarness::json(none)["error"]["message"] == "Access token is empty.");
    CHECK(none.headers.count("WWW-Authenticate") == 1);

    auto expiring = graph.userToken(kAdmin, kAdminScopes, 60);
    graph.advance(std::chrono::seconds(120));
    auto expired = graph.call("GET", "/v1.0/applications", expiring);
    CHECK(expired.status == 401);
    CHECK(GraphHarness::errorCode(expired) == "InvalidAuthenticationToken");

    // Same claims, signed by some other key.
    auto stranger = makeCertificate("stranger");
    std::string forged = signJwt({{"alg", "RS256"}, {"typ", "JWT"}}, {{"aud", "https://graph.microsoft.com"}},
                                 stranger.key.get());
    CHECK(graph.call("GET", "/v1.0/applications", forged).status == 401);
}

TEST_CASE("creating applications needs Application.ReadWrite.All and an application administrator role") {
    GraphHarness graph;
    json body{{"displayName", "role check"}, {"signInAudience", "AzureADMyOrg"}};
    CHECK(graph.call("POST", "/v1.0/applications", graph.userToken(kAdmin), body).status == 201);
    CHECK(graph.call("POST", "/v1.0/applications", graph.userToken(kAppAdmin), body).status == 201);

    auto plainUser = graph.call("POST", "/v1.0/applications", graph.userToken(kUser), body);
    CHECK(plainUser.status == 403);
    CHECK(GraphHarness::errorCode(plainUser) == "Authorization_RequestDenied");
    CHECK(GraphHarness::json(plainUser)["error"]["message"] ==
          "Insufficient privileges to complete the operation.");

    // Privileged Role Administrator manages role grants, not applications.
    CHECK(graph.call("POST", "/v1.0/applications", graph.userToken(kPra), body).status == 403);
    // The Global Administrator without the scope in the token.
    CHECK(graph.call("POST", "/v1.0/applications", graph.userToken(kAdmin, "User.Read"), body).status == 403);
    // Reading needs a read scope but no directory role.
    CHECK(graph.call("GET", "/v1.0/applications", graph.userToken(kUser, "Application.Read.All")).status ==
          200);
    CHECK(graph.call("GET", "/v1.0/applications", graph.userToken(kUser, "User.Read")).status == 403);
}
