// PocoHttpTransport against real local TLS servers (openssl s_server and an in-process Poco server),
// with a test CA made at run time: verification on, wrong CA and wrong host name refused, https only,
// size limit, keep-alive reuse, cancel, CONNECT proxy.  Plus URL and NO_PROXY parsing.
#include "http_transport.h"
#include "proxy_environment.h"
#include "support/fake_call.h"
#include "support/https_test_server.h"
#include "support/test_process.h"

#include <doctest/doctest.h>

#include <chrono>
#include <thread>

using namespace m365;
using namespace m365test;

namespace {

struct Pki {
    TempDir dir;
    TestPki pki{dir};
    Pki() {
        pki.issue("good", "DNS:localhost,IP:127.0.0.1");
        pki.issue("othername", "DNS:other.example");
        dir.write("hello.txt", "hello over TLS");
        dir.write("big.txt", std::string(5u << 20, 'x'));
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

wp::Error sendFailure(HttpTransport& transport, const std::string& url, const wp::Call* call = nullptr) {
    HttpRequest request;
    request.url = url;
    try {
        transport.send(request, call);
    } catch (const wp::Error& e) {
        return e;
    }
    FAIL("the request succeeded: " << url);
    return wp::Error(WP_E_INTERNAL, "none", "none");
}

std::string get(HttpTransport& transport, const std::string& url) {
    HttpRequest request;
    request.url = url;
    HttpResponse response = transport.send(request, nullptr);
    CHECK(response.status == 200);
    return response.body;
}

} // namespace

TEST_CASE("TLS with the right CA works, by IP and by name") {
    const Pki& p = pki();
    TlsTestServer server(p.dir.file("good.pem"), p.dir.file("good.key"), p.dir.path());
    PocoHttpTransport transport(trusting(p.pki.caPem));
    const std::string port = std::to_string(server.port());
    CHECK(get(transport, "https://127.0.0.1:" + port + "/hello.txt") == "hello over TLS");
    CHECK(get(transport, "https://localhost:" + port + "/hello.txt") == "hello over TLS");
}

TEST_CASE("an unknown CA is refused, naming the certificate and what was trusted") {
    const Pki& p = pki();
    TlsTestServer server(p.dir.file("good.pem"), p.dir.file("good.key"), p.dir.path());
    TempDir otherDir;
    TestPki other(otherDir, "unrelated CA");
    PocoHttpTransport transport(trusting(other.caPem));
    wp::Error e = sendFailure(transport, "https://127.0.0.1:" + std::to_string(server.port()) + "/hello.txt");
    CHECK(e.code() == "net.tls_verify_failed");
    CHECK(e.status() == WP_E_UNAVAILABLE);
    std::string message = e.what();
    CHECK(message.find("unable to get local issuer certificate") != std::string::npos);
    CHECK(message.find("CN=good") != std::string::npos);
    CHECK(message.find("m365 test CA") != std::string::npos); // the issuer we do not trust
    CHECK(message.find(other.caPem) != std::string::npos);    // what we trusted instead
    CHECK_FALSE(e.hint().empty());
}

TEST_CASE("a certificate for another host name is refused") {
    const Pki& p = pki();
    TlsTestServer server(p.dir.file("othername.pem"), p.dir.file("othername.key"), p.dir.path());
    PocoHttpTransport transport(trusting(p.pki.caPem));
    wp::Error e = sendFailure(transport, "https://127.0.0.1:" + std::to_string(server.port()) + "/hello.txt");
    CHECK(e.code() == "net.tls_verify_failed");
    CHECK(std::string(e.what()).find("not valid for the host name '127.0.0.1'") != std::string::npos);
}

TEST_CASE("only https:// is accepted - bad URLs and unreachable ports give clear errors") {
    PocoHttpTransport transport(trusting(pki().pki.caPem));
    wp::Error plain = sendFailure(transport, "http://127.0.0.1:1/token");
    CHECK(plain.code() == "net.https_required");
    CHECK(plain.status() == WP_E_INVALID_ARGUMENT);
    CHECK(sendFailure(transport, "not a url").code() == "net.bad_url");
    CHECK(sendFailure(transport, "https://user:pw@127.0.0.1/").code() == "net.bad_url");
    wp::Error refused = sendFailure(transport, "https://127.0.0.1:1/");
    CHECK(refused.code() == "net.connect_failed");
    CHECK(std::string(refused.what()).find("127.0.0.1:1") != std::string::npos);
    TransportOptions broken = trusting("/nonexistent/ca.pem");
    CHECK_THROWS_WITH_AS(PocoHttpTransport{broken}, doctest::Contains("/nonexistent/ca.pem"), wp::Error);
}

TEST_CASE("answers larger than the limit are refused, with or without Content-Length") {
    const Pki& p = pki();
    TlsTestServer server(p.dir.file("good.pem"), p.dir.file("good.key"), p.dir.path());
    PocoHttpTransport transport(trusting(p.pki.caPem)); // default limit 4 MiB; big.txt is 5 MiB, streamed
    CHECK(sendFailure(transport, "https://127.0.0.1:" + std::to_string(server.port()) + "/big.txt").code() ==
          "net.response_too_large");

    HttpsTestServer poco(p.dir.file("good.pem"), p.dir.file("good.key"),
                         [](Poco::Net::HTTPServerRequest&, Poco::Net::HTTPServerResponse& response) {
                             response.setContentLength(2000);
                             response.send() << std::string(2000, 'y');
                         });
    TransportOptions small = trusting(p.pki.caPem);
    small.maxResponseBytes = 1000;
    PocoHttpTransport limited(small);
    CHECK(sendFailure(limited, "https://127.0.0.1:" + std::to_string(poco.port()) + "/").code() ==
          "net.response_too_large");
}

TEST_CASE("keep-alive: consecutive requests reuse one TLS connection - headers and bodies go through") {
    const Pki& p = pki();
    HttpsTestServer server(
        p.dir.file("good.pem"), p.dir.file("good.key"),
        [](Poco::Net::HTTPServerRequest& request, Poco::Net::HTTPServerResponse& response) {
            std::string body(std::istreambuf_iterator<char>(request.stream()), {});
            response.set("X-Echo-Auth", request.get("Authorization", ""));
            response.setContentType("text/plain");
            response.setStatus(body == "ping" ? Poco::Net::HTTPResponse::HTTP_CREATED
                                              : Poco::Net::HTTPResponse::HTTP_NOT_FOUND);
            std::string answer = request.getMethod() + " " + request.getURI() + " " + body;
            response.setContentLength(static_cast<std::streamsize>(answer.size()));
            response.send() << answer;
        });
    PocoHttpTransport transport(trusting(p.pki.caPem));
    for (int i = 0; i < 3; ++i) {
        HttpRequest request;
        request.method = "POST";
        request.url = "https://127.0.0.1:" + std::to_string(server.port()) + "/v1.0/x?a=b";
        request.headers.add("Authorization", "Bearer abc");
        request.contentType = "text/plain";
        request.body = "ping";
        HttpResponse response = transport.send(request, nullptr);
        CHECK(response.status == 201);
        CHECK(response.body == "POST /v1.0/x?a=b ping");
        CHECK(response.header("x-echo-auth") == "Bearer abc"); // case-insensitive lookup
    }
    HttpRequest missing;
    missing.url = "https://127.0.0.1:" + std::to_string(server.port()) + "/";
    CHECK(transport.send(missing, nullptr).status == 404); // status codes are answers, not exceptions
    CHECK(server.requests() == 4);
    CHECK(server.connections() == 1);
}

TEST_CASE("a pooled connection the server closed meanwhile is not used, even for a POST") {
    const Pki& p = pki();
    HttpsTestServer server(
        p.dir.file("good.pem"), p.dir.file("good.key"),
        [](Poco::Net::HTTPServerRequest& request, Poco::Net::HTTPServerResponse& response) {
            std::string body(std::istreambuf_iterator<char>(request.stream()), {});
            response.setContentLength(static_cast<std::streamsize>(body.size()));
            response.send() << body;
        },
        200);
    PocoHttpTransport transport(trusting(p.pki.caPem));
    HttpRequest create;
    create.method = "POST"; // not idempotent: must never be sent twice
    create.url = "https://127.0.0.1:" + std::to_string(server.port()) + "/v1.0/applications";
    create.contentType = "application/json";
    create.body = R"({"displayName":"x"})";
    CHECK(transport.send(create, nullptr).body == create.body);
    std::this_thread::sleep_for(std::chrono::milliseconds(600)); // the server drops the idle connection
    CHECK(transport.send(create, nullptr).body == create.body);
    CHECK(server.requests() == 2);
    CHECK(server.connections() == 2);
}

TEST_CASE("cancel is honoured while waiting for a slow answer") {
    const Pki& p = pki();
    HttpsTestServer server(p.dir.file("good.pem"), p.dir.file("good.key"),
                           [](Poco::Net::HTTPServerRequest&, Poco::Net::HTTPServerResponse& response) {
                               std::this_thread::sleep_for(std::chrono::seconds(3));
                               response.send() << "late";
                           });
    PocoHttpTransport transport(trusting(p.pki.caPem));
    FakeCall fake;
    wp::Call call = fake.call();
    std::thread canceller([&] {
        std::this_thread::sleep_for(std::chrono::milliseconds(300));
        fake.cancel();
    });
    wp::Error e = sendFailure(transport, "https://127.0.0.1:" + std::to_string(server.port()) + "/", &call);
    canceller.join();
    CHECK(e.status() == WP_E_CANCELLED);
}

TEST_CASE("an explicit proxy is used through CONNECT, TLS still verified end to end") {
    const Pki& p = pki();
    TlsTestServer server(p.dir.file("good.pem"), p.dir.file("good.key"), p.dir.path());
    ConnectProxy proxy;
    TransportOptions options = trusting(p.pki.caPem);
    options.proxy.host = "127.0.0.1";
    options.proxy.port = static_cast<uint16_t>(proxy.port());
    PocoHttpTransport transport(options);
    CHECK(get(transport, "https://localhost:" + std::to_string(server.port()) + "/hello.txt") ==
          "hello over TLS");
    auto lines = proxy.connectLines();
    REQUIRE(lines.size() == 1);
    CHECK(lines[0] == "CONNECT localhost:" + std::to_string(server.port()) + " HTTP/1.1");

    TempDir otherDir;
    TestPki other(otherDir, "unrelated CA");
    TransportOptions wrongCa = options;
    wrongCa.caFile = other.caPem;
    PocoHttpTransport untrusting(wrongCa);
    CHECK(
        sendFailure(untrusting, "https://localhost:" + std::to_string(server.port()) + "/hello.txt").code() ==
        "net.tls_verify_failed");
}

TEST_CASE("URL parsing") {
    UrlParts a = parseUrl("HTTPS://Login.Example:8443/t/oauth2/v2.0/token?x=1#frag");
    CHECK(a.scheme == "https");
    CHECK(a.host == "login.example");
    CHECK(a.port == 8443);
    CHECK(a.pathAndQuery == "/t/oauth2/v2.0/token?x=1");
    UrlParts b = parseUrl("https://[::1]/");
    CHECK(b.host == "::1");
    CHECK(b.port == 443);
    CHECK(parseUrl("https://graph.example?q").pathAndQuery == "/?q");
    CHECK_THROWS_AS(parseUrl("https://h:99999/"), wp::Error);
    CHECK_THROWS_AS(parseUrl("https:///path"), wp::Error);
}

TEST_CASE("NO_PROXY rules and the environment proxy") {
    CHECK(proxyBypassed("*", "graph.microsoft.com"));
    CHECK(proxyBypassed("example.com", "example.com"));
    CHECK(proxyBypassed(".example.com", "a.example.com"));
    CHECK(proxyBypassed("example.com", "a.b.example.com"));
    CHECK_FALSE(proxyBypassed("example.com", "badexample.com"));
    CHECK(proxyBypassed("foo, login.microsoftonline.com:443 ,bar", "login.microsoftonline.com"));
    CHECK(proxyBypassed("[::1]", "::1"));
    CHECK_FALSE(proxyBypassed("", "graph.microsoft.com"));

    ProxySettings parsed = EnvironmentProxy::parseProxyUrl("http://u%40x:p%3Aw@proxy.corp:3128/");
    CHECK(parsed.host == "proxy.corp");
    CHECK(parsed.port == 3128);
    CHECK(parsed.username == "u@x");
    CHECK(parsed.password == "p:w");
    CHECK(EnvironmentProxy::parseProxyUrl("proxy.corp:8080").port == 8080);
    try {
        EnvironmentProxy::parseProxyUrl("https://user:secretpw@proxy.corp:443");
        FAIL("an https proxy was accepted");
    } catch (const wp::Error& e) {
        CHECK(e.code() == "net.bad_proxy");
        CHECK(std::string(e.what()).find("secretpw") == std::string::npos);
    }

    EnvironmentProxy environment;
    environment.proxy = parsed;
    environment.noProxy = ".internal";
    CHECK(environment.appliesTo("graph.microsoft.com"));
    CHECK_FALSE(environment.appliesTo("api.internal"));
    CHECK_FALSE(environment.appliesTo("127.0.0.1")); // loopback never leaves the machine
    CHECK_FALSE(environment.appliesTo("localhost"));
}
