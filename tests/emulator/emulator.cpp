#include "emulator.h"

#include "cloud_profile.h"
#include "device_code.h"
#include "identity_routes.h"
#include "seed.h"
#include "server.h"
#include "tls.h"
#ifdef EMU_HAVE_GRAPH
#include "graph_routes.h"
#endif

#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <iostream>
#include <stdexcept>

namespace emu {

namespace {
std::string makeTempDir() {
    std::string pattern = (std::filesystem::temp_directory_path() / "m365-emulator.XXXXXX").string();
    if (!mkdtemp(pattern.data()))
        throw std::runtime_error("cannot create a temporary state directory");
    return pattern;
}

nlohmann::json readSeed(const std::string& file) {
    std::ifstream in(file);
    if (!in)
        throw std::invalid_argument("cannot read the seed file " + file);
    auto seed = nlohmann::json::parse(in, nullptr, false);
    if (seed.is_discarded())
        throw std::invalid_argument("the seed file " + file + " is not valid JSON");
    return seed;
}

std::string firstGlobalAdministrator(DirectoryState& state) {
    for (const auto& user : state.users)
        for (const auto& role : user.roleTemplateIds)
            if (role == roles::kGlobalAdministrator)
                return user.userPrincipalName;
    return state.users.empty() ? std::string() : state.users.front().userPrincipalName;
}
} // namespace

Emulator::Emulator(const Options& options)
    : _options(options), _stateDir(options.stateDir.empty() ? makeTempDir() : options.stateDir),
      _ownsStateDir(options.stateDir.empty()),
      _tokens(std::make_unique<TokenService>(_clock, _stateDir)), _context{_clock, _directory, *_tokens,
                                                                           &_faults} {
    if (!options.cloud.empty())
        selectCloud(*findCloudProfile(options.cloud)); // before the seed: tenant domains use its suffix
    _identity.deviceCodeInterval = std::chrono::seconds(options.deviceCodeIntervalSeconds);
    _identity.deviceCodeLifetime = std::chrono::seconds(options.deviceCodeLifetimeSeconds);
    _directory.setReplicationDelay(std::chrono::milliseconds(options.replicationDelayMs));
    {
        auto state = _directory.lock();
        applySeed(*state, options.seedFile.empty() ? defaultSeed() : readSeed(options.seedFile),
                  _clock.now());
        _defaultApprover =
            options.autoApproveUpn.empty() ? firstGlobalAdministrator(*state) : options.autoApproveUpn;
        if (!state->findUserByUpn(_defaultApprover))
            throw std::invalid_argument("--as names no seeded user: " + _defaultApprover);
    }

    registerDiscoveryRoutes(_router, _context);
    registerOAuthRoutes(_router, _context, _identity);
    registerSignInPage(_router, _context);
    if (options.control)
        registerControlRoutes(_router, _context, ControlTargets{_faults, _router, _defaultApprover});
#ifdef EMU_HAVE_GRAPH
    registerGraphRoutes(_router, _context);
#endif

    TlsFiles tls = prepareTlsFiles(_stateDir);
    _caFile = tls.caCertificateFile;
    _server = std::make_unique<HttpsServer>(_router, _faults, tls, options.port);
}

Emulator::~Emulator() {
    stop();
    if (_ownsStateDir) {
        std::error_code ignored;
        std::filesystem::remove_all(_stateDir, ignored);
    }
}

void Emulator::start() {
    _server->start();
    if (_options.autoApproveSeconds)
        _autoApprover = std::thread(&Emulator::autoApproveLoop, this,
                                    std::chrono::seconds(*_options.autoApproveSeconds), _defaultApprover);
}

void Emulator::stop() {
    _stopping = true;
    if (_autoApprover.joinable())
        _autoApprover.join();
    if (_server)
        _server->stop();
}

unsigned short Emulator::port() const {
    return _server->port();
}

nlohmann::json Emulator::readyInfo() const {
    const std::string base = "https://127.0.0.1:" + std::to_string(port());
    auto state = const_cast<Directory&>(_directory).lock();
    const Tenant* tenant = state->defaultTenant();
    return {{"authority", base},
            {"graph", base},
            {"ca_file", _caFile},
            {"tenant_id", tenant->id},
            {"tenant_domain", tenant->initialDomain()},
            {"cloud", activeCloud().name}};
}

// --auto-approve: a simulated admin approves every pending code `after` seconds after it was issued.
void Emulator::autoApproveLoop(std::chrono::seconds after, std::string upn) {
    while (!_stopping) {
        std::vector<std::string> due;
        {
            auto state = _directory.lock();
            const TimePoint now = _clock.now();
            for (const auto& [code, grant] : state->deviceCodes)
                if (grant.status == DeviceCodeStatus::Pending && now < grant.expiresAt &&
                    now >= grant.createdAt + after)
                    due.push_back(grant.userCode);
        }
        for (const auto& userCode : due) {
            DeviceCodeDecision decision = decideDeviceCode(_context, userCode, true, upn);
            std::cerr << "m365-emulator: auto-approve " << (decision.ok ? "approved" : "skipped")
                      << " a device code as " << upn << "\n";
        }
        std::this_thread::sleep_for(std::chrono::milliseconds(100));
    }
}

} // namespace emu
