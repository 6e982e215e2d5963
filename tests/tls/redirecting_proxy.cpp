#include "redirecting_proxy.h"

#include <arpa/inet.h>
#include <netinet/in.h>
#include <poll.h>
#include <sys/socket.h>
#include <unistd.h>

#include <stdexcept>

namespace wptls {

namespace {

int listenOnLoopback(int& port) {
    int fd = socket(AF_INET, SOCK_STREAM, 0);
    sockaddr_in address{};
    address.sin_family = AF_INET;
    address.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    address.sin_port = 0;
    socklen_t length = sizeof address;
    if (fd < 0 || bind(fd, reinterpret_cast<sockaddr*>(&address), sizeof address) != 0 ||
        listen(fd, 16) != 0 || getsockname(fd, reinterpret_cast<sockaddr*>(&address), &length) != 0)
        throw std::runtime_error("the proxy cannot listen on 127.0.0.1");
    port = ntohs(address.sin_port);
    return fd;
}

int connectToLoopback(int port) {
    int fd = socket(AF_INET, SOCK_STREAM, 0);
    sockaddr_in address{};
    address.sin_family = AF_INET;
    address.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    address.sin_port = htons(static_cast<uint16_t>(port));
    if (fd >= 0 && connect(fd, reinterpret_cast<sockaddr*>(&address), sizeof address) == 0)
        return fd;
    if (fd >= 0)
        close(fd);
    return -1;
}

bool sendAll(int fd, const char* data, std::size_t size) {
    while (size > 0) {
        ssize_t sent = send(fd, data, size, MSG_NOSIGNAL);
        if (sent <= 0)
            return false;
        data += sent;
        size -= static_cast<std::size_t>(sent);
    }
    return true;
}

} // namespace

RedirectingProxy::RedirectingProxy(int targetPort) : _targetPort(targetPort) {
    _listener = listenOnLoopback(_port);
    _acceptor = std::thread([this] { acceptLoop(); });
}

RedirectingProxy::~RedirectingProxy() {
    _stop = true;
    _acceptor.join();
    for (auto& thread : _tunnels)
        thread.join();
    close(_listener);
}

std::vector<std::string> RedirectingProxy::requests() const {
    std::lock_guard<std::mutex> lock(_mutex);
    return _requests;
}

void RedirectingProxy::acceptLoop() {
    while (!_stop) {
        pollfd ready{_listener, POLLIN, 0};
        if (poll(&ready, 1, 50) <= 0)
            continue;
        int client = accept(_listener, nullptr, nullptr);
        if (client >= 0)
            _tunnels.emplace_back([this, client] { tunnel(client); }); // joined in the destructor
    }
}

void RedirectingProxy::tunnel(int client) {
    std::string head;
    char buffer[16384];
    while (head.find("\r\n\r\n") == std::string::npos && head.size() < 8192) {
        pollfd ready{client, POLLIN, 0};
        if (_stop || poll(&ready, 1, 50) < 0) {
            close(client);
            return;
        }
        if (ready.revents == 0)
            continue;
        ssize_t got = recv(client, buffer, sizeof buffer, 0);
        if (got <= 0) {
            close(client);
            return;
        }
        head.append(buffer, static_cast<std::size_t>(got));
    }
    {
        std::lock_guard<std::mutex> lock(_mutex);
        _requests.push_back(head.substr(0, head.find("\r\n")));
    }
    int server = head.rfind("CONNECT ", 0) == 0 ? connectToLoopback(_targetPort) : -1;
    const char* answer =
        server >= 0 ? "HTTP/1.1 200 Connection established\r\n\r\n" : "HTTP/1.1 502 Bad Gateway\r\n\r\n";
    bool open = sendAll(client, answer, std::char_traits<char>::length(answer)) && server >= 0;
    // Relay both ways until either side closes (or the proxy stops).
    while (open && !_stop) {
        pollfd ends[2] = {{client, POLLIN, 0}, {server, POLLIN, 0}};
        if (poll(ends, 2, 50) < 0)
            break;
        for (int i = 0; i < 2 && open; ++i) {
            if (ends[i].revents == 0)
                continue;
            ssize_t got = recv(ends[i].fd, buffer, sizeof buffer, 0);
            open = got > 0 && sendAll(ends[1 - i].fd, buffer, static_cast<std::size_t>(got));
        }
    }
    if (server >= 0)
        close(server);
    close(client);
}

} // namespace wptls
