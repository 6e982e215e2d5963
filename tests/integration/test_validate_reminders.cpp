// validate's expiry reminders with the plugin's clock shifted (M365_PLUGIN_NOW_OFFSET_S): the 60/30/7-day
// thresholds as warnings, an expired certificate as an error.
#include "stub_host.h"

#include <doctest/doctest.h>

namespace {

struct Report {
    int exitCode = 0;
    std::string expiryCode;
    std::string threshold;
    std::string daysLeft;
};

Report validateAt(m365it::StubHost& host, long long offsetDays) {
    auto run = host.run({"validate", "--offline"},
                        {{"M365_PLUGIN_NOW_OFFSET_S", std::to_string(offsetDays * 86400)}});
    Report report;
    report.exitCode = run.exitCode;
    for (const auto& finding : run.ofType("finding")) {
        auto code = finding.value("code", "");
        if (code.rfind("cert.", 0) == 0 && code != "cert.key_matches" && code != "cert.thumbprint_matches")
            report.expiryCode = code;
    }
    for (const auto& fact : run.ofType("fact")) {
        if (fact.value("key", "") == "reminder_threshold_days")
            report.threshold = fact.value("value", "");
        if (fact.value("key", "") == "days_left")
            report.daysLeft = fact.value("value", "");
    }
    return report;
}

} // namespace

TEST_CASE("validate reports each reminder threshold with the clock injected and expiry as an error") {
    wptest::EmulatorProcess emulator(m365it::emulatorOptions());
    m365it::StubHost host(emulator);
    // A 100-day certificate keeps the arithmetic readable.
    REQUIRE(host.run(host.setupArgs({"workloads=onedrive", "validity_days=100"})).exitCode == 0);

    auto now = validateAt(host, 0);
    CHECK(now.exitCode == 0);
    CHECK(now.expiryCode == "cert.valid");
    CHECK(now.daysLeft == "99");

    auto sixty = validateAt(host, 41); // 59 days minus a few minutes left
    CHECK(sixty.exitCode == 0);        // a reminder is a warning, not a failure
    CHECK(sixty.expiryCode == "cert.expires_soon");
    CHECK(sixty.threshold == "60");

    auto thirty = validateAt(host, 71);
    CHECK(thirty.expiryCode == "cert.expires_soon");
    CHECK(thirty.threshold == "30");

    auto seven = validateAt(host, 94);
    CHECK(seven.expiryCode == "cert.expires_soon");
    CHECK(seven.threshold == "7");

    auto expired = validateAt(host, 101);
    CHECK(expired.exitCode != 0);
    CHECK(expired.expiryCode == "cert.expired");
}

TEST_CASE("reminder thresholds are configurable at setup") {
    wptest::EmulatorProcess emulator(m365it::emulatorOptions());
    m365it::StubHost host(emulator);
    REQUIRE(host.run(host.setupArgs({"workloads=onedrive", "validity_days=100", "reminder_days=[90,14]"}))
                .exitCode == 0);
    CHECK(validateAt(host, 5).threshold.empty()); // 94 days left
    CHECK(validateAt(host, 15).threshold == "90");
    CHECK(validateAt(host, 41).threshold == "90");
    CHECK(validateAt(host, 88).threshold == "14");
}
