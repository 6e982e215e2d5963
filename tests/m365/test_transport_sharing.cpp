// PocoHttpTransport::shared (one transport per process and options, so many instances share one TLS
// context and one keep-alive pool) and the system trust store read through a hashed directory
// (tls_context.h) instead of a bundle parsed up front.  Real TLS servers, a test CA made at run time.
#include "http_transport.h"
#include "support/https_test_server.h"
#include "support/test_process.h"
#include "tls_context.h"

#include <doctest/doctest.h>

#include <cstdlib>
#include <optional>
#include <string>

using namespace m365;
using namespace m365test;

namespace {

struct Pki {
    TempDir dir;
    TestPki pki{dir};
    Pki() {
        pki.issue("good", "DNS:localhost,IP:127.0.0.1");
        dir.write("hello.txt", "hello over TLS");
    }
};

const Pki& pki() {
    static const Pki instance;
    return instance;
}

TransportOptions trusting(const std::string& caFile) {
    TransportOptions options;
    options.caFile = caFile;
    options.useSystemCAs = false;
    options.proxyFromEnvironment = false;
    return options;
}

/// Sets (or unsets, for nullopt) an environment variable for the scope; restores it afterwards.
class ScopedEnvironment {
public:
    ScopedEnvironment(std::string name, const std::optional<std::string>& value) : _name(std::move(name)) {
        if (const char* old = std::getenv(_name.c_str()))
            _old = old;
        if (value)
            setenv(_name.c_str(), value->c_str(), 1);
        else
            unsetenv(_name.c_str());
    }
    ~ScopedEnvironment() {
        if (_old)
            setenv(_name.c_str(), _old->c_str(), 1);
        else
            unsetenv(_name.c_str());
    }
    ScopedEnvironment(const ScopedEnvironment&) = delete;
    ScopedEnvironment& operator=(const ScopedEnvironment&) = delete;

private:
    std::string _name;
    std::optional<std::string> _old;
};

int getStatus(HttpTransport& transport, const std::string& url) {
    HttpRequest request;
    request.url = url;
    return transport.send(request, nullptr).status;
}

std::string sendFailureCode(HttpTransport& transport, const std::string& url) {
    HttpRequest request;
    request.url = url;
    try {
        transport.send(request, nullptr);
    } catch (const wp::Error& e) {
        return e.code();
    }
    return "no failure";
}

/// A directory laid out as `openssl rehash` does: the CA as <subject hash>.0.
void writeHashedDirectory(const TempDir& dir, const std::string& caPem) {
    std::string hash = openssl({"x509", "-noout", "-subject_hash", "-in", caPem});
    while (!hash.empty() && (hash.back() == '\n' || hash.back() == '\r'))
        hash.pop_back();
    openssl({"x509", "-in", caPem, "-out", dir.file(hash + ".0")});
}

} // namespace

TEST_CASE("equal options share one transport, any difference makes another") {
    const Pki& p = pki();
    TransportOptions options = trusting(p.pki.caPem);
    auto first = PocoHttpTransport::shared(options);
    auto second = PocoHttpTransport::shared(options);
    CHECK(first == second);

    TransportOptions agent = options;
    agent.userAgent = "other-agent";
    CHECK(PocoHttpTransport::shared(agent) != first);
    TransportOptions timeout = options;
    timeout.readTimeout = std::chrono::seconds(5);
    CHECK(PocoHttpTransport::shared(timeout) != first);
    TransportOptions proxied = options;
    proxied.proxy.host = "127.0.0.1";
    proxied.proxy.port = 3128;
    proxied.proxy.username = "u";
    proxied.proxy.password = "one";
    auto withProxy = PocoHttpTransport::shared(proxied);
    CHECK(withProxy != first);
    proxied.proxy.password = "two";
    CHECK(PocoHttpTransport::shared(proxied) != withProxy);
    TransportOptions bypass = options;
    bypass.noProxy = "localhost";
    CHECK(PocoHttpTransport::shared(bypass) != first);
    TransportOptions system = options;
    system.useSystemCAs = true;
    CHECK(PocoHttpTransport::shared(system) != first);
}

TEST_CASE("the registry holds no transport alive") {
    const Pki& p = pki();
    TransportOptions options = trusting(p.pki.caPem);
    options.userAgent = "registry-lifetime-test";
    std::weak_ptr<PocoHttpTransport> watched = PocoHttpTransport::shared(options);
    CHECK(watched.expired()); // the last holder went away: the transport and its connections are gone
    auto again = PocoHttpTransport::shared(options);
    CHECK(again != nullptr);
}

TEST_CASE("a rewritten CA file is read again by the next shared transport") {
    const Pki& p = pki();
    TempDir dir;
    TestPki other(dir, "second CA");
    std::string caFile = dir.file("trusted.pem");
    openssl({"x509", "-in", other.caPem, "-out", caFile});
    auto before = PocoHttpTransport::shared(trusting(caFile));
    openssl({"x509", "-in", p.pki.caPem, "-out", caFile}); // now the CA that signed the server
    auto after = PocoHttpTransport::shared(trusting(caFile));
    CHECK(after != before);
    TlsTestServer server(p.dir.file("good.pem"), p.dir.file("good.key"), p.dir.path());
    const std::string hello = "https://127.0.0.1:" + std::to_string(server.port()) + "/hello.txt";
    CHECK(getStatus(*after, hello) == 200);
    CHECK(sendFailureCode(*before, hello) == "net.tls_verify_failed");
}

TEST_CASE("callers of a shared transport share its keep-alive connection") {
    const Pki& p = pki();
    HttpsTestServer server(p.dir.file("good.pem"), p.dir.file("good.key"),
                           [](Poco::Net::HTTPServerRequest&, Poco::Net::HTTPServerResponse& response) {
                               response.setContentLength(2);
                               response.send() << "ok";
                           });
    TransportOptions options = trusting(p.pki.caPem);
    options.userAgent = "keep-alive-sharing-test";
    auto one = PocoHttpTransport::shared(options);
    auto two = PocoHttpTransport::shared(options); // e.g. a second plugin instance of the same cloud
    const std::string url = "https://127.0.0.1:" + std::to_string(server.port()) + "/";
    for (int i = 0; i < 3; ++i) {
        CHECK(getStatus(*one, url) == 200);
        CHECK(getStatus(*two, url) == 200);
    }
    CHECK(server.requests() == 6);
    CHECK(server.connections() == 1);
}

TEST_CASE("the system store is searched through a hashed directory (SSL_CERT_DIR)") {
    const Pki& p = pki();
    TlsTestServer server(p.dir.file("good.pem"), p.dir.file("good.key"), p.dir.path());
    const std::string hello = "https://127.0.0.1:" + std::to_string(server.port()) + "/hello.txt";
    TempDir hashed;
    writeHashedDirectory(hashed, p.pki.caPem);
    TempDir empty;
    TempDir bundle;
    bundle.write("empty.pem", "");
    ScopedEnvironment noFile("SSL_CERT_FILE", bundle.file("empty.pem")); // only the directory trusts

    TransportOptions system = trusting("");
    system.useSystemCAs = true;
    {
        ScopedEnvironment directory("SSL_CERT_DIR", hashed.path());
        SystemTrust trust = SystemTrust::locate();
        CHECK(trust.directory == hashed.path());
        PocoHttpTransport transport(system);
        CHECK(getStatus(transport, hello) == 200);
    }
    {
        ScopedEnvironment directory("SSL_CERT_DIR", empty.path()); // the CA is nowhere: strict refusal
        PocoHttpTransport transport(system);
        CHECK(sendFailureCode(transport, hello) == "net.tls_verify_failed");
    }
    {
        ScopedEnvironment directory("SSL_CERT_DIR", hashed.path());
        TransportOptions off = trusting(""); // useSystemCAs = false: the directory is not consulted
        PocoHttpTransport transport(off);
        CHECK(sendFailureCode(transport, hello) == "net.tls_verify_failed");
    }
}

TEST_CASE("SSL_CERT_FILE naming a bundle of one's own is loaded") {
    const Pki& p = pki();
    TlsTestServer server(p.dir.file("good.pem"), p.dir.file("good.key"), p.dir.path());
    TempDir empty;
    ScopedEnvironment file("SSL_CERT_FILE", p.pki.caPem);
    ScopedEnvironment directory("SSL_CERT_DIR", empty.path());
    SystemTrust trust = SystemTrust::locate();
    CHECK(trust.file == p.pki.caPem);
    TransportOptions system = trusting("");
    system.useSystemCAs = true;
    PocoHttpTransport transport(system);
    CHECK(getStatus(transport, "https://127.0.0.1:" + std::to_string(server.port()) + "/hello.txt") == 200);
}
