// https_test_server.h -- an in-process HTTPS server (Poco, keep-alive) on 127.0.0.1 with a port the
// kernel picks, for transport tests that need keep-alive, slow answers or chosen headers; and a
// minimal HTTP CONNECT proxy that records the tunnels it opened.
#pragma once

#include <Poco/Net/HTTPServer.h>
#include <Poco/Net/HTTPServerRequest.h>
#include <Poco/Net/HTTPServerResponse.h>

#include <atomic>
#include <functional>
#include <memory>
#include <mutex>
#include <set>
#include <string>
#include <thread>
#include <vector>

namespace m365test {

class HttpsTestServer {
public:
    using Handler = std::function<void(Poco::Net::HTTPServerRequest&, Poco::Net::HTTPServerResponse&)>;
    /// keepAliveTimeoutMs: how long the server keeps an idle connection open.
    HttpsTestServer(const std::string& certFile, const std::string& keyFile, Handler handler,
                    int keepAliveTimeoutMs = 10'000);
    ~HttpsTestServer();
    int port() const { return _port; }
    /// Distinct client connections (remote ports) seen so far.
    std::size_t connections() const;
    std::size_t requests() const;

    struct State; // shared with the request handlers

private:
    std::shared_ptr<State> _state;
    std::unique_ptr<Poco::Net::HTTPServer> _server;
    int _port = 0;
};

/// Accepts CONNECT host:port, answers 200 and relays bytes; one thread per tunnel.
class ConnectProxy {
public:
    ConnectProxy();
    ~ConnectProxy();
    int port() const { return _port; }
    std::vector<std::string> connectLines() const; ///< e.g. "CONNECT localhost:4433 HTTP/1.1"

private:
    void acceptLoop();
    void tunnel(int client);
    int _listener = -1;
    int _port = 0;
    std::atomic<bool> _stop{false};
    std::thread _acceptor;
    mutable std::mutex _mutex;
    std::vector<std::string> _lines;
    std::vector<std::thread> _tunnels;
};

} // namespace m365test
