// Client credentials with certificate assertions over real TLS: both JOSE profiles, roles, audiences,
// replication, and each AADSTS error.
#include "test_identity_support.h"

#include <doctest/doctest.h>

#include <thread>

using emutest::aadsts;
using emutest::claimsOf;
using emutest::InProcessEmulator;
using emutest::makeCertificate;
using emutest::signJwt;

namespace {
nlohmann::json claimsFor(InProcessEmulator& emulator, const std::string& appId, std::int64_t nbfOffset = 0,
                         std::int64_t lifetime = 600) {
    const std::int64_t now = emulator.context().clock.nowUnix();
    return {{"aud", emulator.tokenUrl()}, {"iss", appId},           {"sub", appId},
            {"jti", emu::newGuid()},      {"nbf", now + nbfOffset}, {"exp", now + nbfOffset + lifetime}};
}
} // namespace

TEST_CASE("PS256 + x5t#S256 and RS256 + x5t assertions both get an app-only Graph token") {
    InProcessEmulator emulator;
    auto cert = makeCertificate();
    const std::string appId = emulator.registerApp(cert);
    for (bool rs256 : {false, true}) {
        auto result = emulator.clientCredentials(appId, emulator.assertion(appId, cert, rs256));
        REQUIRE_MESSAGE(result.status == 200, result.body);
        auto body = result.json();
        CHECK(body["token_type"] == "Bearer");
        CHECK(body["expires_in"] == 3599);
        CHECK(body["ext_expires_in"] == 3599);
        auto claims = claimsOf(body["access_token"]);
        CHECK(claims["aud"] == "https://graph.microsoft.com");
        CHECK(claims["appid"] == appId);
        CHECK(claims["tid"] == emulator.tenantId());
        CHECK_FALSE(claims.contains("roles")); // nothing granted yet
        CHECK(emulator.context().tokens.verifyAccessToken(body["access_token"].get<std::string>(),
                                                          emu::graphAudiences()));
    }
}

TEST_CASE("thumbprints in standard base64 are accepted as Entra does - a reused jti is accepted") {
    InProcessEmulator emulator;
    auto cert = makeCertificate();
    const std::string appId = emulator.registerApp(cert);
    nlohmann::json header = {
        {"alg", "PS256"}, {"typ", "JWT"}, {"x5t#S256", emu::base64Encode(emu::sha256(cert.der))}};
    const std::string assertion = signJwt(header, claimsFor(emulator, appId), cert.key.get());
    CHECK(emulator.clientCredentials(appId, assertion).status == 200);
    CHECK(emulator.clientCredentials(appId, assertion).status == 200); // same jti again
}

TEST_CASE("roles carry the values of the replicated assignments on the requested resource only") {
    InProcessEmulator emulator;
    auto cert = makeCertificate();
    const std::string appId = emulator.registerApp(cert);
    emulator.grantRole(appId, "00000003-0000-0000-c000-000000000000", "User.Read.All");
    emulator.grantRole(appId, "00000003-0000-0000-c000-000000000000", "Sites.Read.All");
    emulator.grantRole(appId, "00000002-0000-0ff1-ce00-000000000000", "full_access_as_app");
    auto graph =
        claimsOf(emulator.clientCredentials(appId, emulator.assertion(appId, cert)).json()["access_token"]);
    auto roles = graph["roles"].get<std::vector<std::string>>();
    std::sort(roles.begin(), roles.end());
    CHECK(roles == std::vector<std::string>{"Sites.Read.All", "User.Read.All"});
    auto exchange = emulator.clientCredentials(appId, emulator.assertion(appId, cert),
                                               "https://outlook.office365.com/.default");
    CHECK(claimsOf(exchange.json()["access_token"])["aud"] == "https://outlook.office365.com");
    CHECK(claimsOf(exchange.json()["access_token"])["roles"] ==
          nlohmann::json::array({"full_access_as_app"}));
    auto sharepoint = emulator.clientCredentials(appId, emulator.assertion(appId, cert),
                                                 "https://contoso.sharepoint.com/.default");
    CHECK(claimsOf(sharepoint.json()["access_token"])["aud"] == "https://contoso.sharepoint.com");
    CHECK_FALSE(claimsOf(sharepoint.json()["access_token"]).contains("roles"));
    auto byAppId = emulator.clientCredentials(appId, emulator.assertion(appId, cert),
                                              "00000003-0000-0000-c000-000000000000/.default");
    CHECK(claimsOf(byAppId.json()["access_token"])["aud"] == "00000003-0000-0000-c000-000000000000");
    auto sovereign = emulator.clientCredentials(appId, emulator.assertion(appId, cert),
                                                "https://graph.microsoft.us/.default");
    CHECK(claimsOf(sovereign.json()["access_token"])["aud"] == "https://graph.microsoft.us");
}

TEST_CASE("replication: a new app is AADSTS700016 until visible, then roles appear after their own delay") {
    emu::Options options = InProcessEmulator::defaultOptions();
    options.replicationDelayMs = 400;
    InProcessEmulator emulator(options);
    auto cert = makeCertificate();
    const std::string appId = emulator.registerApp(cert);
    auto early = emulator.clientCredentials(appId, emulator.assertion(appId, cert));
    CHECK(early.status == 400);
    CHECK(early.json()["error"] == "unauthorized_client");
    CHECK(aadsts(early) == 700016);
    std::this_thread::sleep_for(std::chrono::milliseconds(500));
    emulator.grantRole(appId, "00000003-0000-0000-c000-000000000000", "User.Read.All");
    auto withoutRole = emulator.clientCredentials(appId, emulator.assertion(appId, cert));
    REQUIRE(withoutRole.status == 200);
    CHECK_FALSE(claimsOf(withoutRole.json()["access_token"]).contains("roles"));
    std::this_thread::sleep_for(std::chrono::milliseconds(500));
    auto withRole = emulator.clientCredentials(appId, emulator.assertion(appId, cert));
    CHECK(claimsOf(withRole.json()["access_token"])["roles"] == nlohmann::json::array({"User.Read.All"}));
}

TEST_CASE(
    "AADSTS700027: unknown key (message names the SHA-1 thumbprint), wrong signature, PSS/PKCS#1 mix-up") {
    InProcessEmulator emulator;
    auto cert = makeCertificate();
    auto other = makeCertificate();
    const std::string appId = emulator.registerApp(cert);

    auto unknownKey = emulator.clientCredentials(appId, emulator.assertion(appId, other, true));
    CHECK(unknownKey.status == 401);
    CHECK(unknownKey.json()["error"] == "invalid_client");
    CHECK(aadsts(unknownKey) == 700027);
    CHECK(unknownKey.json()["error_description"].get<std::string>().find(other.sha1Hex()) !=
          std::string::npos);

    nlohmann::json header = {{"alg", "PS256"}, {"typ", "JWT"}, {"x5t#S256", cert.x5tS256()}};
    auto forged =
        emulator.clientCredentials(appId, signJwt(header, claimsFor(emulator, appId), other.key.get()));
    CHECK(aadsts(forged) == 700027);

    auto mixed =
        emulator.clientCredentials(appId, signJwt(header, claimsFor(emulator, appId), cert.key.get(), false));
    CHECK(aadsts(mixed) == 700027);
    nlohmann::json rsHeader = {{"alg", "RS256"}, {"typ", "JWT"}, {"x5t", cert.x5t()}};
    auto mixed2 = emulator.clientCredentials(
        appId, signJwt(rsHeader, claimsFor(emulator, appId), cert.key.get(), true));
    CHECK(aadsts(mixed2) == 700027);

    auto noThumbprint = emulator.clientCredentials(
        appId, signJwt({{"alg", "RS256"}, {"typ", "JWT"}}, claimsFor(emulator, appId), cert.key.get()));
    CHECK(aadsts(noThumbprint) == 700027);
}

TEST_CASE("AADSTS700027 when the key credential is outside its validity window") {
    InProcessEmulator emulator;
    auto cert = makeCertificate(-1, 30);
    const std::string appId = emulator.registerApp(cert);
    emulator.context().clock.setOffset(std::chrono::hours(24 * 40)); // past endDateTime
    auto result = emulator.clientCredentials(appId, emulator.assertion(appId, cert));
    CHECK(aadsts(result) == 700027);
    CHECK(result.json()["error_description"].get<std::string>().find("expired") != std::string::npos);
}

TEST_CASE("AADSTS700024 outside the time window (5 minutes of skew) or with a too long lifetime") {
    InProcessEmulator emulator;
    auto cert = makeCertificate();
    const std::string appId = emulator.registerApp(cert);
    nlohmann::json header = {{"alg", "RS256"}, {"typ", "JWT"}, {"x5t", cert.x5t()}};
    auto expired = claimsFor(emulator, appId, -1000, 600); // exp 400 s ago
    CHECK(aadsts(emulator.clientCredentials(appId, signJwt(header, expired, cert.key.get()))) == 700024);
    auto withinSkew = claimsFor(emulator, appId, -800, 600); // exp 200 s ago: tolerated
    CHECK(emulator.clientCredentials(appId, signJwt(header, withinSkew, cert.key.get())).status == 200);
    auto future = claimsFor(emulator, appId, 400, 600); // nbf 400 s ahead
    CHECK(aadsts(emulator.clientCredentials(appId, signJwt(header, future, cert.key.get()))) == 700024);
    auto tooLong = claimsFor(emulator, appId, 0, 2 * 3600);
    CHECK(aadsts(emulator.clientCredentials(appId, signJwt(header, tooLong, cert.key.get()))) == 700024);
    auto noExp = claimsFor(emulator, appId);
    noExp.erase("exp");
    CHECK(aadsts(emulator.clientCredentials(appId, signJwt(header, noExp, cert.key.get()))) == 700024);
}

TEST_CASE("assertion claims: aud must be the token endpoint, iss must equal sub and the client id") {
    InProcessEmulator emulator;
    auto cert = makeCertificate();
    const std::string appId = emulator.registerApp(cert);
    nlohmann::json header = {{"alg", "RS256"}, {"typ", "JWT"}, {"x5t", cert.x5t()}};
    auto wrongAud = claimsFor(emulator, appId);
    wrongAud["aud"] = "https://login.microsoftonline.com/contoso.onmicrosoft.com/oauth2/v2.0/token";
    CHECK(aadsts(emulator.clientCredentials(appId, signJwt(header, wrongAud, cert.key.get()))) == 700021);
    auto byGuid = claimsFor(emulator, appId);
    byGuid["aud"] = emulator.tokenUrl(emulator.tenantId()); // same endpoint, tenant spelled as GUID
    CHECK(emulator.clientCredentials(appId, signJwt(header, byGuid, cert.key.get())).status == 200);
    auto mismatch = claimsFor(emulator, appId);
    mismatch["sub"] = emu::newGuid();
    CHECK(aadsts(emulator.clientCredentials(appId, signJwt(header, mismatch, cert.key.get()))) == 50048);
    CHECK(aadsts(emulator.clientCredentials(appId, "not-a-jwt")) == 50027);
}

TEST_CASE("scope and tenant errors: 70011, 700022, 500011, 9001023, 90002") {
    InProcessEmulator emulator;
    auto cert = makeCertificate();
    const std::string appId = emulator.registerApp(cert);
    auto assertion = emulator.assertion(appId, cert);
    CHECK(aadsts(emulator.clientCredentials(appId, assertion, "https://graph.microsoft.com/User.Read.All")) ==
          70011);
    CHECK(aadsts(emulator.clientCredentials(
              appId, assertion,
              "https://graph.microsoft.com/.default https://outlook.office365.com/.default")) == 700022);
    CHECK(aadsts(emulator.clientCredentials(appId, assertion, "https://fabrikam.sharepoint.com/.default")) ==
          500011);
    auto common =
        emulator.clientCredentials(appId, assertion, "https://graph.microsoft.com/.default", "common");
    CHECK(aadsts(common) == 9001023);
    CHECK(aadsts(emulator.clientCredentials(appId, assertion, "https://graph.microsoft.com/.default",
                                            "nowhere.onmicrosoft.com")) == 90002);
}

TEST_CASE("client errors: unknown app 700016, no assertion 7000218, public client with assertion 700025") {
    InProcessEmulator emulator;
    auto cert = makeCertificate();
    const std::string appId = emulator.registerApp(cert);
    auto unknown = emulator.clientCredentials(emu::newGuid(), emulator.assertion(appId, cert));
    CHECK(aadsts(unknown) == 700016);
    auto noAssertion = emulator.client().postForm("/contoso.onmicrosoft.com/oauth2/v2.0/token",
                                                  {{"grant_type", "client_credentials"},
                                                   {"client_id", appId},
                                                   {"scope", "https://graph.microsoft.com/.default"}});
    CHECK(noAssertion.status == 401);
    CHECK(aadsts(noAssertion) == 7000218);
    const std::string cli = "14d82eec-204b-4c2f-b7e8-296a70dab67e";
    CHECK(aadsts(emulator.clientCredentials(cli, emulator.assertion(cli, cert))) == 700025);
}

TEST_CASE("deleting the application removes its service principal and assignments - tokens stop") {
    InProcessEmulator emulator;
    auto cert = makeCertificate();
    const std::string appId = emulator.registerApp(cert);
    emulator.grantRole(appId, "00000003-0000-0000-c000-000000000000", "User.Read.All");
    {
        auto state = emulator.context().directory.lock();
        auto* app = state->findApplicationByAppId(emulator.tenantId(), appId);
        REQUIRE(app);
        CHECK(state->deleteApplication(app->id));
        CHECK_FALSE(state->findServicePrincipalByAppId(emulator.tenantId(), appId));
        CHECK(state->appRoleAssignments.empty());
    }
    CHECK(aadsts(emulator.clientCredentials(appId, emulator.assertion(appId, cert))) == 700016);
}
