// host_stub_fleet_test.cpp -- host_stub processes sharing one PostgreSQL store, as a fleet runs them.
#include "child_process.h"
#include "postgres_server.hpp"
#include "store_test_support.hpp"

#include <doctest/doctest.h>

using namespace wphost::test;
using namespace std::chrono_literals;

namespace {

const std::string ApiKeyCanary = "fleet-api-key-canary-93c1e5aa";
const std::string MasterKey = "AAECAwQFBgcICQoLDA0ODxAREhMUFRYXGBkaGxwdHh8=";

struct FleetRun {
    int exitCode = -1;
    std::string output; // stdout and stderr
};

/// One host_stub run with the example plugin on the shared database; every host has the same master key
/// (WP_HOST_MASTER_KEY) and no key file, as docs/fleet.md says.
FleetRun runFleetHost(const ScratchDir& dir, const std::string& uri, std::vector<std::string> arguments) {
    static int runs = 0;
    wptest::ChildProcess::Options options;
    options.argv = {HOST_STUB_PATH};
    options.argv.insert(options.argv.end(), arguments.begin(), arguments.end());
    for (const char* extra : {"--plugin", EXAMPLE_PLUGIN_PATH, "--store"}) {
        options.argv.emplace_back(extra);
    }
    options.argv.push_back(uri);
    options.extraEnv["WP_HOST_MASTER_KEY"] = MasterKey;
    options.extraEnv["XDG_STATE_HOME"] = dir.file("state"); // nothing under ~/.local/state
    options.stderrFile = dir.file("stderr-" + std::to_string(++runs) + ".txt");
    wptest::ChildProcess child(options);
    FleetRun run;
    while (auto line = child.readLine(60s)) {
        run.output += *line + "\n";
    }
    auto code = child.wait(60s);
    run.exitCode = code ? *code : child.stop();
    run.output += readFileBytes(options.stderrFile);
    return run;
}

} // namespace

TEST_CASE("host_stub processes share one PostgreSQL store: configured on one host, used on the others") {
    if (!PostgresServer::available()) {
        MESSAGE("PostgreSQL server binaries not installed (scripts/deps.sh installs them)");
        return;
    }
    ScratchDir dir;
    PostgresServer server;
    std::string uri = server.uri(server.createDatabase());
    // A password in the URI (trust auth ignores it) must never be printed.
    std::string uriWithPassword =
        "postgresql://wp:hunter2-db-password@127.0.0.1:" + std::to_string(server.port()) +
        uri.substr(uri.rfind('/'));

    FleetRun setup =
        runFleetHost(dir, uriWithPassword,
                     {"configure", "--instance", "oslo", "--action", "setup", "--set", "city=Oslo", "--set",
                      "units=metric", "--set", "api_key=" + ApiKeyCanary, "--verbose"});
    REQUIRE_MESSAGE(setup.exitCode == 0, setup.output);
    CHECK(setup.output.find("hunter2-db-password") == std::string::npos);

    // Other hosts (other processes, no shared files) see the instance and can use its secret.
    FleetRun validate = runFleetHost(dir, uri, {"validate", "--instance", "oslo", "--offline"});
    CHECK_MESSAGE(validate.exitCode == 0, validate.output);
    FleetRun acquire = runFleetHost(dir, uri, {"acquire", "--instance", "oslo", "--resource", "forecast"});
    CHECK_MESSAGE(acquire.exitCode == 0, acquire.output);
    FleetRun status = runFleetHost(dir, uri, {"status"});
    CHECK(status.output.find("oslo") != std::string::npos);
    FleetRun listed = runFleetHost(dir, uri, {"store", "list", "--instance", "oslo", "--secrets"});
    CHECK(listed.exitCode == 0);
    CHECK(listed.output.find("********") != std::string::npos);

    // The server only ever saw ciphertext.
    CHECK(server.query(uri.substr(uri.rfind('/') + 1),
                       "SELECT count(*) FROM entries WHERE kind = 'secret'") != "0");
    CHECK(server.query(uri.substr(uri.rfind('/') + 1), "SELECT count(*) FROM entries WHERE position('" +
                                                           ApiKeyCanary + "'::bytea in value) > 0") == "0");
    for (const FleetRun* run : {&setup, &validate, &acquire, &status, &listed}) {
        CHECK(run->output.find(ApiKeyCanary) == std::string::npos);
    }

    // With the server gone, a host fails cleanly with unavailable (8).
    server.stop();
    FleetRun down = runFleetHost(dir, uri, {"validate", "--instance", "oslo", "--offline"});
    CHECK_MESSAGE(down.exitCode == WP_E_UNAVAILABLE, down.output);
    CHECK(down.output.find("store.unavailable") != std::string::npos);
}
