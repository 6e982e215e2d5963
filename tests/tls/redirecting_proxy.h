// redirecting_proxy.h -- an HTTP CONNECT proxy on 127.0.0.1 that sends EVERY tunnel to one fixed loopback
// port, whatever host name the client asked for. It lets a client reach the emulator under a name that
// is not in the emulator's certificate (and resolves nowhere) without touching DNS or /etc/hosts.
#pragma once

#include <atomic>
#include <mutex>
#include <string>
#include <thread>
#include <vector>

namespace wptls {

class RedirectingProxy {
public:
    explicit RedirectingProxy(int targetPort); ///< listens on 127.0.0.1, a free port
    ~RedirectingProxy();                       ///< stops accepting and joins every tunnel
    RedirectingProxy(const RedirectingProxy&) = delete;
    RedirectingProxy& operator=(const RedirectingProxy&) = delete;

    int port() const { return _port; }
    /// The CONNECT request lines seen, e.g. "CONNECT login.contoso.test:4433 HTTP/1.1".
    std::vector<std::string> requests() const;

private:
    void acceptLoop();
    void tunnel(int client);

    int _targetPort;
    int _listener = -1;
    int _port = 0;
    std::atomic<bool> _stop{false};
    std::thread _acceptor;
    mutable std::mutex _mutex;
    std::vector<std::string> _requests;
    std::vector<std::thread> _tunnels;
};

} // namespace wptls
