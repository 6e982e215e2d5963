// Setup and token requests through a REAL forward proxy on loopback: Debian's tinyproxy, started by the
// test with a scratch config on a free port and basic proxy authentication, stopped by PID.  The plugin
// gets the proxy from its settings (proxy, proxy_user, proxy_password_env: the password stays in the
// environment), which win over HTTPS_PROXY; an HTTPS_PROXY alone never applies to loopback hosts by
// design.  The proxy's own log proves the CONNECTs went through it.
#include "stub_host.h"

#include <doctest/doctest.h>

#include <netinet/in.h>
#include <sys/socket.h>
#include <unistd.h>

#include <filesystem>
#include <fstream>
#include <memory>
#include <thread>

using m365it::StubHost;

namespace {

const char* const kProxyUser = "backup-ops";
const char* const kProxyPassword = "proxy-pass-7f3a";

/// A port nobody listens on right now (the kernel picks it; released before tinyproxy binds it).
uint16_t freeLoopbackPort() {
    int fd = ::socket(AF_INET, SOCK_STREAM, 0);
    REQUIRE(fd >= 0);
    sockaddr_in address{};
    address.sin_family = AF_INET;
    address.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    address.sin_port = 0;
    REQUIRE(::bind(fd, reinterpret_cast<sockaddr*>(&address), sizeof address) == 0);
    socklen_t length = sizeof address;
    REQUIRE(::getsockname(fd, reinterpret_cast<sockaddr*>(&address), &length) == 0);
    ::close(fd);
    return ntohs(address.sin_port);
}

bool accepts(uint16_t port) {
    int fd = ::socket(AF_INET, SOCK_STREAM, 0);
    sockaddr_in address{};
    address.sin_family = AF_INET;
    address.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    address.sin_port = htons(port);
    bool ok = ::connect(fd, reinterpret_cast<sockaddr*>(&address), sizeof address) == 0;
    ::close(fd);
    return ok;
}

std::string tinyproxyPath() {
    for (const char* candidate : {"/usr/bin/tinyproxy", "/usr/sbin/tinyproxy"})
        if (std::filesystem::exists(candidate))
            return candidate;
    return {};
}

/// tinyproxy in the foreground (-d) with basic auth; its log file records every request line.
class Tinyproxy {
public:
    explicit Tinyproxy(const std::string& directory) : _logPath(directory + "/tinyproxy.log") {
        _port = freeLoopbackPort();
        std::string config = directory + "/tinyproxy.conf";
        std::ofstream(config) << "Port " << _port << "\nListen 127.0.0.1\nTimeout 60\nLogFile \"" << _logPath
                              << "\"\nLogLevel Connect\nMaxClients 50\nAllow 127.0.0.1\nBasicAuth "
                              << kProxyUser << " " << kProxyPassword << "\n";
        _process = std::make_unique<wptest::ChildProcess>(
            wptest::ChildProcess::Options{{tinyproxyPath(), "-d", "-c", config},
                                          {},
                                          directory + "/tinyproxy.out",
                                          directory + "/tinyproxy.err"});
        for (int i = 0; i < 200 && !accepts(_port); ++i) {
            REQUIRE_MESSAGE(_process->running(), m365it::readFile(directory + "/tinyproxy.err"));
            std::this_thread::sleep_for(std::chrono::milliseconds(50)); // readiness poll, not a timing check
        }
        REQUIRE_MESSAGE(accepts(_port), "tinyproxy did not start listening");
    }
    ~Tinyproxy() { _process->stop(); }

    std::string url() const { return "http://127.0.0.1:" + std::to_string(_port); }
    std::string log() const { return m365it::readFile(_logPath); }
    /// How many CONNECT request lines for `target` (host:port) the proxy logged.
    std::size_t connects(const std::string& target) const {
        std::string text = log(), needle = "CONNECT " + target;
        std::size_t count = 0;
        for (auto at = text.find(needle); at != std::string::npos; at = text.find(needle, at + 1))
            ++count;
        return count;
    }

private:
    std::string _logPath;
    uint16_t _port = 0;
    std::unique_ptr<wptest::ChildProcess> _process;
};

std::string hostAndPort(const std::string& httpsUrl) {
    return httpsUrl.substr(std::string("https://").size());
}

const char* const kPasswordVariable = "WP_TEST_PROXY_PASSWORD";

/// The proxy settings of an instance that authenticates as kProxyUser.
std::vector<std::string> proxySettings(const Tinyproxy& proxy) {
    return {"workloads=exchange", "proxy=" + proxy.url(), std::string("proxy_user=") + kProxyUser,
            std::string("proxy_password_env=") + kPasswordVariable};
}

} // namespace

TEST_CASE("setup and acquire go through the proxy of the settings with basic auth, no password stored") {
    if (tinyproxyPath().empty()) {
        MESSAGE("tinyproxy is not installed (scripts/deps.sh installs it): skipped");
        return;
    }
    wptest::EmulatorProcess emulator(m365it::emulatorOptions());
    StubHost host(emulator);
    Tinyproxy proxy(host.directory());
    // HTTPS_PROXY points nowhere: the explicit setting must win (and it would not apply to loopback anyway).
    std::map<std::string, std::string> env{{kPasswordVariable, kProxyPassword},
                                           {"HTTPS_PROXY", "http://127.0.0.1:9"}};
    std::string target = hostAndPort(emulator.authority());

    auto setup = host.run(host.setupArgs(proxySettings(proxy)), env);
    REQUIRE_MESSAGE(setup.exitCode == 0, setup.err);
    std::size_t afterSetup = proxy.connects(target);
    CHECK(afterSetup >= 1);
    auto record = nlohmann::json::parse(host.configValue("instance").value_or("{}"));
    CHECK(record["proxy"]["proxy"] == proxy.url());
    CHECK(record["proxy"]["proxy_user"] == kProxyUser);
    CHECK(record["proxy"]["proxy_password_env"] == kPasswordVariable);

    auto acquire = host.run({"acquire", "--resource", "graph"}, env);
    REQUIRE_MESSAGE(acquire.exitCode == 0, acquire.err);
    CHECK(proxy.connects(target) > afterSetup); // the token request tunnelled too

    // The proxy password is neither stored (config or secret store) nor logged.
    CHECK(host.rawStoreBytes().find(kProxyPassword) == std::string::npos);
    CHECK(host.allOutput().find(kProxyPassword) == std::string::npos);
}

TEST_CASE("a wrong proxy password fails setup with net.proxy_failed and creates nothing") {
    if (tinyproxyPath().empty()) {
        MESSAGE("tinyproxy is not installed (scripts/deps.sh installs it): skipped");
        return;
    }
    wptest::EmulatorProcess emulator(m365it::emulatorOptions());
    StubHost host(emulator);
    Tinyproxy proxy(host.directory());

    auto setup = host.run(host.setupArgs(proxySettings(proxy)), {{kPasswordVariable, "wrong-password"}});
    CHECK(setup.exitCode == WP_E_UNAVAILABLE);
    CHECK(setup.errorCode() == "net.proxy_failed");
    CHECK(host.allOutput().find("wrong-password") == std::string::npos);
    CHECK(m365it::createdApplications(emulator).empty());
}

TEST_CASE("proxy settings are checked: unset password variable, credentials in the URL, no_proxy") {
    if (tinyproxyPath().empty()) {
        MESSAGE("tinyproxy is not installed (scripts/deps.sh installs it): skipped");
        return;
    }
    wptest::EmulatorProcess emulator(m365it::emulatorOptions());
    StubHost host(emulator);
    Tinyproxy proxy(host.directory());

    auto unset = host.run(host.setupArgs(proxySettings(proxy)));
    CHECK(unset.exitCode == WP_E_INVALID_CONFIG);
    CHECK(unset.errorCode() == "config.proxy_password_missing");
    CHECK(unset.result()["message"].get<std::string>().find(kPasswordVariable) != std::string::npos);

    auto inlineCredentials = host.run(host.setupArgs(
        {"proxy=http://" + std::string(kProxyUser) + ":" + kProxyPassword + "@127.0.0.1:3128"}));
    CHECK(inlineCredentials.errorCode() == "config.proxy_invalid");
    CHECK(inlineCredentials.out.find(kProxyPassword) == std::string::npos);
    CHECK(inlineCredentials.err.find(kProxyPassword) == std::string::npos);
    CHECK(m365it::createdApplications(emulator).empty());

    // no_proxy exempts the emulator's host: setup works without a single CONNECT.
    auto bypassed =
        host.run(host.setupArgs({"workloads=exchange", "proxy=" + proxy.url(), "no_proxy=127.0.0.1"}));
    REQUIRE_MESSAGE(bypassed.exitCode == 0, bypassed.err);
    CHECK(proxy.connects(hostAndPort(emulator.authority())) == 0);
}
