// Hostile input through the real stub host: settings with injection attempts are refused before any
// request reaches the tenant and leave nothing stored; an application name with quotes, Unicode and
// OData/path fragments is created exactly as given and found again by name after a lost answer.
#include "stub_host.h"

#include <doctest/doctest.h>

using m365it::StubHost;

namespace {

long long totalRequests(const wptest::EmulatorProcess& emulator) {
    long long total = 0;
    auto stats = emulator.stats();
    for (const auto& [route, count] : stats["requests"].items())
        total += count.get<long long>();
    return total;
}

} // namespace

TEST_CASE("hostile settings are refused with their own code before any request and nothing is stored") {
    wptest::EmulatorProcess emulator(m365it::emulatorOptions());
    StubHost host(emulator);
    emulator.resetStats();

    struct Case {
        std::string set, code;
    };
    const std::vector<Case> cases{
        {"tenant=contoso.onmicrosoft.com/../../common", "config.tenant_invalid"},
        {"tenant=contoso' or '1' eq '1", "config.tenant_invalid"},
        {"tenant=contoso%2F..%2Fcommon.onmicrosoft.com", "config.tenant_invalid"},
        {"tenant=contoso.onmicrosoft.com?$filter=startswith(id,'')", "config.tenant_invalid"},
        {"tenant=" + std::string(5000, 'a') + ".com", "config.tenant_invalid"},
        {"app_name=Backup\x1b[2J\x1b]0;owned\x07", "config.app_name_invalid"},
        {"app_name=" + std::string(200, 'x'), "config.app_name_invalid"},
        {"sharepoint_host=contoso.sharepoint.com/../evil", "config.sharepoint_host_invalid"},
        {"workloads=exchange,../../etc/passwd", "config.workloads_invalid"},
    };
    for (const auto& test : cases) {
        CAPTURE(test.set.substr(0, 60));
        // The emulator's own tenant and endpoints, then the hostile value (a later --set wins).
        auto args = host.setupArgs({test.set});
        auto run = host.run(args);
        CHECK(run.exitCode == WP_E_INVALID_CONFIG);
        CHECK(run.errorCode() == test.code);
        auto message = run.result().value("message", "");
        CHECK(message.find('\x1b') == std::string::npos);
        CHECK(message.size() < 600);
    }
    CHECK(totalRequests(emulator) == 0);
    CHECK(host.storedKeys().empty());
    CHECK(m365it::createdApplications(emulator).empty());
}

TEST_CASE("an application name with quotes and Unicode and OData fragments is created as given - found "
          "again by that name after a lost answer - and removed") {
    wptest::EmulatorProcess emulator(m365it::emulatorOptions());
    StubHost host(emulator);
    const std::string name = "Sauvegarde d'\xc3\xa9t\xc3\xa9 \"O'Brien\" ../%2F $filter=displayName eq 'x' "
                             "\xe3\x83\x90\xe3\x83\x83\xe3\x82\xaf\xe3\x82\xa2\xe3\x83\x83\xe3\x83\x97";
    // The create happens but its answer is cut: setup must look the application up by this name (an
    // OData literal with quotes) instead of creating a second one.
    emulator.addFault(
        {{"method", "POST"}, {"path", "/v1.0/applications"}, {"kind", "truncate"}, {"count", 1}});

    auto setup = host.run(host.setupArgs({"app_name=" + name, "workloads=exchange"}));
    REQUIRE_MESSAGE(setup.exitCode == 0, setup.err);
    auto created = m365it::createdApplications(emulator);
    REQUIRE(created.size() == 1);
    CHECK(created[0]["displayName"] == name);
    const std::string appId = created[0]["appId"];
    auto stats = emulator.stats();
    CHECK(stats["requests"].value("POST /v1.0/applications", 0) == 1);
    CHECK_MESSAGE(stats["requests"].value("GET /v1.0/applications", 0) >= 1, stats.dump()); // the lookup

    auto acquire = host.run({"acquire", "--resource", "graph"});
    CHECK_MESSAGE(acquire.exitCode == 0, acquire.err);

    auto remove = host.run({"configure", "--action", "remove"});
    REQUIRE_MESSAGE(remove.exitCode == 0, remove.err);
    CHECK(m365it::createdApplications(emulator).empty());
    auto state = emulator.state();
    for (const auto& principal : state["servicePrincipals"])
        CHECK(principal["appId"] != appId);
    CHECK(host.storedKeys().empty());
}
