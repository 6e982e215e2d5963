// host_stub_test.cpp -- the stub host as a user runs it: real processes, a scratch store, exit codes.
#include "child_process.h"
#include "store_test_support.hpp"

#include <Poco/JSON/Object.h>
#include <Poco/JSON/Parser.h>

#include <doctest/doctest.h>

#include <csignal>

using namespace wphost::test;
using namespace std::chrono_literals;

namespace {

const std::string FixtureToken = "fixture-token-0e6c41d2-never-print-me";
const std::string ApiKeyCanary = "api-key-canary-4d1f9a7b";

struct HostRun {
    int exitCode = -1;
    std::vector<std::string> lines; // stdout
    std::string errors;             // stderr
    std::string output() const {
        std::string all;
        for (const auto& line : lines) {
            all += line + "\n";
        }
        return all + errors;
    }
};

std::vector<std::string> storeArgs(const ScratchDir& dir) {
    return {"--store", dir.file("store.db"), "--master-key", dir.file("master.key")};
}

std::vector<std::string> plus(std::vector<std::string> a, const std::vector<std::string>& b) {
    a.insert(a.end(), b.begin(), b.end());
    return a;
}

/// Starts host_stub with arguments; onLine may act on each stdout line (e.g. send a signal).
template <typename OnLine>
HostRun runHost(const ScratchDir& dir, const std::vector<std::string>& arguments, OnLine&& onLine) {
    static int runs = 0;
    wptest::ChildProcess::Options options;
    options.argv = plus({HOST_STUB_PATH}, arguments);
    options.stderrFile = dir.file("stderr-" + std::to_string(++runs) + ".txt");
    wptest::ChildProcess child(options);
    HostRun run;
    while (auto line = child.readLine(60s)) {
        run.lines.push_back(*line);
        onLine(child, *line);
    }
    auto code = child.wait(60s);
    run.exitCode = code ? *code : child.stop();
    run.errors = readFileBytes(options.stderrFile);
    return run;
}

HostRun runHost(const ScratchDir& dir, const std::vector<std::string>& arguments) {
    return runHost(dir, arguments, [](wptest::ChildProcess&, const std::string&) {});
}

Poco::JSON::Object::Ptr parseLine(const std::string& line) {
    return Poco::JSON::Parser().parse(line).extract<Poco::JSON::Object::Ptr>();
}

/// The JSON lines of a --json run with the given "type".
std::vector<Poco::JSON::Object::Ptr> linesOfType(const HostRun& run, const std::string& type) {
    std::vector<Poco::JSON::Object::Ptr> found;
    for (const auto& line : run.lines) {
        auto object = parseLine(line);
        if (object->getValue<std::string>("type") == type) {
            found.push_back(object);
        }
    }
    return found;
}

std::vector<std::string> example(const ScratchDir& dir, std::vector<std::string> arguments) {
    return plus(plus(std::move(arguments), {"--plugin", EXAMPLE_PLUGIN_PATH}), storeArgs(dir));
}

std::vector<std::string> fixture(const ScratchDir& dir, std::vector<std::string> arguments) {
    return plus(plus(std::move(arguments), {"--plugin", FIXTURE_PLUGIN_PATH, "--json"}), storeArgs(dir));
}

} // namespace

TEST_CASE("host_stub --help exits 0 and documents verbs, options and exit codes") {
    ScratchDir dir;
    HostRun run = runHost(dir, {"--help"});
    CHECK(run.exitCode == 0);
    std::string text = run.output();
    for (const char* expected : {"configure --action NAME", "--non-interactive", "--master-key",
                                 "2 invalid_config", "9 cancelled", "13 internal"}) {
        CHECK_MESSAGE(text.find(expected) != std::string::npos, expected);
    }
}

TEST_CASE("a bad command line exits with invalid_argument (1)") {
    ScratchDir dir;
    CHECK(runHost(dir, {"info", "--no-such-option"}).exitCode == WP_E_INVALID_ARGUMENT);
    CHECK(runHost(dir, example(dir, {"frobnicate"})).exitCode == WP_E_INVALID_ARGUMENT);
    CHECK(runHost(dir, example(dir, {"configure"})).exitCode == WP_E_INVALID_ARGUMENT); // no --action
    CHECK(runHost(dir, {"info", "--plugin", dir.file("missing.so")}).exitCode == WP_E_NOT_FOUND);
}

TEST_CASE("info --json prints the descriptor as JSON lines") {
    ScratchDir dir;
    HostRun run = runHost(dir, example(dir, {"info", "--json"}));
    REQUIRE(run.exitCode == 0);
    REQUIRE(run.lines.size() == 2);
    auto info = parseLine(run.lines[0]);
    CHECK(info->getValue<std::string>("type") == "info");
    CHECK(info->getValue<std::string>("id") == "weather");
    CHECK(info->getValue<std::string>("abi_version") == "1.0");
    CHECK(info->getArray("actions")->size() >= 1);
    auto result = parseLine(run.lines[1]);
    CHECK(result->getValue<std::string>("type") == "result");
    CHECK(result->getValue<int>("status") == 0);
}

TEST_CASE("the example plugin is configured, validated and acquires a credential through the SQLite store") {
    ScratchDir dir;
    HostRun setup =
        runHost(dir, example(dir, {"configure", "--action", "setup", "--set", "city=Oslo", "--set",
                                   "units=metric", "--set", "api_key=" + ApiKeyCanary, "--json"}));
    REQUIRE_MESSAGE(setup.exitCode == 0, setup.output());
    CHECK(linesOfType(setup, "event").size() >= 1);

    HostRun validate = runHost(dir, example(dir, {"validate", "--json"}));
    CHECK(validate.exitCode == 0);
    CHECK(linesOfType(validate, "finding").size() >= 2);
    CHECK(linesOfType(validate, "fact").size() >= 1);

    HostRun acquire = runHost(dir, example(dir, {"acquire", "--resource", "forecast", "--json"}));
    REQUIRE(acquire.exitCode == 0);
    auto credentials = linesOfType(acquire, "credential");
    REQUIRE(credentials.size() == 1);
    CHECK(credentials[0]->getValue<std::string>("token") == "********");
    CHECK(credentials[0]->getValue<int>("token_length") > 0);

    HostRun shown =
        runHost(dir, example(dir, {"acquire", "--resource", "forecast", "--json", "--show-token"}));
    std::string token = linesOfType(shown, "credential").at(0)->getValue<std::string>("token");
    CHECK(token != "********");
    CHECK(acquire.output().find(token) == std::string::npos); // hidden without --show-token

    HostRun listed = runHost(dir, example(dir, {"store", "list", "--json"}));
    CHECK(listed.exitCode == 0);
    bool sawSecret = false;
    for (const auto& entry : linesOfType(listed, "store_entry")) {
        if (entry->getValue<std::string>("store") == "secret") {
            sawSecret = true;
            CHECK(entry->getValue<std::string>("value") == "********");
        }
    }
    CHECK(sawSecret);
    CHECK(listed.output().find(ApiKeyCanary) == std::string::npos);
    HostRun secret = runHost(dir, example(dir, {"store", "get", "api-key", "--secrets"}));
    CHECK(secret.exitCode == 0);
    CHECK(secret.output().find(ApiKeyCanary) == std::string::npos);
    CHECK(secret.output().find("********") != std::string::npos);
    CHECK(runHost(dir, example(dir, {"store", "get", "no-such-key"})).exitCode == WP_E_NOT_FOUND);
    CHECK(readFileBytes(dir.file("store.db")).find(ApiKeyCanary) == std::string::npos);
    CHECK(fileMode(dir.file("store.db")) == 0600);
    CHECK(fileMode(dir.file("master.key")) == 0600);
}

TEST_CASE("a bad setting exits with the plugin's wp_status") {
    ScratchDir dir;
    HostRun run = runHost(dir, example(dir, {"configure", "--action", "setup", "--set", "city=Oslo", "--set",
                                             "api_key=x", "--set", "units=kelvin", "--json"}));
    CHECK(run.exitCode == WP_E_INVALID_CONFIG);
    auto results = linesOfType(run, "result");
    REQUIRE(results.size() == 1);
    CHECK(results[0]->getValue<int>("status") == WP_E_INVALID_CONFIG);
    CHECK(results[0]->getValue<std::string>("code") == "config.units_invalid");
    // Nothing was half-written.
    CHECK(runHost(dir, example(dir, {"validate"})).exitCode == WP_E_INVALID_CONFIG);
}

TEST_CASE("status validates every configured instance offline and flags those needing attention") {
    ScratchDir dir;
    for (const char* instance : {"oslo", "bergen"}) {
        REQUIRE(runHost(dir, example(dir, {"configure", "--action", "setup", "--instance", instance, "--set",
                                           "city=Oslo", "--set", "units=metric", "--set", "api_key=k"}))
                    .exitCode == 0);
    }
    rawExecute(dir.file("store.db"), "DELETE FROM entries WHERE instance = 'bergen' AND kind = 'secret'");
    HostRun run = runHost(dir, example(dir, {"status", "--json"}));
    CHECK(run.exitCode == WP_E_INVALID_CONFIG);
    auto statuses = linesOfType(run, "instance_status");
    REQUIRE(statuses.size() == 2);
    CHECK(statuses[0]->getValue<std::string>("instance") == "bergen");
    CHECK(statuses[0]->getValue<bool>("needs_attention"));
    CHECK(statuses[0]->getValue<std::string>("worst_severity") == "error");
    CHECK(statuses[1]->getValue<std::string>("instance") == "oslo");
    CHECK(statuses[1]->getValue<int>("status") == 0);
}

TEST_CASE("an interactive sign-in shows the device code and --cancel-after cancels it cleanly") {
    ScratchDir dir;
    HostRun run = runHost(dir, fixture(dir, {"configure", "--action", "sign-in", "--cancel-after", "300"}));
    CHECK(run.exitCode == WP_E_CANCELLED);
    auto codes = linesOfType(run, "device_code");
    REQUIRE(codes.size() == 1);
    CHECK(codes[0]->getValue<std::string>("user_code") == "FIXT-CODE");
    CHECK(run.errors.find("FIXT-CODE") != std::string::npos); // shown to the person on stderr
    CHECK(linesOfType(run, "result").at(0)->getValue<std::string>("code") == "fixture.cancelled");
}

TEST_CASE("Ctrl-C cancels the running hook and a second Ctrl-C quits at once") {
    ScratchDir dir;
    SUBCASE("one SIGINT: the plugin sees the cancellation and returns cancelled") {
        HostRun run = runHost(dir, fixture(dir, {"configure", "--action", "sign-in"}),
                              [](wptest::ChildProcess& child, const std::string& line) {
                                  if (line.find("device_code") != std::string::npos) {
                                      ::kill(child.pid(), SIGINT);
                                  }
                              });
        CHECK(run.exitCode == WP_E_CANCELLED);
        CHECK(linesOfType(run, "result").at(0)->getValue<std::string>("code") == "fixture.cancelled");
    }
    SUBCASE("a plugin that ignores cancellation: the second SIGINT ends the process") {
        HostRun run =
            runHost(dir, fixture(dir, {"configure", "--action", "sign-in", "--set", "ignore_cancel=true"}),
                    [](wptest::ChildProcess& child, const std::string& line) {
                        // The second signal only once the first was seen (pending signals coalesce).
                        if (line.find("device_code") != std::string::npos ||
                            line.find("cancel_ignored") != std::string::npos) {
                            ::kill(child.pid(), SIGINT);
                        }
                    });
        CHECK(run.exitCode == WP_E_CANCELLED);
        CHECK(linesOfType(run, "result").empty()); // it did not wait for the hook
    }
}

TEST_CASE("--non-interactive gives no prompter and the plugin answers auth_required") {
    ScratchDir dir;
    HostRun run = runHost(dir, fixture(dir, {"configure", "--action", "sign-in", "--non-interactive"}));
    CHECK(run.exitCode == WP_E_AUTH_REQUIRED);
    CHECK(linesOfType(run, "device_code").empty());
}

TEST_CASE("a signed-in token reaches the job but never the screen without --show-token") {
    ScratchDir dir;
    REQUIRE(
        runHost(dir, fixture(dir, {"configure", "--action", "sign-in", "--set", "wait_ms=10"})).exitCode ==
        0);
    HostRun hidden = runHost(dir, fixture(dir, {"acquire", "--verbose"}));
    CHECK(hidden.exitCode == 0);
    CHECK(hidden.output().find(FixtureToken) == std::string::npos);
    HostRun hiddenText =
        runHost(dir, plus({"acquire", "--verbose", "--plugin", FIXTURE_PLUGIN_PATH}, storeArgs(dir)));
    CHECK(hiddenText.output().find(FixtureToken) == std::string::npos);
    HostRun shown = runHost(dir, fixture(dir, {"acquire", "--show-token"}));
    CHECK(linesOfType(shown, "credential").at(0)->getValue<std::string>("token") == FixtureToken);
    CHECK(readFileBytes(dir.file("store.db")).find(FixtureToken) == std::string::npos);
}

TEST_CASE("acquire --threads --repeat calls one instance from several threads, as backup jobs do") {
    ScratchDir dir;
    REQUIRE(runHost(dir, example(dir, {"configure", "--action", "setup", "--set", "city=Oslo", "--set",
                                       "units=metric", "--set", "api_key=k"}))
                .exitCode == 0);
    HostRun run = runHost(
        dir, example(dir, {"acquire", "--resource", "radar", "--threads", "4", "--repeat", "25", "--json"}));
    CHECK(run.exitCode == 0);
    CHECK(linesOfType(run, "credential").size() == 100);
    auto summary = linesOfType(run, "acquire_summary");
    REQUIRE(summary.size() == 1);
    CHECK(summary[0]->getValue<int>("acquired") == 100);
    CHECK(summary[0]->getValue<int>("failed") == 0);

    HostRun failing =
        runHost(dir, example(dir, {"acquire", "--resource", "nope", "--repeat", "3", "--json"}));
    CHECK(failing.exitCode == WP_E_INVALID_ARGUMENT);
    CHECK(linesOfType(failing, "acquire_error").size() == 3);
}
