// Certificate rotation without an admin (configure --action rotate) through the real stub host against the
// emulator: zero-downtime with a second host process acquiring throughout, a host SIGKILLed at each
// rotation step converging on the next run, two concurrent rotations making one, an expired certificate
// refused with a pointer to update.
#include "stub_host.h"

#include <doctest/doctest.h>

#include <algorithm>
#include <cctype>
#include <csignal>
#include <set>
#include <thread>

using m365it::finishOwn;
using m365it::startOwn;
using m365it::StubHost;
using m365it::tokenRequests;
using m365it::waitForTokenRequests;

namespace {

struct InstanceView {
    std::string thumbprint;
    std::string keyId;
    std::string secretKey;
};

InstanceView instanceView(StubHost& host) {
    auto text = host.configValue("instance");
    REQUIRE(text);
    auto record = nlohmann::json::parse(*text);
    const auto& certificate = record["certificate"];
    return {certificate["thumbprint_sha1"], certificate["key_id"], certificate["secret_key"]};
}

/// The keyCredentials of the one application setup created.
nlohmann::json applicationKeys(const wptest::EmulatorProcess& emulator) {
    auto applications = m365it::createdApplications(emulator);
    REQUIRE(applications.size() == 1);
    return applications[0]["keyCredentials"];
}

/// The end state every rotation must reach: the application holds exactly the key the instance record
/// names, the secret store exactly its credential, no journal, and a fresh token works.
void checkConverged(const wptest::EmulatorProcess& emulator, StubHost& host) {
    auto view = instanceView(host);
    auto keys = applicationKeys(emulator);
    REQUIRE(keys.size() == 1);
    CHECK(keys[0]["keyId"] == view.keyId);
    auto thumbprint = keys[0]["thumbprint"].get<std::string>();
    std::transform(thumbprint.begin(), thumbprint.end(), thumbprint.begin(), ::toupper);
    CHECK(thumbprint == view.thumbprint);
    std::vector<std::string> secrets, config;
    for (const auto& key : host.storedKeys()) {
        if (key.rfind("secret:", 0) == 0)
            secrets.push_back(key.substr(7));
        else
            config.push_back(key.substr(7));
    }
    CHECK(secrets == std::vector<std::string>{view.secretKey});
    CHECK(std::count(config.begin(), config.end(), "journal") == 0);
    auto acquire = host.run({"acquire", "--resource", "graph", "--bypass-cache"});
    CHECK_MESSAGE(acquire.exitCode == 0, acquire.err);
}

std::string rotateOutcome(const m365it::HostRun& run) {
    for (const auto& event : run.ofType("event"))
        if (event["data"].value("event", "") == "result")
            return event["data"].value("outcome", "");
    return {};
}

} // namespace

TEST_CASE("rotate swaps the certificate while another host process keeps acquiring tokens") {
    wptest::EmulatorProcess emulator(m365it::emulatorOptions());
    StubHost host(emulator);
    REQUIRE(host.run(host.setupArgs({"workloads=onedrive"})).exitCode == 0);
    auto before = instanceView(host);

    // A second stub host process loads the OLD certificate and fetches a fresh token every 20 ms.
    auto acquirer = startOwn(
        host, {"acquire", "--resource", "graph", "--bypass-cache", "--repeat", "0", "--interval", "20"},
        "acquirer");
    if (!waitForTokenRequests(emulator, tokenRequests(emulator) + 3)) {
        ::kill(acquirer.process->pid(), SIGTERM);
        auto failed = finishOwn(acquirer);
        FAIL("the acquirer does not acquire: " << failed.out << failed.err);
    }

    auto rotate = host.run({"configure", "--action", "rotate"});
    REQUIRE_MESSAGE(rotate.exitCode == 0, rotate.err);
    CHECK(rotateOutcome(rotate) == "rotated");
    auto after = instanceView(host);
    CHECK(after.thumbprint != before.thumbprint);
    CHECK(after.keyId != before.keyId);

    // The old key is gone from the application: the acquirer must have switched to the new one by itself.
    REQUIRE(waitForTokenRequests(emulator, tokenRequests(emulator) + 10));
    ::kill(acquirer.process->pid(), SIGTERM);
    auto acquired = finishOwn(acquirer);
    CHECK_MESSAGE(acquired.exitCode == 0, acquired.err);
    INFO(acquired.out.substr(acquired.out.size() > 600 ? acquired.out.size() - 600 : 0));
    auto summary = acquired.ofType("acquire_summary");
    REQUIRE(summary.size() == 1);
    CHECK(summary[0]["failed"] == 0);
    CHECK(summary[0]["acquired"].get<int>() > 10);
    checkConverged(emulator, host);
}

TEST_CASE("a host killed at each rotation step converges on the next rotate") {
    wptest::EmulatorProcess emulator(m365it::emulatorOptions());
    StubHost host(emulator);
    REQUIRE(host.run(host.setupArgs({"workloads=onedrive"})).exitCode == 0);
    for (const char* point :
         {"journaled", "secret_stored", "key_added", "verified", "switched", "key_removed"}) {
        CAPTURE(point);
        auto killed = host.run({"configure", "--action", "rotate"}, {{"M365_PLUGIN_TEST_KILL_AT", point}});
        CHECK(killed.exitCode == 128 + SIGKILL);
        auto again = host.run({"configure", "--action", "rotate"});
        REQUIRE_MESSAGE(again.exitCode == 0, again.err);
        checkConverged(emulator, host);
    }
}

TEST_CASE("two concurrent rotations of one instance make exactly one rotation") {
    wptest::EmulatorProcess emulator(m365it::emulatorOptions());
    StubHost host(emulator);
    REQUIRE(host.run(host.setupArgs({"workloads=onedrive"})).exitCode == 0);
    auto before = instanceView(host);
    auto first = startOwn(host, {"configure", "--action", "rotate"}, "first");
    auto second = startOwn(host, {"configure", "--action", "rotate"}, "second");
    auto a = finishOwn(first);
    auto b = finishOwn(second);
    CHECK_MESSAGE(a.exitCode == 0, a.err);
    CHECK_MESSAGE(b.exitCode == 0, b.err);
    CAPTURE(rotateOutcome(a));
    CAPTURE(rotateOutcome(b));
    std::multiset<std::string> outcomes{rotateOutcome(a), rotateOutcome(b)};
    CHECK(outcomes == std::multiset<std::string>{"adopted", "rotated"});
    CHECK(instanceView(host).thumbprint != before.thumbprint);
    checkConverged(emulator, host);
    auto rotations = 0;
    auto record = nlohmann::json::parse(*host.configValue("instance"));
    for (const auto& entry : record["audit"])
        rotations += entry["action"] == "rotate" ? 1 : 0;
    CHECK(rotations == 1);
}

TEST_CASE("rotate refuses an expired certificate and points to update") {
    wptest::EmulatorProcess emulator(m365it::emulatorOptions());
    StubHost host(emulator);
    REQUIRE(host.run(host.setupArgs({"workloads=onedrive", "validity_days=1"})).exitCode == 0);
    emulator.setClockOffset(std::chrono::hours(48));
    auto rotate = host.run({"configure", "--action", "rotate"}, {{"M365_PLUGIN_NOW_OFFSET_S", "172800"}});
    CHECK(rotate.exitCode == WP_E_INVALID_CONFIG);
    CHECK(rotate.errorCode() == "rotate.certificate_expired");
    CHECK(rotate.result().dump().find("configure --action update") != std::string::npos);
    CHECK(applicationKeys(emulator).size() == 1); // nothing was added
}
