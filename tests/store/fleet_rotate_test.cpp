// fleet_rotate_test.cpp -- four stub host processes, one PostgreSQL store, one M365 instance, one rotation.
#include "child_process.h"
#include "emulator_process.h"
#include "postgres_server.hpp"
#include "store_test_support.hpp"

#include <doctest/doctest.h>
#include <nlohmann/json.hpp>

#include <algorithm>
#include <memory>

using namespace wphost::test;
using namespace std::chrono_literals;

namespace {

const std::string MasterKey = "AAECAwQFBgcICQoLDA0ODxAREhMUFRYXGBkaGxwdHh8=";

struct Run {
    int exitCode = -1;
    std::vector<nlohmann::json> lines;
    std::string errors;
};

/// One machine of the fleet: its own state directory, the shared database and the shared master key.
class FleetHost {
public:
    FleetHost(std::string uri, int number) : _uri(std::move(uri)), _number(number) {}

    std::unique_ptr<wptest::ChildProcess> start(const std::vector<std::string>& verbAndArgs) {
        wptest::ChildProcess::Options options;
        options.argv = {HOST_STUB_PATH, "--plugin", M365_PLUGIN_PATH, "--instance", "contoso",
                        "--store",      _uri,       "--json",         "--verbose"};
        options.argv.insert(options.argv.end(), verbAndArgs.begin(), verbAndArgs.end());
        options.extraEnv = {{"WP_HOST_MASTER_KEY", MasterKey}, {"XDG_STATE_HOME", _dir.file("state")}};
        ++_runs;
        options.stdoutFile = _dir.file("run" + std::to_string(_runs) + ".out");
        options.stderrFile = _dir.file("run" + std::to_string(_runs) + ".err");
        _out = options.stdoutFile;
        _err = options.stderrFile;
        return std::make_unique<wptest::ChildProcess>(options);
    }

    Run finish(wptest::ChildProcess& process) {
        Run run;
        auto status = process.wait(180s);
        run.exitCode = status ? *status : process.stop();
        std::string out = readFileBytes(_out);
        for (std::size_t start = 0, end; (end = out.find('\n', start)) != std::string::npos;
             start = end + 1) {
            if (end > start) {
                run.lines.push_back(nlohmann::json::parse(out.substr(start, end - start)));
            }
        }
        run.errors = "host " + std::to_string(_number) + ": " + readFileBytes(_err);
        return run;
    }

    Run run(const std::vector<std::string>& verbAndArgs) {
        auto process = start(verbAndArgs);
        return finish(*process);
    }

    /// The config value of key as this host reads it from the shared store.
    std::string configValue(const std::string& key) {
        for (const auto& line : run({"store", "get", key}).lines) {
            if (line.value("type", "") == "store_entry") {
                return line.value("value", "");
            }
        }
        return {};
    }

private:
    ScratchDir _dir;
    std::string _uri;
    int _number;
    int _runs = 0;
    std::string _out, _err;
};

std::string rotateOutcome(const Run& run) {
    for (const auto& line : run.lines) {
        if (line.value("type", "") == "event" && line["data"].value("event", "") == "result") {
            return line["data"].value("outcome", "");
        }
    }
    return {};
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
    Run setup =
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
        Run run = hosts[i]->finish(*rotations[i]);
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
        Run acquire = host->run({"acquire", "--resource", "graph"});
        CHECK_MESSAGE(acquire.exitCode == 0, acquire.errors);
    }
}
