// configure --action update (admin sign-in) and plan for=update through the real stub host against the
// emulator: an expired certificate replaced after rotate refused it, workloads narrowed (roles revoked,
// requiredResourceAccess and the token's roles claim follow) and widened again, a role deleted behind the
// plugin's back re-granted (plan names exactly it and writes nothing), nothing to change changes nothing,
// and a failure in the middle (faults on $batch and on DELETE) leaves the old configuration working.
#include "stub_host.h"

#include <doctest/doctest.h>

#include <algorithm>
#include <cctype>
#include <csignal>
#include <set>
#include <thread>

using m365it::StubHost;

namespace {

const char* const kGraphCli = "14d82eec-204b-4c2f-b7e8-296a70dab67e";
const std::string kGraph = "00000003-0000-0000-c000-000000000000";
const std::string kSharePoint = "00000003-0000-0ff1-ce00-000000000000";

using RoleSet = std::set<std::pair<std::string, std::string>>; // (resourceAppId, role value)

/// Written down independently of the plugin's manifest.
const RoleSet kExchangeRoles{{kGraph, "User.Read.All"},
                             {kGraph, "Mail.Read"},
                             {kGraph, "MailboxSettings.Read"},
                             {kGraph, "Calendars.Read"},
                             {kGraph, "Contacts.Read"}};

/// setup's settings (emulator endpoints) for another action.
std::vector<std::string> actionArgs(const StubHost& host, const std::string& action,
                                    const std::vector<std::string>& extraSets = {}) {
    auto args = host.setupArgs(extraSets);
    args[2] = action;
    return args;
}

std::vector<std::string> planArgs(const StubHost& host, const std::vector<std::string>& extraSets = {}) {
    auto sets = extraSets;
    sets.push_back("for=update");
    return actionArgs(host, "plan", sets);
}

nlohmann::json application(const wptest::EmulatorProcess& emulator) {
    auto applications = m365it::createdApplications(emulator);
    REQUIRE(applications.size() == 1);
    return applications[0];
}

std::set<std::string> keyIds(const wptest::EmulatorProcess& emulator) {
    std::set<std::string> ids;
    auto keys = application(emulator)["keyCredentials"];
    for (const auto& key : keys)
        ids.insert(key["keyId"].get<std::string>());
    return ids;
}

/// The roles granted to the application's service principal, and their (resourceAppId/appRoleId) ids.
struct Granted {
    RoleSet roles;
    std::set<std::string> ids;
};

Granted granted(const wptest::EmulatorProcess& emulator) {
    auto state = emulator.state();
    std::string appId = application(emulator)["appId"];
    std::string spId;
    for (const auto& sp : state["servicePrincipals"])
        if (sp["appId"] == appId)
            spId = sp["id"];
    REQUIRE_FALSE(spId.empty());
    Granted result;
    for (const auto& assignment : state["appRoleAssignments"])
        if (assignment["principalId"] == spId) {
            result.roles.insert({assignment["resourceAppId"].get<std::string>(),
                                 assignment["appRoleValue"].get<std::string>()});
            result.ids.insert(assignment["resourceAppId"].get<std::string>() + "/" +
                              assignment["appRoleId"].get<std::string>());
        }
    return result;
}

std::set<std::string> declaredIds(const wptest::EmulatorProcess& emulator) {
    std::set<std::string> ids;
    auto app = application(emulator);
    for (const auto& access : app["requiredResourceAccess"])
        for (const auto& role : access["resourceAccess"])
            ids.insert(access["resourceAppId"].get<std::string>() + "/" + role["id"].get<std::string>());
    return ids;
}

/// Graph writes the emulator answered (POST/PATCH/DELETE under /v1.0, $batch included).
long long writeRequests(const wptest::EmulatorProcess& emulator) {
    long long writes = 0;
    auto stats = emulator.stats();
    for (const auto& [route, count] : stats["requests"].items())
        if (route.rfind("POST /v1.0", 0) == 0 || route.rfind("PATCH ", 0) == 0 ||
            route.rfind("DELETE ", 0) == 0)
            writes += count.get<long long>();
    return writes;
}

nlohmann::json eventOf(const m365it::HostRun& run, const std::string& name) {
    for (const auto& event : run.ofType("event"))
        if (event["data"].value("event", "") == name)
            return event["data"];
    return nlohmann::json::object();
}

std::string base64UrlDecode(std::string text) {
    std::replace(text.begin(), text.end(), '-', '+');
    std::replace(text.begin(), text.end(), '_', '/');
    static const std::string alphabet = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";
    std::string out;
    int bits = 0, value = 0;
    for (char c : text) {
        auto index = alphabet.find(c);
        if (index == std::string::npos)
            break;
        value = (value << 6) | static_cast<int>(index);
        bits += 6;
        if (bits >= 8) {
            bits -= 8;
            out.push_back(static_cast<char>((value >> bits) & 0xff));
        }
    }
    return out;
}

/// The roles claim of a fresh app-only token for `resource`, acquired by the stub host.
std::set<std::string> tokenRoles(StubHost& host, const std::string& resource) {
    auto run = host.run({"acquire", "--resource", resource, "--bypass-cache", "--show-token"});
    REQUIRE_MESSAGE(run.exitCode == 0, run.err);
    auto credentials = run.ofType("credential");
    REQUIRE(credentials.size() == 1);
    std::string token = credentials[0]["token"];
    auto first = token.find('.');
    auto second = token.find('.', first + 1);
    REQUIRE(second != std::string::npos);
    auto claims = nlohmann::json::parse(base64UrlDecode(token.substr(first + 1, second - first - 1)));
    std::set<std::string> roles;
    for (const auto& role : claims.value("roles", nlohmann::json::array()))
        roles.insert(role.get<std::string>());
    return roles;
}

std::set<std::string> rolesOn(const RoleSet& roles, const std::string& resourceAppId) {
    std::set<std::string> names;
    for (const auto& [appId, name] : roles)
        if (appId == resourceAppId)
            names.insert(name);
    return names;
}

std::vector<std::string> secretKeys(StubHost& host) {
    std::vector<std::string> secrets;
    for (const auto& key : host.storedKeys())
        if (key.rfind("secret:", 0) == 0)
            secrets.push_back(key.substr(7));
    return secrets;
}

bool hasJournal(StubHost& host) {
    auto keys = host.storedKeys();
    return std::count(keys.begin(), keys.end(), "config:journal") != 0;
}

/// An administrator working in the portal: deletes one of the application's role assignments.
void deleteAssignmentBehindThePluginsBack(const wptest::EmulatorProcess& emulator,
                                          const std::string& roleValue) {
    auto client = emulator.client();
    std::string base = "/" + emulator.tenantDomain() + "/oauth2/v2.0/";
    auto code = client.postForm(
        base + "devicecode",
        {{"client_id", kGraphCli}, {"scope", "https://graph.microsoft.com/AppRoleAssignment.ReadWrite.All"}});
    REQUIRE(code.status == 200);
    std::string deviceCode = code.json()["device_code"];
    std::string token;
    for (int i = 0; i < 30 && token.empty(); ++i) { // auto-approved by the emulator options
        std::this_thread::sleep_for(std::chrono::milliseconds(1100));
        auto polled =
            client.postForm(base + "token", {{"grant_type", "urn:ietf:params:oauth:grant-type:device_code"},
                                             {"client_id", kGraphCli},
                                             {"device_code", deviceCode}});
        if (polled.status == 200)
            token = polled.json()["access_token"];
    }
    REQUIRE_FALSE(token.empty());
    auto state = emulator.state();
    std::string appId = application(emulator)["appId"];
    std::string spId;
    for (const auto& sp : state["servicePrincipals"])
        if (sp["appId"] == appId)
            spId = sp["id"];
    for (const auto& assignment : state["appRoleAssignments"])
        if (assignment["principalId"] == spId && assignment["appRoleValue"] == roleValue) {
            auto deleted =
                client.request("DELETE",
                               "/v1.0/servicePrincipals/" + assignment["resourceId"].get<std::string>() +
                                   "/appRoleAssignedTo/" + assignment["id"].get<std::string>(),
                               {}, {}, {{"Authorization", "Bearer " + token}});
            REQUIRE_MESSAGE(deleted.status == 204, deleted.body);
            return;
        }
    FAIL("no assignment of " << roleValue);
}

} // namespace

TEST_CASE("update replaces an expired certificate that rotate refuses") {
    wptest::EmulatorProcess emulator(m365it::emulatorOptions());
    StubHost host(emulator);
    REQUIRE(host.run(host.setupArgs({"workloads=onedrive", "validity_days=1"})).exitCode == 0);
    auto oldKeys = keyIds(emulator);
    REQUIRE(oldKeys.size() == 1);
    const std::map<std::string, std::string> twoDaysLater{{"M365_PLUGIN_NOW_OFFSET_S", "172800"}};

    // Both clocks two days on: the certificate is expired, rotation cannot sign its proof.
    emulator.setClockOffset(std::chrono::hours(48));
    auto rotate = host.run({"configure", "--action", "rotate"}, twoDaysLater);
    CHECK(rotate.exitCode == WP_E_INVALID_CONFIG);
    CHECK(rotate.errorCode() == "rotate.certificate_expired");
    CHECK(rotate.result().dump().find("configure --action update") != std::string::npos);
    // The plugin signs its client assertions with the real clock, so the emulator's clock goes back for
    // the admin part; the plugin's expiry checks keep the injected two days.
    emulator.setClockOffset(std::chrono::seconds(0));

    emulator.resetStats();
    auto plan = host.run(planArgs(host), twoDaysLater);
    REQUIRE_MESSAGE(plan.exitCode == 0, plan.err);
    auto planned = eventOf(plan, "plan");
    CHECK(planned["certificate"]["replace"] == true);
    CHECK(planned["certificate"]["reason"] == "expired");
    CHECK(planned["grant"].empty());
    CHECK(planned["revoke"].empty());
    CHECK(writeRequests(emulator) == 0);

    auto update = host.run(actionArgs(host, "update"), twoDaysLater);
    REQUIRE_MESSAGE(update.exitCode == 0, update.err);
    auto result = eventOf(update, "result");
    CHECK(result["outcome"] == "updated");
    CHECK(result["certificate_replaced"] == true);

    auto record = nlohmann::json::parse(*host.configValue("instance"));
    std::string newKeyId = record["certificate"]["key_id"];
    CHECK(keyIds(emulator) == std::set<std::string>{newKeyId}); // the new key, not the expired one
    CHECK(oldKeys.count(newKeyId) == 0);
    std::string secret = "credential." + record["certificate"]["thumbprint_sha1"].get<std::string>();
    std::transform(secret.begin(), secret.end(), secret.begin(), ::tolower);
    CHECK(secretKeys(host) == std::vector<std::string>{secret});
    CHECK_FALSE(hasJournal(host));
    auto acquire = host.run({"acquire", "--resource", "graph", "--bypass-cache"});
    CHECK_MESSAGE(acquire.exitCode == 0, acquire.err);
    CHECK(record["audit"].back()["action"] == "update");

    // No admin token, device code, assertion or private key in the stores or any output (--verbose).
    auto raw = host.rawStoreBytes();
    for (const char* secretText : {"eyJ", "DAQABIQEAAAD", "PRIVATE KEY"}) {
        CHECK_MESSAGE(raw.find(secretText) == std::string::npos, secretText);
        CHECK_MESSAGE(host.allOutput().find(secretText) == std::string::npos, secretText);
    }
}

TEST_CASE("update with narrowed workloads revokes what is no longer needed and widened grants it again") {
    wptest::EmulatorProcess emulator(m365it::emulatorOptions());
    StubHost host(emulator);
    REQUIRE(host.run(host.setupArgs()).exitCode == 0); // all workloads
    auto all = granted(emulator);
    REQUIRE(all.roles.size() > kExchangeRoles.size());
    auto keysBefore = keyIds(emulator);

    auto narrow = host.run(actionArgs(host, "update", {"workloads=exchange"}));
    REQUIRE_MESSAGE(narrow.exitCode == 0, narrow.err);
    auto narrowed = granted(emulator);
    CHECK(narrowed.roles == kExchangeRoles);
    CHECK(declaredIds(emulator) == narrowed.ids);
    CHECK(keyIds(emulator) == keysBefore); // the certificate was fine: kept
    CHECK(tokenRoles(host, "graph") == rolesOn(kExchangeRoles, kGraph));
    CHECK(tokenRoles(host, "sharepoint").empty());
    auto record = nlohmann::json::parse(*host.configValue("instance"));
    CHECK(record["workloads"] == nlohmann::json::array({"exchange"}));
    CHECK(record["permissions"].size() == kExchangeRoles.size());

    auto widen = host.run(actionArgs(host, "update", {"workloads=exchange,onedrive,sharepoint,teams"}));
    REQUIRE_MESSAGE(widen.exitCode == 0, widen.err);
    auto widened = granted(emulator);
    CHECK(widened.roles == all.roles);
    CHECK(declaredIds(emulator) == widened.ids);
    CHECK(tokenRoles(host, "graph") == rolesOn(all.roles, kGraph));
    CHECK(tokenRoles(host, "sharepoint") == rolesOn(all.roles, kSharePoint));
    CHECK_FALSE(hasJournal(host));
}

TEST_CASE("a role deleted behind the plugin's back is planned and re-granted by update") {
    wptest::EmulatorProcess emulator(m365it::emulatorOptions());
    StubHost host(emulator);
    REQUIRE(host.run(host.setupArgs({"workloads=exchange"})).exitCode == 0);
    deleteAssignmentBehindThePluginsBack(emulator, "Mail.Read");
    REQUIRE(granted(emulator).roles.count({kGraph, "Mail.Read"}) == 0);

    emulator.resetStats();
    auto plan = host.run(planArgs(host));
    REQUIRE_MESSAGE(plan.exitCode == 0, plan.err);
    auto planned = eventOf(plan, "plan");
    CHECK(planned["changes"] == true);
    CHECK(planned["certificate"]["replace"] == false);
    CHECK(planned["grant"] == nlohmann::json::parse(R"([{"name":"Mail.Read","resource":"graph"}])"));
    CHECK(planned["revoke"].empty());
    CHECK(writeRequests(emulator) == 0);

    auto update = host.run(actionArgs(host, "update"));
    REQUIRE_MESSAGE(update.exitCode == 0, update.err);
    CHECK(eventOf(update, "result")["granted"] == nlohmann::json::array({"graph:Mail.Read"}));
    CHECK(granted(emulator).roles == kExchangeRoles);
    CHECK(tokenRoles(host, "graph") == rolesOn(kExchangeRoles, kGraph));
}

TEST_CASE("update with nothing to change changes nothing") {
    wptest::EmulatorProcess emulator(m365it::emulatorOptions());
    StubHost host(emulator);
    REQUIRE(host.run(host.setupArgs({"workloads=exchange"})).exitCode == 0);
    auto before = host.configValue("instance");
    auto keysBefore = keyIds(emulator);
    emulator.resetStats();
    auto update = host.run(actionArgs(host, "update"));
    REQUIRE_MESSAGE(update.exitCode == 0, update.err);
    CHECK(eventOf(update, "result")["outcome"] == "unchanged");
    CHECK(update.err.find("Nothing to update") != std::string::npos);
    CHECK(writeRequests(emulator) == 0);
    CHECK(host.configValue("instance") == before);
    CHECK(keyIds(emulator) == keysBefore);
}

namespace {

/// Setup with a certificate close to expiry (so update replaces it), a fault, an update that fails on it:
/// the old configuration must still work and nothing of the failed run may be left.
void checkFailedUpdateLeavesOldConfiguration(const nlohmann::json& fault, const std::string& workloads,
                                             const std::string& failingStep) {
    wptest::EmulatorProcess emulator(m365it::emulatorOptions());
    StubHost host(emulator);
    REQUIRE(host.run(host.setupArgs({"workloads=exchange", "validity_days=10"})).exitCode == 0);
    auto before = host.configValue("instance");
    auto keysBefore = keyIds(emulator);
    auto grantsBefore = granted(emulator);
    auto declaredBefore = declaredIds(emulator);
    auto secretsBefore = secretKeys(host);

    emulator.addFault(fault);
    auto update = host.run(actionArgs(host, "update", {"workloads=" + workloads}));
    CHECK(update.exitCode != 0);
    std::set<std::string> done, failed;
    for (const auto& event : update.ofType("event")) {
        const auto& data = event["data"];
        if (data.value("event", "") == "step" && data.value("state", "") == "done")
            done.insert(data.value("step", ""));
        if (data.value("event", "") == "step" && data.value("state", "") == "failed")
            failed.insert(data.value("step", ""));
    }
    CHECK_MESSAGE(done.count("add_key") == 1, update.err); // a new key was in the application...
    CHECK_MESSAGE(failed.count(failingStep) == 1, update.err);
    CHECK_MESSAGE(done.count("rollback") == 1, update.err); // ...and the rollback took it out again
    emulator.clearFaults();

    CHECK(keyIds(emulator) == keysBefore); // no stray new key
    CHECK(granted(emulator).roles == grantsBefore.roles);
    CHECK(declaredIds(emulator) == declaredBefore);
    CHECK(host.configValue("instance") == before);
    CHECK(secretKeys(host) == secretsBefore);
    CHECK_FALSE(hasJournal(host));
    auto acquire = host.run({"acquire", "--resource", "graph", "--bypass-cache"});
    CHECK_MESSAGE(acquire.exitCode == 0, acquire.err);
}

} // namespace

TEST_CASE("a failed grant batch rolls the update back and the old configuration keeps working") {
    checkFailedUpdateLeavesOldConfiguration(
        {{"method", "POST"}, {"path", "/v1.0/$batch"}, {"kind", "status"}, {"status", 403}, {"count", 1}},
        "exchange,onedrive", "grant_permissions");
}

TEST_CASE("a failed revoke rolls the update back and the old configuration keeps working") {
    checkFailedUpdateLeavesOldConfiguration({{"method", "DELETE"},
                                             {"path", "/v1.0/servicePrincipals/*/appRoleAssignedTo/*"},
                                             {"kind", "status"},
                                             {"status", 403},
                                             {"count", 1}},
                                            "sharepoint", "revoke_permissions");
}

namespace {

/// An update killed (SIGKILL) at `point`, then a second update: it settles the journal and converges on
/// the application holding exactly the record's key, exactly the needed grants, consistent stores.
void checkKilledUpdateConverges(const std::string& point) {
    wptest::EmulatorProcess emulator(m365it::emulatorOptions());
    StubHost host(emulator);
    REQUIRE(host.run(host.setupArgs({"workloads=exchange", "validity_days=10"})).exitCode == 0);
    auto args = actionArgs(host, "update", {"workloads=exchange,onedrive"});
    auto killed = host.run(args, {{"M365_PLUGIN_TEST_KILL_AT", point}});
    CHECK(killed.exitCode == 128 + SIGKILL);
    CHECK(hasJournal(host));

    auto again = host.run(args);
    REQUIRE_MESSAGE(again.exitCode == 0, again.err);
    auto record = nlohmann::json::parse(*host.configValue("instance"));
    CHECK(keyIds(emulator) == std::set<std::string>{record["certificate"]["key_id"].get<std::string>()});
    RoleSet expected = kExchangeRoles;
    expected.insert({kGraph, "Files.Read.All"});
    auto now = granted(emulator);
    CHECK(now.roles == expected);
    CHECK(declaredIds(emulator) == now.ids);
    std::string secret = "credential." + record["certificate"]["thumbprint_sha1"].get<std::string>();
    std::transform(secret.begin(), secret.end(), secret.begin(), ::tolower);
    CHECK(secretKeys(host) == std::vector<std::string>{secret});
    CHECK_FALSE(hasJournal(host));
    auto acquire = host.run({"acquire", "--resource", "graph", "--bypass-cache"});
    CHECK_MESSAGE(acquire.exitCode == 0, acquire.err);
}

} // namespace

TEST_CASE("an update killed after adding the key is undone and redone by the next update") {
    checkKilledUpdateConverges("update_key_added");
}

TEST_CASE("an update killed after granting is undone and redone by the next update") {
    checkKilledUpdateConverges("update_granted");
}

TEST_CASE("an update killed after the switch is finished by the next update") {
    checkKilledUpdateConverges("update_switched");
}
