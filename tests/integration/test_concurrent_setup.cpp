// Two stub host processes run setup on the same instance (one store) at once: one wins, the other
// reports a conflict, and the tenant and the stores hold exactly the winner's configuration.
#include "stub_host.h"

#include <doctest/doctest.h>

#include <algorithm>
#include <set>

using m365it::StubHost;

TEST_CASE("two processes setting up the same instance at once: one wins and the other reports a conflict") {
    wptest::EmulatorProcess emulator(m365it::emulatorOptions());
    StubHost host(emulator);
    auto first = m365it::startOwn(host, host.setupArgs({"workloads=exchange"}), "first");
    auto second = m365it::startOwn(host, host.setupArgs({"workloads=exchange"}), "second");
    auto a = m365it::finishOwn(first);
    auto b = m365it::finishOwn(second);
    CAPTURE(a.out);
    CAPTURE(b.out);
    CAPTURE(a.exitCode);
    CAPTURE(b.exitCode);
    std::multiset<int> exits{a.exitCode, b.exitCode};
    REQUIRE(exits == std::multiset<int>{0, WP_E_CONFLICT});
    const auto& loser = a.exitCode == 0 ? b : a;
    auto code = loser.errorCode();
    CHECK_MESSAGE((code == "config.already_configured" || code == "journal.busy"), code);

    // Exactly one application, and it is the one the record names, with the record's certificate.
    auto applications = m365it::createdApplications(emulator);
    REQUIRE(applications.size() == 1);
    auto record = nlohmann::json::parse(*host.configValue("instance"));
    CHECK(record["application"]["app_id"] == applications[0]["appId"]);
    REQUIRE(applications[0]["keyCredentials"].size() == 1);
    CHECK(record["certificate"]["thumbprint_sha1"] == applications[0]["keyCredentials"][0]["thumbprint"]);
    auto state = emulator.state();
    int principals = 0;
    for (const auto& principal : state["servicePrincipals"])
        principals += principal["appId"] == applications[0]["appId"] ? 1 : 0;
    CHECK(principals == 1);

    // The stores: the record, one credential secret (the winner's), no journal left behind.
    auto keys = host.storedKeys();
    CHECK(std::count(keys.begin(), keys.end(), "config:journal") == 0);
    CHECK(std::count_if(keys.begin(), keys.end(),
                        [](const std::string& key) { return key.rfind("secret:credential.", 0) == 0; }) == 1);
    auto acquire = host.run({"acquire", "--resource", "graph"});
    CHECK_MESSAGE(acquire.exitCode == 0, acquire.err);
}
