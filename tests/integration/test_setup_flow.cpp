// Full setup through the stub host against the emulator: exactly one application with exactly the
// requested roles, ids/thumbprints/audit in the config store, the key only (encrypted) in the secret store,
// and no admin token, device code, assertion or access token in any store or log (trace level).
#include "stub_host.h"

#include <doctest/doctest.h>

#include <algorithm>
#include <set>

using m365it::StubHost;

namespace {

const std::string kGraph = "00000003-0000-0000-c000-000000000000";
const std::string kSharePoint = "00000003-0000-0ff1-ce00-000000000000";

/// exchange + sharepoint backup, written down independently of the plugin's manifest.
const std::set<std::pair<std::string, std::string>> kExpectedRoles{
    {kGraph, "User.Read.All"},      {kGraph, "Mail.Read"},     {kGraph, "MailboxSettings.Read"},
    {kGraph, "Calendars.Read"},     {kGraph, "Contacts.Read"}, {kGraph, "Sites.Read.All"},
    {kSharePoint, "Sites.Read.All"}};

} // namespace

TEST_CASE("setup creates exactly one application with exactly the requested roles and keeps secrets secret") {
    wptest::EmulatorProcess emulator(m365it::emulatorOptions());
    StubHost host(emulator);

    auto plan = host.run({"configure", "--action", "plan", "--set", "tenant=" + emulator.tenantDomain(),
                          "--set", "workloads=exchange,sharepoint"});
    REQUIRE_MESSAGE(plan.exitCode == 0, plan.err);
    CHECK(m365it::createdApplications(emulator).empty()); // plan touches nothing

    auto setup = host.run(host.setupArgs({"workloads=[\"exchange\",\"sharepoint\"]"}));
    REQUIRE_MESSAGE(setup.exitCode == 0, setup.err);

    // Every step was reported as started and done.
    std::set<std::string> done;
    for (const auto& event : setup.ofType("event")) {
        const auto& data = event.value("data", nlohmann::json::object());
        if (data.value("event", "") == "step" && data.value("state", "") == "done")
            done.insert(data.value("step", ""));
    }
    for (const char* step : {"sign_in", "check_roles", "create_application", "create_service_principal",
                             "grant_permissions", "verify", "persist"})
        CHECK_MESSAGE(done.count(step) == 1, step);

    // The tenant: one application, AzureADMyOrg, exactly the roles declared and granted, our certificate.
    auto state = emulator.state();
    auto applications = state["applications"];
    REQUIRE(applications.size() == 1);
    auto application = applications[0];
    CHECK(application["signInAudience"] == "AzureADMyOrg");
    REQUIRE(application["keyCredentials"].size() == 1);
    std::set<std::string> declaredIds;
    for (const auto& access : application["requiredResourceAccess"])
        for (const auto& role : access["resourceAccess"]) {
            CHECK(role["type"] == "Role");
            declaredIds.insert(access["resourceAppId"].get<std::string>() + "/" +
                               role["id"].get<std::string>());
        }
    CHECK(declaredIds.size() == kExpectedRoles.size());

    std::string spId;
    for (const auto& sp : state["servicePrincipals"])
        if (sp["appId"] == application["appId"])
            spId = sp["id"];
    REQUIRE_FALSE(spId.empty());
    std::set<std::pair<std::string, std::string>> granted;
    for (const auto& assignment : state["appRoleAssignments"]) {
        if (assignment["principalId"] == spId) {
            granted.insert({assignment["resourceAppId"].get<std::string>(),
                            assignment["appRoleValue"].get<std::string>()});
            CHECK(declaredIds.count(assignment["resourceAppId"].get<std::string>() + "/" +
                                    assignment["appRoleId"].get<std::string>()) == 1);
        }
    }
    CHECK(granted == kExpectedRoles);

    // The config store: ids, thumbprints, validity, audit.
    auto stored = host.configValue("instance");
    REQUIRE(stored);
    auto record = nlohmann::json::parse(*stored);
    CHECK(record["tenant"]["id"] == emulator.tenantId());
    CHECK(record["application"]["app_id"] == application["appId"]);
    CHECK(record["application"]["object_id"] == application["id"]);
    CHECK(record["application"]["service_principal_id"] == spId);
    CHECK(record["certificate"]["thumbprint_sha1"] == application["keyCredentials"][0]["thumbprint"]);
    CHECK(record["certificate"]["thumbprint_sha256"].get<std::string>().size() == 64);
    CHECK(record["certificate"]["key_id"] == application["keyCredentials"][0]["keyId"]);
    CHECK_FALSE(record["certificate"]["not_after"].get<std::string>().empty());
    CHECK(record["permissions"].size() == kExpectedRoles.size());
    CHECK(record["audit"][0]["signed_in_upn"] == "admin@contoso.onmicrosoft.com");
    CHECK_FALSE(record["audit"][0]["request_ids"].empty());

    // The secret store holds exactly the credential, encrypted at rest.
    auto keys = host.storedKeys();
    std::string secretKey =
        "secret:credential." + record["certificate"]["thumbprint_sha1"].get<std::string>();
    std::transform(secretKey.begin(), secretKey.end(), secretKey.begin(), ::tolower);
    CHECK(std::count(keys.begin(), keys.end(), secretKey) == 1);
    CHECK(std::count(keys.begin(), keys.end(), "config:journal") == 0);

    // validate and acquire work; the token is never printed.
    auto validate = host.run({"validate"});
    CHECK_MESSAGE(validate.exitCode == 0, validate.out);
    for (const char* resource : {"graph", "sharepoint", "exchange"}) {
        auto acquire = host.run({"acquire", "--resource", resource});
        REQUIRE_MESSAGE(acquire.exitCode == 0, acquire.err);
        auto credentials = acquire.ofType("credential");
        REQUIRE(credentials.size() == 1);
        CHECK(credentials[0]["token_length"].get<int>() > 100);
        CHECK(credentials[0]["token"].get<std::string>().find("eyJ") == std::string::npos);
    }

    // An explicit scope works; an unknown resource is refused clearly.
    auto explicitScope = host.run({"acquire", "--resource", "https://graph.microsoft.com/.default"});
    CHECK(explicitScope.exitCode == 0);
    auto unknown = host.run({"acquire", "--resource", "fax"});
    CHECK(unknown.exitCode == WP_E_INVALID_ARGUMENT);

    // A second setup of the same instance is refused before anyone signs in.
    auto again = host.run(host.setupArgs());
    CHECK(again.exitCode == WP_E_CONFLICT);
    CHECK(again.errorCode() == "config.already_configured");
    CHECK(m365it::createdApplications(emulator).size() == 1);

    // No secret anywhere: JWTs (admin token, assertions, app tokens) start with "eyJ"; the emulator's
    // device codes with "DAQABIQEAAAD"; the private key is PEM.
    auto raw = host.rawStoreBytes();
    const std::string& logs = host.allOutput();
    for (const char* secret : {"eyJ", "DAQABIQEAAAD", "PRIVATE KEY"}) {
        CHECK_MESSAGE(raw.find(secret) == std::string::npos, secret);
        CHECK_MESSAGE(logs.find(secret) == std::string::npos, secret);
    }
    CHECK(logs.find("TRACE") != std::string::npos); // the scan really covered trace-level logging
}

TEST_CASE("remove deletes the application from the tenant and forgets the instance") {
    wptest::EmulatorProcess emulator(m365it::emulatorOptions());
    StubHost host(emulator);
    REQUIRE(host.run(host.setupArgs({"workloads=onedrive"})).exitCode == 0);
    REQUIRE(m365it::createdApplications(emulator).size() == 1);
    auto remove = host.run({"configure", "--action", "remove"});
    CHECK_MESSAGE(remove.exitCode == 0, remove.err);
    CHECK(m365it::createdApplications(emulator).empty());
    CHECK(host.storedKeys().empty());
}

TEST_CASE("remove with local_only forgets locally and leaves the tenant alone") {
    wptest::EmulatorProcess emulator(m365it::emulatorOptions());
    StubHost host(emulator);
    REQUIRE(host.run(host.setupArgs({"workloads=onedrive"})).exitCode == 0);
    auto remove =
        host.run({"configure", "--action", "remove", "--set", "local_only=true", "--non-interactive"});
    CHECK_MESSAGE(remove.exitCode == 0, remove.err);
    CHECK(m365it::createdApplications(emulator).size() == 1);
    CHECK(host.storedKeys().empty());
}

TEST_CASE("a bad setting is refused before anyone signs in") {
    wptest::EmulatorProcess emulator(m365it::emulatorOptions(""));
    StubHost host(emulator);
    auto run = host.run(host.setupArgs({"key_bits=1024"}));
    CHECK(run.exitCode == WP_E_INVALID_CONFIG);
    CHECK(run.errorCode() == "config.key_bits_invalid");
    CHECK(emulator.deviceCodes().empty());
}
