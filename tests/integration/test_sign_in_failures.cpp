// Sign-in that does not end with an admin token, and admins without the needed role: a clear error, and
// nothing is created in the tenant or the stores.
#include "stub_host.h"

#include <doctest/doctest.h>

using m365it::StubHost;

namespace {

void checkNothingCreated(const wptest::EmulatorProcess& emulator, StubHost& host) {
    CHECK(m365it::createdApplications(emulator).empty());
    CHECK(host.storedKeys().empty());
}

} // namespace

TEST_CASE("a user without any admin role is told which role is missing and nothing is created") {
    wptest::EmulatorProcess emulator(m365it::emulatorOptions("user@contoso.onmicrosoft.com"));
    StubHost host(emulator);
    auto run = host.run(host.setupArgs());
    CHECK(run.exitCode == WP_E_PERMISSION_DENIED);
    CHECK(run.errorCode() == "auth.role_missing");
    CHECK(run.result()["message"].get<std::string>().find("Cloud Application Administrator") !=
          std::string::npos);
    checkNothingCreated(emulator, host);
}

TEST_CASE(
    "a Cloud Application Administrator cannot grant Graph roles: Privileged Role Administrator is named") {
    wptest::EmulatorProcess emulator(m365it::emulatorOptions("appadmin@contoso.onmicrosoft.com"));
    StubHost host(emulator);
    auto run = host.run(host.setupArgs());
    CHECK(run.exitCode == WP_E_PERMISSION_DENIED);
    CHECK(run.result()["message"].get<std::string>().find("Privileged Role Administrator") !=
          std::string::npos);
    checkNothingCreated(emulator, host);
}

TEST_CASE("a denied sign-in fails clearly and nothing is created") {
    wptest::EmulatorProcess emulator(m365it::emulatorOptions(""));
    StubHost host(emulator);
    auto process = host.start(host.setupArgs());
    std::string userCode;
    try {
        userCode = emulator.waitForUserCode();
    } catch (const std::exception& e) {
        auto early = host.finish(*process, std::chrono::seconds(1));
        FAIL(e.what() << "\nstdout: " << early.out << "\nstderr: " << early.err);
    }
    emulator.deny(userCode);
    auto run = host.finish(*process);
    CHECK(run.exitCode == WP_E_AUTH_FAILED);
    CHECK(run.errorCode() == "auth.declined");
    checkNothingCreated(emulator, host);
}

TEST_CASE("an expired device code fails clearly and nothing is created") {
    auto options = m365it::emulatorOptions("");
    options.extraArgs.insert(options.extraArgs.end(), {"--device-code-lifetime", "3"});
    wptest::EmulatorProcess emulator(options);
    StubHost host(emulator);
    auto run = host.run(host.setupArgs());
    CHECK(run.exitCode == WP_E_TIMEOUT);
    CHECK(run.errorCode() == "auth.device_code_expired");
    checkNothingCreated(emulator, host);
}

TEST_CASE("cancel while polling stops promptly and nothing is created") {
    wptest::EmulatorProcess emulator(m365it::emulatorOptions(""));
    StubHost host(emulator);
    auto cancelled = host.run([&] {
        auto args = host.setupArgs();
        args.insert(args.begin(), {"--cancel-after", "1500"});
        return args;
    }());
    CHECK(cancelled.exitCode == WP_E_CANCELLED);
    CHECK(cancelled.errorCode() == "call.cancelled");
    checkNothingCreated(emulator, host);
}

TEST_CASE("without a prompter setup answers auth-required at once and nothing is created") {
    wptest::EmulatorProcess emulator(m365it::emulatorOptions(""));
    StubHost host(emulator);
    auto args = host.setupArgs();
    args.insert(args.begin(), "--non-interactive");
    auto run = host.run(args);
    CHECK(run.exitCode == WP_E_AUTH_REQUIRED);
    CHECK(emulator.deviceCodes().empty());
    checkNothingCreated(emulator, host);
}
