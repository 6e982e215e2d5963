// fleet_setup_outage_test.cpp -- the PostgreSQL server stops in the middle of an M365 setup: the setup
// fails with "unavailable" and rolls back in the tenant (which needs nothing from the store), and a setup
// after the server is back succeeds (clearing the journal the failed one could not remove).
#include "emulator_process.h"
#include "fleet_host.hpp"
#include "postgres_server.hpp"

#include <doctest/doctest.h>
#include <nlohmann/json.hpp>

#include <chrono>
#include <csignal>
#include <thread>

using namespace wphost::test;

namespace {

std::vector<std::string> setupArgs(const wptest::EmulatorProcess& emulator) {
    return {"configure",
            "--action",
            "setup",
            "--set",
            "tenant=" + emulator.tenantDomain(),
            "--set",
            "cloud=custom",
            "--set",
            "authority_host=" + emulator.authority(),
            "--set",
            "graph_host=" + emulator.graph(),
            "--set",
            "ca_file=" + emulator.caFile(),
            "--set",
            "verify_timeout_s=60",
            "--set",
            "workloads=onedrive"};
}

/// Waits until the setup created its application and the emulator is holding back the grants' $batch
/// (the fault rule is consumed when the request arrives; the delay follows).
bool waitForDelayedGrants(const wptest::EmulatorProcess& emulator) {
    auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(60);
    while (std::chrono::steady_clock::now() < deadline) {
        auto faults = emulator.client().get("/_emulator/faults").json();
        auto state = emulator.state();
        if (faults["value"].empty() && !state["applications"].empty())
            return true;
        std::this_thread::sleep_for(std::chrono::milliseconds(50));
    }
    return false;
}

} // namespace

TEST_CASE("the PostgreSQL server stopped in the middle of a setup: the setup fails as unavailable and is "
          "rolled back in the tenant, and succeeds once the server is back") {
    PostgresServer server;
    std::string uri = server.uri(server.createDatabase());
    wptest::EmulatorProcess::Options emulatorOptions;
    emulatorOptions.replicationDelayMs = 300;
    emulatorOptions.extraArgs = {"--device-code-interval",       "1", "--auto-approve", "1", "--as",
                                 "admin@contoso.onmicrosoft.com"};
    wptest::EmulatorProcess emulator(emulatorOptions);
    FleetHost host(uri, 0);

    // The application and its service principal exist, the grants are on their way: the server dies
    // (immediate shutdown, like a crash) while the emulator holds the grants' request for 5 s.
    emulator.addFault(
        {{"method", "POST"}, {"path", "/v1.0/$batch"}, {"kind", "delay"}, {"delay_ms", 5000}, {"count", 1}});
    auto setup = host.start(setupArgs(emulator));
    REQUIRE(waitForDelayedGrants(emulator));
    auto created = emulator.state()["applications"];
    REQUIRE(created.size() == 1);
    server.stop(SIGQUIT);

    FleetRun failed = host.finish(*setup);
    CHECK(failed.exitCode == WP_E_UNAVAILABLE);
    CHECK(failed.resultCode().rfind("store.", 0) == 0);
    INFO(failed.errors);
    CHECK(failed.errors.find("the tenant is rolled back") != std::string::npos);
    auto state = emulator.state(); // a named copy: a range-for over a temporary's member dangles
    CHECK(state["applications"].empty());
    for (const auto& principal : state["servicePrincipals"])
        CHECK(principal.value("appId", "") != created[0].value("appId", ""));
    CHECK(state["appRoleAssignments"].empty());

    // Back up: the journal the failed run could not clear is cleaned up (its objects are gone already) and
    // a new setup succeeds; every host of the fleet can use it.
    server.start();
    CHECK_FALSE(host.configValue("journal").empty());
    CHECK(host.configValue("instance").empty());
    FleetRun again = host.run(setupArgs(emulator));
    REQUIRE_MESSAGE(again.exitCode == 0, again.errors);
    CHECK(host.configValue("journal").empty());
    auto applications = emulator.state()["applications"];
    REQUIRE(applications.size() == 1);
    CHECK(applications[0]["id"] != created[0]["id"]);
    FleetHost other(uri, 1);
    FleetRun acquire = other.run({"acquire", "--resource", "graph"});
    CHECK_MESSAGE(acquire.exitCode == 0, acquire.errors);
}
