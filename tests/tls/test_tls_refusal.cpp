// The plugin refuses TLS it must not trust, against the REAL emulator:
//  - a certificate from a CA it was not told to trust (a second emulator's CA is configured instead), both
//    through the plugin's transport and through the real module's setup;
//  - a certificate for another host name: the emulator reached as "login.contoso.test" through a CONNECT
//    proxy that sends every tunnel to the emulator's loopback port (the certificate names localhost,
//    127.0.0.1 and ::1 only). The same proxy with the right name works, so the name is the only difference.
// Each refusal is WP_E_UNAVAILABLE "net.tls_verify_failed" with a message naming the endpoint and why.
#include "emulator_process.h"
#include "http_transport.h"
#include "in_process_host.h"
#include "redirecting_proxy.h"

#include <doctest/doctest.h>

#include <string>

namespace {

std::string discoveryPath(const wptest::EmulatorProcess& emulator) {
    return "/" + emulator.tenantDomain() + "/v2.0/.well-known/openid-configuration";
}

int portOf(const std::string& base) {
    return std::stoi(base.substr(base.rfind(':') + 1));
}

m365::TransportOptions trusting(const std::string& caFile) {
    m365::TransportOptions options;
    options.caFile = caFile;
    options.useSystemCAs = true; // as in production: the system store plus the configured CA
    options.proxyFromEnvironment = false;
    return options;
}

/// The wp::Error a GET fails with; fails the test if the GET succeeds.
wp::Error refusal(m365::HttpTransport& transport, const std::string& url) {
    m365::HttpRequest request;
    request.url = url;
    try {
        auto response = transport.send(request, nullptr);
        FAIL("the request was answered with HTTP " << response.status << ": " << url);
    } catch (const wp::Error& e) {
        return e;
    }
    return wp::Error(WP_E_INTERNAL, "unreachable", "unreachable");
}

bool contains(const std::string& text, const std::string& part) {
    return text.find(part) != std::string::npos;
}

} // namespace

TEST_CASE("a certificate from a CA the plugin was not told to trust is refused") {
    wptest::EmulatorProcess emulator;
    wptest::EmulatorProcess other; // its own CA, made at start
    REQUIRE(emulator.caFile() != other.caFile());
    const std::string url = emulator.authority() + discoveryPath(emulator);

    SUBCASE("the plugin's transport") {
        m365::PocoHttpTransport trusted(trusting(emulator.caFile()));
        m365::HttpRequest request;
        request.url = url;
        CHECK(trusted.send(request, nullptr).status == 200); // control: the right CA works

        m365::PocoHttpTransport transport(trusting(other.caFile()));
        auto error = refusal(transport, url);
        CHECK(error.status() == WP_E_UNAVAILABLE);
        CHECK(error.code() == "net.tls_verify_failed");
        INFO("message: " << error.what());
        CHECK(contains(error.what(), "127.0.0.1:" + std::to_string(portOf(emulator.authority()))));
        CHECK(contains(error.what(), "not accepted"));
        CHECK(contains(error.hint(), "ca_file"));
    }

    SUBCASE("setup through the real module stops before anything is created") {
        wpconc::InProcessHost host(WP_M365_MODULE_PATH);
        host.addInstance("contoso");
        std::string settings = R"({"tenant":")" + emulator.tenantDomain() +
                               R"(","cloud":"custom","authority_host":")" + emulator.authority() +
                               R"(","graph_host":")" + emulator.graph() + R"(","ca_file":")" +
                               other.caFile() + R"(","workloads":"onedrive"})";
        auto outcome = host.configure(0, "setup", settings);
        INFO(outcome.describe());
        CHECK(outcome.status == WP_E_UNAVAILABLE);
        CHECK(outcome.code == "net.tls_verify_failed");
        CHECK(contains(outcome.message, "certificate"));
        CHECK(emulator.deviceCodes().empty()); // refused before the first request was sent
        auto applications = emulator.state().value("applications", nlohmann::json::array());
        for (const auto& application : applications)
            CHECK(application.value("displayName", "").find("contoso") == std::string::npos);
    }
}

TEST_CASE("a certificate for another host name is refused") {
    wptest::EmulatorProcess emulator;
    const int port = portOf(emulator.authority());
    wptls::RedirectingProxy proxy(port);
    auto options = trusting(emulator.caFile());
    options.proxy.host = "127.0.0.1";
    options.proxy.port = static_cast<uint16_t>(proxy.port());
    m365::PocoHttpTransport transport(options);

    // Control: through the same proxy, under a name the certificate carries.
    m365::HttpRequest request;
    request.url = "https://localhost:" + std::to_string(port) + discoveryPath(emulator);
    CHECK(transport.send(request, nullptr).status == 200);

    const std::string wrongName = "login.contoso.test";
    auto error =
        refusal(transport, "https://" + wrongName + ":" + std::to_string(port) + discoveryPath(emulator));
    CHECK(error.status() == WP_E_UNAVAILABLE);
    CHECK(error.code() == "net.tls_verify_failed");
    INFO("message: " << error.what());
    CHECK(contains(error.what(), wrongName));
    // The tunnel really went to the emulator under the wrong name.
    bool tunnelled = false;
    for (const auto& line : proxy.requests())
        tunnelled = tunnelled || contains(line, "CONNECT " + wrongName + ":");
    CHECK(tunnelled);
}
