// Failures after the first object was created roll everything back; a host killed mid-way is cleaned up
// by the next configure; replication delay is waited out without fixed sleeps.
#include "stub_host.h"

#include <doctest/doctest.h>

#include <csignal>
#include <thread>

using m365it::StubHost;

namespace {

void checkRolledBack(const wptest::EmulatorProcess& emulator, StubHost& host) {
    CHECK(m365it::createdApplications(emulator).empty());
    auto state = emulator.state(); // a named copy: a range-for over a temporary's member dangles
    for (const auto& sp : state["servicePrincipals"])
        CHECK(sp["displayName"].get<std::string>().find("Workload Backup") == std::string::npos);
    CHECK(state["appRoleAssignments"].empty());
    CHECK(host.storedKeys().empty());
}

/// Waits until the emulator holds an application with a service principal (the run is past its first
/// creates).
bool waitForServicePrincipal(const wptest::EmulatorProcess& emulator, std::chrono::milliseconds timeout) {
    auto deadline = std::chrono::steady_clock::now() + timeout;
    while (std::chrono::steady_clock::now() < deadline) {
        auto state = emulator.state();
        for (const auto& application : state["applications"])
            for (const auto& sp : state["servicePrincipals"])
                if (sp["appId"] == application["appId"])
                    return true;
        std::this_thread::sleep_for(std::chrono::milliseconds(50));
    }
    return false;
}

/// Starts a setup whose $batch grant is held back `delay`, and returns once the run is past its first
/// creates (the emulator holds its application and service principal).
std::unique_ptr<wptest::ChildProcess> startSetupHeldAtGrants(wptest::EmulatorProcess& emulator,
                                                             StubHost& host, int delayMs,
                                                             std::vector<std::string> settings = {}) {
    emulator.addFault({{"method", "POST"},
                       {"path", "/v1.0/$batch"},
                       {"kind", "delay"},
                       {"delay_ms", delayMs},
                       {"count", 1}});
    settings.insert(settings.begin(), "workloads=onedrive");
    auto process = host.start(host.setupArgs(settings));
    REQUIRE(waitForServicePrincipal(emulator, std::chrono::seconds(60)));
    return process;
}

} // namespace

TEST_CASE("a failure at each Graph step after the first create rolls back to nothing") {
    struct Step {
        const char* name;
        const char* path;
    };
    for (auto step : {Step{"create_service_principal", "/v1.0/servicePrincipals"},
                      Step{"grant_permissions", "/v1.0/$batch"}}) {
        CAPTURE(step.name);
        wptest::EmulatorProcess emulator(m365it::emulatorOptions());
        StubHost host(emulator);
        emulator.addFault(
            {{"method", "POST"}, {"path", step.path}, {"kind", "status"}, {"status", 403}, {"count", 100}});
        auto run = host.run(host.setupArgs({"workloads=onedrive"}));
        CHECK(run.exitCode != 0);
        bool failedThere = false, rolledBack = false;
        for (const auto& event : run.ofType("event")) {
            const auto& data = event["data"];
            if (data.value("step", "") == step.name && data.value("state", "") == "failed")
                failedThere = true;
            if (data.value("step", "") == "rollback" && data.value("state", "") == "done")
                rolledBack = true;
        }
        CHECK(failedThere);
        CHECK(rolledBack);
        emulator.clearFaults();
        checkRolledBack(emulator, host);
    }
}

TEST_CASE("a verification failure (token endpoint refusing the new app) rolls back to nothing") {
    wptest::EmulatorProcess emulator(m365it::emulatorOptions());
    StubHost host(emulator);
    // Hold the grants for a moment so the token-endpoint fault lands after the admin signed in.
    auto process = startSetupHeldAtGrants(emulator, host, 2500, {"verify_timeout_s=3"});
    emulator.addFault({{"method", "POST"},
                       {"path", "/*/oauth2/v2.0/token"},
                       {"kind", "status"},
                       {"status", 401},
                       {"count", 1000}});
    auto run = host.finish(*process);
    CHECK(run.exitCode != 0);
    emulator.clearFaults();
    checkRolledBack(emulator, host);
}

TEST_CASE("cancel after the first create rolls back to nothing") {
    wptest::EmulatorProcess emulator(m365it::emulatorOptions());
    StubHost host(emulator);
    auto process = startSetupHeldAtGrants(emulator, host, 4000);
    ::kill(process->pid(), SIGINT); // the stub host turns Ctrl-C into a cancel request
    auto run = host.finish(*process);
    CHECK(run.exitCode == WP_E_CANCELLED);
    emulator.clearFaults();
    checkRolledBack(emulator, host);
}

TEST_CASE("a host killed mid-way is cleaned up by the next setup which then succeeds") {
    wptest::EmulatorProcess emulator(m365it::emulatorOptions());
    StubHost host(emulator);
    auto process = startSetupHeldAtGrants(emulator, host, 5000);
    ::kill(process->pid(), SIGKILL);
    process->wait(std::chrono::seconds(10));
    emulator.clearFaults();
    auto leftover = m365it::createdApplications(emulator);
    REQUIRE(leftover.size() == 1);
    auto keys = host.storedKeys();
    CHECK(std::count(keys.begin(), keys.end(), "config:journal") == 1);
    CHECK(std::count(keys.begin(), keys.end(), "config:instance") == 0);

    auto again = host.run(host.setupArgs({"workloads=onedrive"}));
    REQUIRE_MESSAGE(again.exitCode == 0, again.err);
    auto applications = m365it::createdApplications(emulator);
    REQUIRE(applications.size() == 1);
    CHECK(applications[0]["id"] != leftover[0]["id"]);
    keys = host.storedKeys();
    CHECK(std::count(keys.begin(), keys.end(), "config:journal") == 0);
}

TEST_CASE("a host killed mid-way is cleaned up by remove") {
    wptest::EmulatorProcess emulator(m365it::emulatorOptions());
    StubHost host(emulator);
    auto process = startSetupHeldAtGrants(emulator, host, 5000);
    ::kill(process->pid(), SIGKILL);
    process->wait(std::chrono::seconds(10));
    emulator.clearFaults();
    auto remove = host.run({"configure", "--action", "remove"});
    CHECK_MESSAGE(remove.exitCode == 0, remove.err);
    checkRolledBack(emulator, host);
}

TEST_CASE("replication delay of several seconds: setup still succeeds") {
    wptest::EmulatorProcess emulator(m365it::emulatorOptions("admin@contoso.onmicrosoft.com", 4000));
    StubHost host(emulator);
    auto run = host.run(host.setupArgs({"workloads=[\"onedrive\",\"sharepoint\"]"}));
    REQUIRE_MESSAGE(run.exitCode == 0, run.err);
    CHECK(m365it::createdApplications(emulator).size() == 1);
    CHECK(host.run({"validate"}).exitCode == 0);
}
