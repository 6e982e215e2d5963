// Starts build/bin/m365-emulator as a child process on a free loopback port, parses its ready line and
// offers the control API (device codes, faults, clock, replication, state, stats) to tests. The
// emulator is stopped by PID when the object dies, also when a test fails.
//
//   wptest::EmulatorProcess emulator;                 // --port 0 --control --replication-delay-ms 200
//   auto client = emulator.client();                  // HTTPS, trusts only the emulator's CA
//   std::string code = emulator.waitForUserCode();    // a device code someone requested
//   emulator.approve(code, "admin@contoso.onmicrosoft.com");
#pragma once

#include "child_process.h"
#include "https_client.h"

#include <nlohmann/json.hpp>

#include <chrono>
#include <memory>
#include <string>
#include <vector>

namespace wptest {

/// The emulator executable of this build tree (compile definition WP_EMULATOR_PATH), overridable with
/// the environment variable WP_EMULATOR.
std::string defaultEmulatorPath();

class EmulatorProcess {
public:
    struct Options {
        std::string executable = defaultEmulatorPath();
        bool control = true; ///< --control
        /// --replication-delay-ms: on by default with a short delay, so code under test meets eventual
        /// consistency as with the real directory; 0 makes new objects visible at once.
        int replicationDelayMs = 200;
        std::vector<std::string> extraArgs; ///< e.g. {"--auto-approve", "2"} or {"--seed", file}
        std::string stderrFile;             ///< empty: inherit (the emulator logs little)
        std::chrono::milliseconds startTimeout{20000};
    };

    EmulatorProcess();
    explicit EmulatorProcess(Options options);
    ~EmulatorProcess();

    const std::string& authority() const { return _authority; } ///< https://127.0.0.1:PORT
    const std::string& graph() const { return _graph; }
    const std::string& caFile() const { return _caFile; }
    const std::string& tenantId() const { return _tenantId; }
    const std::string& tenantDomain() const { return _tenantDomain; }
    const nlohmann::json& readyLine() const { return _ready; }
    ChildProcess& process() { return *_process; }

    /// An HTTPS client for the emulator (verifies against caFile()).
    HttpsClient client() const { return HttpsClient(_authority, _caFile); }

    // Control API (each throws std::runtime_error when the emulator answers an error).
    std::vector<nlohmann::json> deviceCodes() const;
    /// Polls GET /_emulator/devicecodes until a pending code appears; returns its user_code.
    std::string waitForUserCode(std::chrono::milliseconds timeout = std::chrono::seconds(20)) const;
    void approve(const std::string& userCode,
                 const std::string& upn = {}) const; ///< upn empty: the default approver
    void deny(const std::string& userCode) const;
    /// POST /_emulator/faults, e.g.
    /// {{"method","POST"},{"path","/v1.0/applications*"},{"kind","status"},{"status",503}}
    void addFault(const nlohmann::json& fault) const;
    void clearFaults() const;
    void setClockOffset(std::chrono::seconds offset) const;
    void setReplicationDelay(std::chrono::milliseconds delay) const;
    nlohmann::json state() const;
    nlohmann::json stats() const; ///< {"requests":{"<route>":count}}
    void resetStats() const;

private:
    nlohmann::json control(const std::string& method, const std::string& path,
                           const nlohmann::json& body = {}) const;

    std::unique_ptr<ChildProcess> _process;
    nlohmann::json _ready;
    std::string _authority, _graph, _caFile, _tenantId, _tenantDomain;
};

} // namespace wptest
