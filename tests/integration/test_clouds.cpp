// Each national cloud of the plugin's table (m365_plugin/data/clouds.json, one test case per entry) against
// the emulator impersonating that cloud (--cloud NAME: it accepts and issues only that cloud's resource ids,
// tenant domains end in its suffix).  The plugin runs as cloud=custom with the emulator's hosts and
// resources_of=NAME: setup (admin sign-in, Graph, grants, verification of every workload's token) and
// acquire must succeed, and the acquired tokens carry that cloud's audiences.
#include "stub_host.h"

#include <doctest/doctest.h>

#include <algorithm>
#include <filesystem>
#include <fstream>

using m365it::StubHost;

namespace {

/// The plugin's cloud table, found next to this source file (tests/integration/ -> m365_plugin/data/).
nlohmann::json cloudTable() {
    auto root = std::filesystem::path(__FILE__).parent_path().parent_path().parent_path();
    std::ifstream in(root / "m365_plugin" / "data" / "clouds.json");
    REQUIRE_MESSAGE(in.good(), "cannot read m365_plugin/data/clouds.json");
    return nlohmann::json::parse(in);
}

std::string base64UrlDecode(const std::string& text) {
    static const std::string alphabet = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_";
    std::string out;
    unsigned buffer = 0;
    int bits = 0;
    for (char c : text) {
        auto at = alphabet.find(c);
        if (at == std::string::npos)
            break;
        buffer = (buffer << 6) | static_cast<unsigned>(at);
        bits += 6;
        if (bits >= 8) {
            bits -= 8;
            out.push_back(static_cast<char>((buffer >> bits) & 0xff));
        }
    }
    return out;
}

/// The claims of the token `acquire --show-token` printed.
nlohmann::json acquiredClaims(const m365it::HostRun& run) {
    auto credentials = run.ofType("credential");
    REQUIRE(credentials.size() == 1);
    std::string token = credentials[0].value("token", "");
    auto first = token.find('.'), second = token.find('.', first + 1);
    REQUIRE(second != std::string::npos);
    return nlohmann::json::parse(base64UrlDecode(token.substr(first + 1, second - first - 1)));
}

/// Setup and acquire with resources_of=name against the emulator started with --cloud name.
void checkCloud(const std::string& name) {
    auto table = cloudTable();
    REQUIRE(table["clouds"].contains(name));
    const nlohmann::json cloud = table["clouds"][name];
    std::string suffix = cloud["initial_domain_suffix"].get<std::string>();
    auto options = m365it::emulatorOptions("admin@contoso" + suffix);
    options.extraArgs.insert(options.extraArgs.end(), {"--cloud", name});
    wptest::EmulatorProcess emulator(options);
    CHECK(emulator.tenantDomain() == "contoso" + suffix);
    StubHost host(emulator);

    auto setup = host.run(host.setupArgs({"resources_of=" + name}));
    REQUIRE_MESSAGE(setup.exitCode == 0, setup.err);
    auto record = nlohmann::json::parse(host.configValue("instance").value_or("{}"));
    CHECK(record["cloud"]["graph_resource"] == cloud["graph_resource"]);
    CHECK(record["tenant"]["sharepoint_host"] == "contoso." + cloud["sharepoint_domain"].get<std::string>());

    auto graph = host.run({"acquire", "--resource", "graph", "--show-token"});
    REQUIRE_MESSAGE(graph.exitCode == 0, graph.err);
    CHECK(acquiredClaims(graph)["aud"] == cloud["graph_resource"]);
    CHECK(graph.ofType("credential")[0]["scope"] == cloud["graph_resource"].get<std::string>() + "/.default");

    auto exchange = host.run({"acquire", "--resource", "exchange", "--show-token"});
    REQUIRE_MESSAGE(exchange.exitCode == 0, exchange.err);
    CHECK(acquiredClaims(exchange)["aud"] == cloud["exchange_resource"]);
}

const std::vector<std::string> kTestedClouds{"global", "usgov", "usgovdod", "china"};

} // namespace

TEST_CASE("every national cloud of the table has a test case below") {
    auto table = cloudTable(); // bound first: never iterate a member of a temporary
    std::vector<std::string> names;
    for (const auto& [name, cloud] : table["clouds"].items())
        names.push_back(name);
    std::sort(names.begin(), names.end());
    auto tested = kTestedClouds;
    std::sort(tested.begin(), tested.end());
    CHECK(names == tested);
}

TEST_CASE("cloud global: setup and acquire against the emulator as that cloud") {
    checkCloud("global");
}

TEST_CASE("cloud usgov: setup and acquire against the emulator as that cloud") {
    checkCloud("usgov");
}

TEST_CASE("cloud usgovdod: setup and acquire against the emulator as that cloud") {
    checkCloud("usgovdod");
}

TEST_CASE("cloud china: setup and acquire against the emulator as that cloud") {
    checkCloud("china");
}

TEST_CASE("a plugin asking for another cloud's audience is refused by the emulator as usgov") {
    auto options = m365it::emulatorOptions("admin@contoso.onmicrosoft.us");
    options.extraArgs.insert(options.extraArgs.end(), {"--cloud", "usgov"});
    wptest::EmulatorProcess emulator(options);
    StubHost host(emulator);
    // resources_of defaults to global: the sign-in asks for https://graph.microsoft.com scopes.
    auto setup = host.run(host.setupArgs());
    CHECK(setup.exitCode != 0);
    CHECK(setup.errorCode() == "aad.AADSTS500011"); // the resource principal is unknown in that cloud
    CHECK(m365it::createdApplications(emulator).empty());
}
