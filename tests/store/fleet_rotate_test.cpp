// fleet_rotate_test.cpp -- four stub host processes, one PostgreSQL store, one M365 instance, one rotation.
#include "emulator_process.h"
#include "fleet_host.hpp"
#include "postgres_server.hpp"

#include <doctest/doctest.h>
#include <nlohmann/json.hpp>

#include <algorithm>
#include <memory>

using namespace wphost::test;

namespace {

std::string rotateOutcome(const FleetRun& run) {
    auto result = run.resultEvent();
    return result.is_null() ? std::string() : result.value("outcome", "");
}

} // namespace

TEST_CASE("four stub host processes rotate the same instance concurrently through PostgreSQL: exactly one "
          "rotation, all four end with the same working configuration") {
    PostgresServer server;
    std::string uri = server.uri(server.createDatabase());
    wptest::EmulatorProcess::Options emulatorOptions;
    emulatorOptions.replicationDelayMs = 300;
    emulatorOptions.extraArgs = {"--device-code-interval",       "1", "--auto-approve", "1", "--as",
                                 "admin@contoso.onmicrosoft.com"};
    wptest::EmulatorProcess emulator(emulatorOptions);

    std::vector<std::unique_ptr<FleetHost>> hosts;
    for (int i = 0; i < 4; ++i) {
        hosts.push_back(std::make_unique<FleetHost>(uri, i));
    }
    FleetRun setup =
        hosts[0]->run({"configure", "--action", "setup", "--set", "tenant=" + emulator.tenantDomain(),
                       "--set", "cloud=custom", "--set", "authority_host=" + emulator.authority(), "--set",
                       "graph_host=" + emulator.graph(), "--set", "ca_file=" + emulator.caFile(), "--set",
                       "verify_timeout_s=60", "--set", "workloads=onedrive"});
    REQUIRE_MESSAGE(setup.exitCode == 0, setup.errors);
    auto before = nlohmann::json::parse(hosts[0]->configValue("instance"));

    // All four at once, each its own process on its own "machine".
    std::vector<std::unique_ptr<wptest::ChildProcess>> rotations;
    for (auto& host : hosts) {
        rotations.push_back(host->start({"configure", "--action", "rotate"}));
    }
    int rotated = 0;
    for (std::size_t i = 0; i < hosts.size(); ++i) {
        FleetRun run = hosts[i]->finish(*rotations[i]);
        CHECK_MESSAGE(run.exitCode == 0, run.errors);
        rotated += rotateOutcome(run) == "rotated" ? 1 : 0;
    }
    CHECK(rotated == 1);

    // One rotation in the tenant and in the audit trail; the application holds exactly the new key.
    std::string record = hosts[0]->configValue("instance");
    auto after = nlohmann::json::parse(record);
    CHECK(after["certificate"]["thumbprint_sha1"] != before["certificate"]["thumbprint_sha1"]);
    int audited = 0;
    for (const auto& entry : after["audit"]) {
        audited += entry["action"] == "rotate" ? 1 : 0;
    }
    CHECK(audited == 1);
    auto applications = emulator.state().value("applications", nlohmann::json::array());
    REQUIRE(applications.size() == 1);
    REQUIRE(applications[0]["keyCredentials"].size() == 1);
    CHECK(applications[0]["keyCredentials"][0]["keyId"] == after["certificate"]["key_id"]);

    // Every host reads the same configuration and gets a fresh token with it.
    for (auto& host : hosts) {
        CHECK(host->configValue("instance") == record);
        FleetRun acquire = host->run({"acquire", "--resource", "graph"});
        CHECK_MESSAGE(acquire.exitCode == 0, acquire.errors);
    }
}
