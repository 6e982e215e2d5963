// Device codes that expire before the admin signs in: the plugin asks for a new code at most
// device_code_attempts times, announces each one ({"event":"device_code_expired","attempt":2,"of":3,...}),
// the host's prompter shows every new code, and after the last one setup fails with the stable
// auth.device_code_expired.  The emulator counts the codes it issued (stats "POST devicecode").
#include "stub_host.h"

#include <doctest/doctest.h>

#include <thread>

using m365it::StubHost;

namespace {

long long codesIssued(const wptest::EmulatorProcess& emulator) {
    auto stats = emulator.stats();
    return stats["requests"].value("POST devicecode", 0LL);
}

std::vector<nlohmann::json> expiryEvents(const m365it::HostRun& run) {
    std::vector<nlohmann::json> events;
    for (const auto& line : run.ofType("event"))
        if (line.contains("data") && line["data"].value("event", "") == "device_code_expired")
            events.push_back(line["data"]);
    return events;
}

/// Waits for a pending code other than `previous` (a readiness poll, not a timing check).
std::string waitForNewPendingCode(const wptest::EmulatorProcess& emulator, const std::string& previous) {
    for (int i = 0; i < 400; ++i) {
        for (const auto& code : emulator.deviceCodes())
            if (code.value("status", "") == "pending" && code.value("user_code", "") != previous)
                return code["user_code"].get<std::string>();
        std::this_thread::sleep_for(std::chrono::milliseconds(50));
    }
    return {};
}

} // namespace

TEST_CASE("expired device codes are replaced up to device_code_attempts, then auth.device_code_expired") {
    auto options = m365it::emulatorOptions(""); // nobody approves
    options.extraArgs.insert(options.extraArgs.end(), {"--device-code-lifetime", "2"});
    wptest::EmulatorProcess emulator(options);
    StubHost host(emulator);

    auto run = host.run(host.setupArgs({"device_code_attempts=3"}));
    CHECK(run.exitCode == WP_E_TIMEOUT);
    CHECK(run.errorCode() == "auth.device_code_expired");
    CHECK(run.result()["message"].get<std::string>().find("3 sign-in codes") != std::string::npos);
    CHECK(codesIssued(emulator) == 3);

    // Each code was shown (a new user code each time), each replacement announced.
    auto shown = run.ofType("device_code");
    REQUIRE(shown.size() == 3);
    CHECK(shown[0]["user_code"] != shown[1]["user_code"]);
    CHECK(shown[1]["user_code"] != shown[2]["user_code"]);
    auto events = expiryEvents(run);
    REQUIRE(events.size() == 2);
    CHECK(events[0]["attempt"] == 2);
    CHECK(events[0]["of"] == 3);
    CHECK(events[0]["message"] == "code expired; new code requested (2 of 3)");
    CHECK(events[1]["attempt"] == 3);
    CHECK(run.err.find("A new sign-in code was requested") != std::string::npos); // the host's prompter
    CHECK(m365it::createdApplications(emulator).empty());
    CHECK(host.storedKeys().empty());
}

TEST_CASE("device_code_attempts=1 gives up with the first expired code") {
    auto options = m365it::emulatorOptions("");
    options.extraArgs.insert(options.extraArgs.end(), {"--device-code-lifetime", "2"});
    wptest::EmulatorProcess emulator(options);
    StubHost host(emulator);

    auto run = host.run(host.setupArgs({"device_code_attempts=1"}));
    CHECK(run.errorCode() == "auth.device_code_expired");
    CHECK(codesIssued(emulator) == 1);
    CHECK(expiryEvents(run).empty());
}

TEST_CASE("the admin signs in with the second code after the first expired: setup succeeds") {
    wptest::EmulatorProcess emulator(m365it::emulatorOptions("")); // codes live 900 s: expired by the clock
    StubHost host(emulator);
    auto process = host.start(host.setupArgs({"workloads=exchange", "device_code_attempts=3"}));

    std::string first = waitForNewPendingCode(emulator, "");
    REQUIRE_MESSAGE(!first.empty(), "no device code was requested");
    emulator.setClockOffset(
        std::chrono::seconds(1000)); // the first code expires: expired_token on the next poll
    std::string second = waitForNewPendingCode(emulator, first);
    REQUIRE_MESSAGE(!second.empty(), "no second device code was requested");
    emulator.setClockOffset(std::chrono::seconds(0)); // back to now: the app's assertions must be in time
    emulator.approve(second, "admin@contoso.onmicrosoft.com");

    auto run = host.finish(*process);
    REQUIRE_MESSAGE(run.exitCode == 0, run.err);
    CHECK(codesIssued(emulator) == 2);
    auto events = expiryEvents(run);
    REQUIRE(events.size() == 1);
    CHECK(events[0]["message"] == "code expired; new code requested (2 of 3)");
    auto shown = run.ofType("device_code");
    REQUIRE(shown.size() == 2);
    CHECK(shown[1]["user_code"] == second);
}

TEST_CASE("device_code_attempts outside 1 to 10 is refused before anything is requested") {
    wptest::EmulatorProcess emulator(m365it::emulatorOptions(""));
    StubHost host(emulator);
    auto run = host.run(host.setupArgs({"device_code_attempts=0"}));
    CHECK(run.exitCode == WP_E_INVALID_CONFIG);
    CHECK(run.errorCode() == "config.device_code_attempts_invalid");
    CHECK(codesIssued(emulator) == 0);
}
