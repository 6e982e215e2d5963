// https_test_server.cpp -- see https_test_server.h.
#include "support/https_test_server.h"

#include <Poco/Net/Context.h>
#include <Poco/Net/HTTPRequestHandler.h>
#include <Poco/Net/HTTPRequestHandlerFactory.h>
#include <Poco/Net/HTTPServerParams.h>
#include <Poco/Net/SSLManager.h>
#include <Poco/Net/SecureServerSocket.h>

#include <arpa/inet.h>
#include <netinet/in.h>
#include <poll.h>
#include <stdexcept>
#include <sys/socket.h>
#include <unistd.h>

namespace m365test {

struct HttpsTestServer::State {
    Handler handler;
    mutable std::mutex mutex;
    std::set<std::string> clients;
    std::size_t requests = 0;
};

namespace {

class Dispatch : public Poco::Net::HTTPRequestHandler {
public:
    explicit Dispatch(std::shared_ptr<HttpsTestServer::State> state) : _state(std::move(state)) {}
    void handleRequest(Poco::Net::HTTPServerRequest& request,
                       Poco::Net::HTTPServerResponse& response) override;

private:
    std::shared_ptr<HttpsTestServer::State> _state;
};

class Factory : public Poco::Net::HTTPRequestHandlerFactory {
public:
    explicit Factory(std::shared_ptr<HttpsTestServer::State> state) : _state(std::move(state)) {}
    Poco::Net::HTTPRequestHandler* createRequestHandler(const Poco::Net::HTTPServerRequest&) override {
        return new Dispatch(_state);
    }

private:
    std::shared_ptr<HttpsTestServer::State> _state;
};

} // namespace

// Defined outside the anonymous namespace's class body because it touches State's members.
void Dispatch::handleRequest(Poco::Net::HTTPServerRequest& request, Poco::Net::HTTPServerResponse& response) {
    {
        std::lock_guard<std::mutex> lock(_state->mutex);
        _state->clients.insert(request.clientAddress().toString());
        ++_state->requests;
    }
    _state->handler(request, response);
}

HttpsTestServer::HttpsTestServer(const std::string& certFile, const std::string& keyFile, Handler handler,
                                 int keepAliveTimeoutMs)
    : _state(std::make_shared<State>()) {
    Poco::Net::initializeSSL();
    _state->handler = std::move(handler);
    Poco::Net::Context::Params params;
    params.privateKeyFile = keyFile;
    params.certificateFile = certFile;
    params.verificationMode = Poco::Net::Context::VERIFY_NONE;
    Poco::Net::Context::Ptr context = new Poco::Net::Context(Poco::Net::Context::TLS_SERVER_USE, params);
    Poco::Net::SecureServerSocket socket(Poco::Net::SocketAddress("127.0.0.1", 0), 64, context);
    _port = socket.address().port();
    auto* serverParams = new Poco::Net::HTTPServerParams;
    serverParams->setKeepAlive(true);
    serverParams->setKeepAliveTimeout(
        Poco::Timespan(static_cast<Poco::Timespan::TimeDiff>(keepAliveTimeoutMs) * 1000));
    serverParams->setMaxThreads(8);
    _server = std::make_unique<Poco::Net::HTTPServer>(new Factory(_state), socket, serverParams);
    _server->start();
}

HttpsTestServer::~HttpsTestServer() {
    _server->stopAll(true);
    _server.reset();
    Poco::Net::uninitializeSSL();
}

std::size_t HttpsTestServer::connections() const {
    std::lock_guard<std::mutex> lock(_state->mutex);
    return _state->clients.size();
}

std::size_t HttpsTestServer::requests() const {
    std::lock_guard<std::mutex> lock(_state->mutex);
    return _state->requests;
}

ConnectProxy::ConnectProxy() {
    _listener = socket(AF_INET, SOCK_STREAM, 0);
    sockaddr_in address{};
    address.sin_family = AF_INET;
    address.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    socklen_t length = sizeof address;
    if (bind(_listener, reinterpret_cast<sockaddr*>(&address), sizeof address) != 0 ||
        listen(_listener, 16) != 0 ||
        getsockname(_listener, reinterpret_cast<sockaddr*>(&address), &length) != 0)
        throw std::runtime_error("proxy: cannot listen");
    _port = ntohs(address.sin_port);
    _acceptor = std::thread([this] { acceptLoop(); });
}

ConnectProxy::~ConnectProxy() {
    _stop = true;
    _acceptor.join();
    for (auto& thread : _tunnels)
        thread.join();
    close(_listener);
}

std::vector<std::string> ConnectProxy::connectLines() const {
    std::lock_guard<std::mutex> lock(_mutex);
    return _lines;
}

void ConnectProxy::acceptLoop() {
    while (!_stop) {
        pollfd fd{_listener, POLLIN, 0};
        if (poll(&fd, 1, 50) <= 0)
            continue;
        int client = accept(_listener, nullptr, nullptr);
        if (client >= 0)
            _tunnels.emplace_back([this, client] { tunnel(client); });
    }
}

void ConnectProxy::tunnel(int client) {
    std::string head;
    char buffer[16384];
    while (head.find("\r\n\r\n") == std::string::npos) {
        ssize_t got = recv(client, buffer, sizeof buffer, 0);
        if (got <= 0) {
            close(client);
            return;
        }
        head.append(buffer, static_cast<std::size_t>(got));
    }
    std::string line = head.substr(0, head.find("\r\n"));
    {
        std::lock_guard<std::mutex> lock(_mutex);
        _lines.push_back(line);
    }
    // "CONNECT host:port HTTP/1.1": the tests only tunnel to 127.0.0.1/localhost.
    std::string target = line.substr(8, line.find(' ', 8) - 8);
    int port = std::stoi(target.substr(target.rfind(':') + 1));
    int upstream = socket(AF_INET, SOCK_STREAM, 0);
    sockaddr_in address{};
    address.sin_family = AF_INET;
    address.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    address.sin_port = htons(static_cast<uint16_t>(port));
    if (connect(upstream, reinterpret_cast<sockaddr*>(&address), sizeof address) != 0) {
        const char refused[] = "HTTP/1.1 502 Bad Gateway\r\nContent-Length: 0\r\n\r\n";
        send(client, refused, sizeof refused - 1, MSG_NOSIGNAL);
        close(upstream);
        close(client);
        return;
    }
    const char established[] = "HTTP/1.1 200 Connection established\r\n\r\n";
    send(client, established, sizeof established - 1, MSG_NOSIGNAL);
    pollfd fds[2] = {{client, POLLIN, 0}, {upstream, POLLIN, 0}};
    while (!_stop) {
        if (poll(fds, 2, 50) <= 0)
            continue;
        bool closed = false;
        for (int i = 0; i < 2; ++i) {
            if ((fds[i].revents & (POLLIN | POLLHUP | POLLERR)) == 0)
                continue;
            ssize_t got = recv(fds[i].fd, buffer, sizeof buffer, 0);
            if (got <= 0 || send(fds[1 - i].fd, buffer, static_cast<std::size_t>(got), MSG_NOSIGNAL) < 0)
                closed = true;
        }
        if (closed)
            break;
    }
    close(upstream);
    close(client);
}

} // namespace m365test
