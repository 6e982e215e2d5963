// addKey / removeKey with the proof-of-possession JWT checked (facts 3.7).
#include "test_graph_support.h"

#include <doctest/doctest.h>

using namespace emu;
using namespace emu::testing;
using nlohmann::json;

namespace {

/// An application holding one certificate, and the app itself calling with its app-only token.
struct RolloverFixture {
    GraphHarness graph;
    TestCertificate current = makeCertificate("current");
    TestCertificate next = makeCertificate("next");
    std::string id, appId, currentKeyId, appToken;

    RolloverFixture() {
        auto created = graph.createApplication(
            "rotating",
            json::array({{{"type", "AsymmetricX509Cert"}, {"usage", "Verify"}, {"key", current.base64()}}}));
        id = created["id"];
        appId = created["appId"];
        currentKeyId = created["keyCredentials"][0]["keyId"];
        appToken = graph.appToken(appId); // no roles: an app needs no permission to roll its own keys
    }

    json addKeyBody(const std::string& proof) const {
        return {
            {"keyCredential", {{"type", "AsymmetricX509Cert"}, {"usage", "Verify"}, {"key", next.base64()}}},
            {"passwordCredential", nullptr},
            {"proof", proof}};
    }
    Response addKey(const std::string& proof) {
        return graph.call("POST", "/v1.0/applications/" + id + "/addKey", appToken, addKeyBody(proof));
    }
    std::int64_t now() const { return graph.clock.nowUnix(); }
    std::size_t keyCount() { return graph.directory.lock()->findApplication(id)->keyCredentials.size(); }
};

void checkRejected(const Response& response) {
    CHECK(response.status == 401);
    CHECK(GraphHarness::errorCode(response) == "Authentication_MissingOrMalformed");
}

} // namespace

TEST_CASE("addKey with a good proof returns 200 and the new key credential") {
    RolloverFixture f;
    auto response = f.addKey(makeProof(f.current, f.id, f.now()));
    REQUIRE(response.status == 200);
    auto body = GraphHarness::json(response);
    CHECK(isGuid(body["keyId"].get<std::string>()));
    CHECK(body["type"] == "AsymmetricX509Cert");
    CHECK(body["usage"] == "Verify");
    CHECK(body["key"].is_null());
    CHECK(f.keyCount() == 2);
}

TEST_CASE("addKey accepts PS256 with x5t#S256 and a kid-only header") {
    RolloverFixture f;
    json claims = {{"aud", "00000002-0000-0000-c000-000000000000"},
                   {"iss", f.id},
                   {"nbf", f.now()},
                   {"exp", f.now() + 300}};
    SUBCASE("PS256 + x5t#S256") {
        auto proof =
            signJwt({{"alg", "PS256"}, {"typ", "JWT"}, {"x5t#S256", base64UrlEncode(sha256(f.current.der))}},
                    claims, f.current.key.get());
        CHECK(f.addKey(proof).status == 200);
    }
    SUBCASE("RS256 + kid (hex SHA-1), lower case") {
        std::string kid = hexUpper(sha1(f.current.der));
        std::transform(kid.begin(), kid.end(), kid.begin(),
                       [](unsigned char c) { return static_cast<char>(std::tolower(c)); });
        auto proof = signJwt({{"alg", "RS256"}, {"typ", "JWT"}, {"kid", kid}}, claims, f.current.key.get());
        CHECK(f.addKey(proof).status == 200);
    }
}

TEST_CASE("addKey refuses bad proofs with 401 Authentication_MissingOrMalformed") {
    RolloverFixture f;
    SUBCASE("wrong audience (Microsoft Graph's app id)") {
        checkRejected(
            f.addKey(makeProof(f.current, f.id, f.now(), 600, "00000003-0000-0000-c000-000000000000")));
    }
    SUBCASE("iss is the appId, not the object id") {
        checkRejected(f.addKey(makeProof(f.current, f.appId, f.now())));
    }
    SUBCASE("expired") {
        checkRejected(f.addKey(makeProof(f.current, f.id, f.now() - 3600)));
    }
    SUBCASE("not yet valid") {
        checkRejected(f.addKey(makeProof(f.current, f.id, f.now() + 3600)));
    }
    SUBCASE("lifetime over 10 minutes") {
        checkRejected(f.addKey(makeProof(f.current, f.id, f.now(), 601)));
    }
    SUBCASE("signed by a key the application does not hold") {
        checkRejected(f.addKey(makeProof(f.next, f.id, f.now())));
    }
    SUBCASE("header names the app's certificate but another key signed") {
        auto stranger = makeCertificate("stranger");
        json header = {{"alg", "RS256"}, {"typ", "JWT"}, {"x5t", base64UrlEncode(sha1(f.current.der))}};
        json claims = {{"aud", "00000002-0000-0000-c000-000000000000"},
                       {"iss", f.id},
                       {"nbf", f.now()},
                       {"exp", f.now() + 600}};
        checkRejected(f.addKey(signJwt(header, claims, stranger.key.get())));
    }
    SUBCASE("missing nbf") {
        json claims = {
            {"aud", "00000002-0000-0000-c000-000000000000"}, {"iss", f.id}, {"exp", f.now() + 600}};
        checkRejected(f.addKey(signJwt({{"alg", "RS256"}, {"x5t", base64UrlEncode(sha1(f.current.der))}},
                                       claims, f.current.key.get())));
    }
    SUBCASE("base64 padding in a segment") {
        std::string proof = makeProof(f.current, f.id, f.now());
        auto dot = proof.find('.');
        checkRejected(f.addKey(proof.substr(0, dot) + "=" + proof.substr(dot)));
    }
    SUBCASE("no proof at all") {
        checkRejected(f.addKey(""));
    }
    SUBCASE("signed by the app's certificate after it expired") {
        f.graph.advance(std::chrono::hours(24 * 400));
        f.appToken = f.graph.appToken(f.appId);
        checkRejected(f.addKey(makeProof(f.current, f.id, f.now())));
    }
    CHECK(f.keyCount() == 1);
}

TEST_CASE("removeKey with a proof signed by the new key removes the old key - also via (appId='...')") {
    RolloverFixture f;
    REQUIRE(f.addKey(makeProof(f.current, f.id, f.now())).status == 200);

    SUBCASE("by object id") {
        auto response =
            f.graph.call("POST", "/v1.0/applications/" + f.id + "/removeKey", f.appToken,
                         json{{"keyId", f.currentKeyId}, {"proof", makeProof(f.next, f.id, f.now())}});
        CHECK(response.status == 204);
    }
    SUBCASE("by appId alternate key") {
        auto response =
            f.graph.call("POST", "/v1.0/applications(appId='" + f.appId + "')/removeKey", f.appToken,
                         json{{"keyId", f.currentKeyId}, {"proof", makeProof(f.next, f.id, f.now())}});
        CHECK(response.status == 204);
    }
    auto state = f.graph.directory.lock();
    const auto& keys = state->findApplication(f.id)->keyCredentials;
    REQUIRE(keys.size() == 1);
    CHECK(keys[0].key == f.next.der);
}

TEST_CASE("removeKey refuses a bad proof and an unknown keyId") {
    RolloverFixture f;
    auto badProof =
        f.graph.call("POST", "/v1.0/applications/" + f.id + "/removeKey", f.appToken,
                     json{{"keyId", f.currentKeyId}, {"proof", makeProof(f.next, f.id, f.now())}});
    checkRejected(badProof);
    auto unknown = f.graph.call("POST", "/v1.0/applications/" + f.id + "/removeKey", f.appToken,
                                json{{"keyId", newGuid()}, {"proof", makeProof(f.current, f.id, f.now())}});
    CHECK(unknown.status == 400);
    CHECK(f.keyCount() == 1);
}

TEST_CASE("who may call addKey: the app itself or an application administrator, not another app") {
    RolloverFixture f;
    auto other = f.graph.createApplication("other");
    auto otherApp =
        f.graph.call("POST", "/v1.0/applications/" + f.id + "/addKey", f.graph.appToken(other["appId"]),
                     f.addKeyBody(makeProof(f.current, f.id, f.now())));
    CHECK(otherApp.status == 403);
    auto plainUser = f.graph.call("POST", "/v1.0/applications/" + f.id + "/addKey", f.graph.userToken(kUser),
                                  f.addKeyBody(makeProof(f.current, f.id, f.now())));
    CHECK(plainUser.status == 403);
    auto admin = f.graph.call("POST", "/v1.0/applications/" + f.id + "/addKey", f.graph.userToken(kAppAdmin),
                              f.addKeyBody(makeProof(f.current, f.id, f.now())));
    CHECK(admin.status == 200);
    // The app may read itself without any app role, but not list other applications.
    CHECK(f.graph.call("GET", "/v1.0/applications/" + f.id, f.appToken).status == 200);
    CHECK(f.graph.call("GET", "/v1.0/applications(appId='" + f.appId + "')", f.appToken).status == 200);
    CHECK(f.graph.call("GET", "/v1.0/applications/" + std::string(other["id"]), f.appToken).status == 403);
    CHECK(f.graph.call("GET", "/v1.0/applications", f.appToken).status == 403);
}
