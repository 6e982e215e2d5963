// Automatic rotation by an online validate (auto_rotate_days, default 30) with the plugin's clock shifted
// (M365_PLUGIN_NOW_OFFSET_S): not before the threshold, at it yes, never offline. (auto_rotate_days=0 is a
// validate option the stub host does not pass; tests/m365/test_rotate_due.cpp covers it.)
#include "stub_host.h"

#include <doctest/doctest.h>

using m365it::StubHost;

namespace {

std::string thumbprint(StubHost& host) {
    auto text = host.configValue("instance");
    REQUIRE(text);
    return nlohmann::json::parse(*text)["certificate"]["thumbprint_sha1"];
}

bool reportsRotation(const m365it::HostRun& run) {
    for (const auto& finding : run.ofType("finding"))
        if (finding.value("code", "") == "cert.rotated")
            return true;
    return false;
}

m365it::HostRun validateAt(StubHost& host, long long offsetDays, std::vector<std::string> extra = {}) {
    std::vector<std::string> args{"validate"};
    args.insert(args.end(), extra.begin(), extra.end());
    return host.run(args, {{"M365_PLUGIN_NOW_OFFSET_S", std::to_string(offsetDays * 86400)}});
}

} // namespace

TEST_CASE("an online validate rotates at the auto_rotate_days threshold and not before") {
    wptest::EmulatorProcess emulator(m365it::emulatorOptions());
    StubHost host(emulator);
    // 100 days of validity: at +69 days a little over 30 days are left, at +71 a little under 30.
    REQUIRE(host.run(host.setupArgs({"workloads=onedrive", "validity_days=100"})).exitCode == 0);
    auto original = thumbprint(host);

    auto early = validateAt(host, 69);
    CHECK_MESSAGE(early.exitCode == 0, early.err);
    CHECK_FALSE(reportsRotation(early));
    std::string actionNeeded;
    for (const auto& fact : early.ofType("fact"))
        if (fact.value("key", "") == "action_needed")
            actionNeeded = fact.value("value", "");
    CHECK(actionNeeded == "rotate"); // within the 60-day reminder: the operator is told to rotate
    CHECK(thumbprint(host) == original);

    auto offline = validateAt(host, 71, {"--offline"});
    CHECK_FALSE(reportsRotation(offline));
    CHECK(thumbprint(host) == original);

    auto due = validateAt(host, 71);
    CHECK_MESSAGE(due.exitCode == 0, due.err);
    CHECK(reportsRotation(due));
    bool evented = false;
    for (const auto& event : due.ofType("event"))
        evented = evented || event["data"].value("event", "") == "rotated";
    CHECK(evented);
    CHECK(thumbprint(host) != original);
    auto applications = m365it::createdApplications(emulator);
    REQUIRE(applications.size() == 1);
    CHECK(applications[0]["keyCredentials"].size() == 1);

    // The new certificate is valid for two years: the next validate does not rotate again.
    auto after = validateAt(host, 71);
    CHECK_FALSE(reportsRotation(after));
}
