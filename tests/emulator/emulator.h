// One emulator instance: clock, directory, token service, routes (identity, Graph, sign-in page,
// control API), faults, the HTTPS server and the optional auto-approver. main.cpp runs one; tests may
// run one in-process.
#pragma once

#include "context.h"
#include "faults.h"
#include "identity_common.h"
#include "options.h"
#include "router.h"

#include <atomic>
#include <memory>
#include <string>
#include <thread>

namespace emu {

class HttpsServer;

class Emulator {
public:
    /// Seeds the directory, prepares TLS and binds the port; throws std::exception on bad options/seed.
    explicit Emulator(const Options& options);
    ~Emulator();
    Emulator(const Emulator&) = delete;
    Emulator& operator=(const Emulator&) = delete;

    void start();
    void stop();

    /// The ready line's JSON: authority, graph, ca_file, tenant_id, tenant_domain.
    nlohmann::json readyInfo() const;

    ServiceContext& context() { return _context; }
    Router& router() { return _router; }
    FaultInjector& faults() { return _faults; }
    unsigned short port() const;

private:
    void autoApproveLoop(std::chrono::seconds after, std::string upn);

    Options _options;
    std::string _stateDir;
    bool _ownsStateDir = false;
    std::string _caFile;
    Clock _clock;
    Directory _directory{_clock};
    std::unique_ptr<TokenService> _tokens;
    ServiceContext _context;
    IdentityOptions _identity;
    Router _router;
    FaultInjector _faults;
    std::string _defaultApprover;
    std::unique_ptr<HttpsServer> _server;
    std::atomic<bool> _stopping{false};
    std::thread _autoApprover;
};

} // namespace emu
