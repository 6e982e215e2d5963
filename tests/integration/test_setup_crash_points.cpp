// A host SIGKILLed at each step of setup that changes something (M365_PLUGIN_TEST_KILL_AT, kill_point.h)
// converges on the next command of that instance: the next setup cleans up and completes (the tenant ends
// with exactly the one application the instance record names), and remove leaves nothing. Checked against
// the emulator's state dump and the stores. One emulator per test case (without auto-approve delay or
// replication delay: the points are deterministic, not timing); each point has an instance of its own.
#include "stub_host.h"

#include <doctest/doctest.h>

#include <algorithm>
#include <csignal>
#include <set>
#include <string>
#include <vector>

using m365it::StubHost;

namespace {

/// Where the killed setup stopped, and what the next command must find.
enum class Next { Setup, Remove };

struct KillPoint {
    const char* name;
    Next next;
};

wptest::EmulatorProcess::Options fastEmulator() {
    wptest::EmulatorProcess::Options options;
    options.replicationDelayMs = 0;
    options.extraArgs = {"--device-code-interval",       "1", "--auto-approve", "0", "--as",
                         "admin@contoso.onmicrosoft.com"};
    return options;
}

std::string applicationName(const std::string& instance) {
    return "Workload Backup (" + instance + ")";
}

/// The emulator's objects that belong to one instance's application name.
struct TenantView {
    std::vector<nlohmann::json> applications;
    std::vector<nlohmann::json> servicePrincipals; ///< of those applications' appIds
    std::vector<nlohmann::json> assignments;       ///< held by those service principals
};

TenantView tenantView(const wptest::EmulatorProcess& emulator, const std::string& instance) {
    auto state = emulator.state(); // a named copy: iterating a temporary's member dangles
    TenantView view;
    std::set<std::string> appIds, principalIds;
    for (const auto& application : state["applications"])
        if (application.value("displayName", "") == applicationName(instance)) {
            view.applications.push_back(application);
            appIds.insert(application.value("appId", ""));
        }
    for (const auto& sp : state["servicePrincipals"])
        if (appIds.count(sp.value("appId", "")) || sp.value("displayName", "") == applicationName(instance)) {
            view.servicePrincipals.push_back(sp);
            principalIds.insert(sp.value("id", ""));
        }
    for (const auto& assignment : state["appRoleAssignments"])
        if (principalIds.count(assignment.value("principalId", "")))
            view.assignments.push_back(assignment);
    return view;
}

/// Tenant-wide: no service principal of ours without its application, no assignment without its holder.
void checkNoOrphans(const wptest::EmulatorProcess& emulator) {
    auto state = emulator.state();
    std::set<std::string> appIds, principalIds;
    for (const auto& application : state["applications"])
        appIds.insert(application.value("appId", ""));
    for (const auto& sp : state["servicePrincipals"]) {
        principalIds.insert(sp.value("id", ""));
        if (sp.value("displayName", "").rfind("Workload Backup", 0) == 0)
            CHECK_MESSAGE(appIds.count(sp.value("appId", "")) == 1,
                          "orphaned service principal " << sp.dump());
    }
    for (const auto& assignment : state["appRoleAssignments"])
        CHECK_MESSAGE(principalIds.count(assignment.value("principalId", "")) == 1,
                      "orphaned assignment " << assignment.dump());
}

/// The converged state of a completed setup: one application, the one the record names, with its service
/// principal and exactly the recorded grants; the stores hold the record and its one secret, no journal.
void checkConfigured(const wptest::EmulatorProcess& emulator, StubHost& host) {
    auto text = host.configValue("instance");
    REQUIRE(text);
    auto record = nlohmann::json::parse(*text);
    auto view = tenantView(emulator, host.instance());
    REQUIRE(view.applications.size() == 1);
    CHECK(view.applications[0]["id"] == record["application"]["object_id"]);
    REQUIRE(view.servicePrincipals.size() == 1);
    CHECK(view.servicePrincipals[0]["id"] == record["application"]["service_principal_id"]);
    CHECK(view.assignments.size() == record["permissions"].size());
    auto keys = view.applications[0]["keyCredentials"];
    REQUIRE(keys.size() == 1);
    CHECK(keys[0]["keyId"] == record["certificate"]["key_id"]);
    std::vector<std::string> secrets, config;
    for (const auto& key : host.storedKeys())
        (key.rfind("secret:", 0) == 0 ? secrets : config).push_back(key.substr(key.find(':') + 1));
    CHECK(secrets == std::vector<std::string>{record["certificate"]["secret_key"].get<std::string>()});
    CHECK(std::count(config.begin(), config.end(), "journal") == 0);
}

void checkRemoved(const wptest::EmulatorProcess& emulator, StubHost& host) {
    auto view = tenantView(emulator, host.instance());
    CHECK(view.applications.empty());
    CHECK(view.servicePrincipals.empty());
    CHECK(view.assignments.empty());
    CHECK(host.storedKeys().empty());
}

/// Kills a setup at `point` (a fresh instance each), then runs the next command and checks it converged.
void killAndConverge(const wptest::EmulatorProcess& emulator, const KillPoint& point) {
    CAPTURE(point.name);
    StubHost host(emulator, std::string("crash-") + point.name + (point.next == Next::Remove ? "-rm" : ""));
    auto killed =
        host.run(host.setupArgs({"workloads=onedrive"}), {{"M365_PLUGIN_TEST_KILL_AT", point.name}});
    REQUIRE_MESSAGE(killed.exitCode == 128 + SIGKILL, killed.err);
    CHECK(host.configValue("journal")); // every point lies inside the journal's lifetime

    bool committed = std::string(point.name) == "setup_committed";
    if (point.next == Next::Remove) {
        auto remove = host.run({"configure", "--action", "remove"});
        REQUIRE_MESSAGE(remove.exitCode == 0, remove.err);
        checkRemoved(emulator, host);
    } else {
        auto again = host.run(host.setupArgs({"workloads=onedrive"}));
        if (committed) {
            // It had completed: the instance is configured, and the stale journal is cleared on the way.
            CHECK(again.exitCode == WP_E_CONFLICT);
            CHECK(again.errorCode() == "config.already_configured");
        } else {
            REQUIRE_MESSAGE(again.exitCode == 0, again.err);
        }
        checkConfigured(emulator, host);
    }
    checkNoOrphans(emulator);
}

} // namespace

TEST_CASE("setup killed before or at its application create converges on the next setup") {
    wptest::EmulatorProcess emulator(fastEmulator());
    for (const auto& point :
         {KillPoint{"setup_journaled", Next::Setup}, KillPoint{"setup_application_created", Next::Setup},
          KillPoint{"setup_application_recorded", Next::Setup}})
        killAndConverge(emulator, point);
}

TEST_CASE("setup killed at its service principal or grants converges on the next setup") {
    wptest::EmulatorProcess emulator(fastEmulator());
    for (const auto& point : {KillPoint{"setup_service_principal_created", Next::Setup},
                              KillPoint{"setup_service_principal_recorded", Next::Setup},
                              KillPoint{"setup_granted", Next::Setup}})
        killAndConverge(emulator, point);
}

TEST_CASE("setup killed after verifying or while committing converges on the next setup") {
    wptest::EmulatorProcess emulator(fastEmulator());
    for (const auto& point :
         {KillPoint{"setup_verified", Next::Setup}, KillPoint{"setup_secret_stored", Next::Setup},
          KillPoint{"setup_committed", Next::Setup}})
        killAndConverge(emulator, point);
}

TEST_CASE("setup killed at a step is cleaned up by remove") {
    wptest::EmulatorProcess emulator(fastEmulator());
    for (const auto& point :
         {KillPoint{"setup_application_created", Next::Remove},
          KillPoint{"setup_service_principal_created", Next::Remove},
          KillPoint{"setup_secret_stored", Next::Remove}, KillPoint{"setup_committed", Next::Remove}})
        killAndConverge(emulator, point);
}
