// The HTTPS front end: Poco's multi-threaded HTTP/1.1 server (keep-alive) on a TLS socket bound to
// 127.0.0.1 only. Converts each Poco request into emu::Request, applies injected faults, dispatches
// through the Router and writes the emu::Response back.
#pragma once

#include "faults.h"
#include "router.h"
#include "tls.h"

#include <memory>

namespace emu {

class HttpsServer {
public:
    /// Binds 127.0.0.1:`port` (0 = a free port) at once; serving starts with start().
    HttpsServer(const Router& router, FaultInjector& faults, const TlsFiles& tls, unsigned short port);
    ~HttpsServer();
    HttpsServer(const HttpsServer&) = delete;
    HttpsServer& operator=(const HttpsServer&) = delete;

    void start();
    void stop(); ///< stops accepting and waits for running requests (idempotent)
    unsigned short port() const;

private:
    struct Impl;
    std::unique_ptr<Impl> _impl;
};

} // namespace emu
