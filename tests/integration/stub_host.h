// stub_host.h -- runs the REAL stub host process with the REAL m365 module against an emulator, in a
// scratch directory of its own (store, master key, captured output), removed afterwards.
#pragma once

#include "child_process.h"
#include "emulator_process.h"

#include <wp/abi.h>

#include <nlohmann/json.hpp>

#include <chrono>
#include <map>
#include <memory>
#include <optional>
#include <string>
#include <vector>

namespace m365it {

/// What one stub host run printed and how it ended.
struct HostRun {
    int exitCode = -1;
    std::string out; ///< stdout: with --json one JSON object per line
    std::string err; ///< stderr: logs and prompts

    std::vector<nlohmann::json> lines() const;
    /// The lines of one "type" (result, finding, fact, event, credential, store_entry, ...).
    std::vector<nlohmann::json> ofType(const std::string& type) const;
    /// The final result line ({"type":"result","code":...}); throws if there is none.
    nlohmann::json result() const;
    std::string errorCode() const { return result().value("code", ""); }
};

class StubHost {
public:
    explicit StubHost(const wptest::EmulatorProcess& emulator, std::string instance = "contoso");
    ~StubHost();
    StubHost(const StubHost&) = delete;
    StubHost& operator=(const StubHost&) = delete;

    /// host_stub --plugin ... --instance ... --store ... --master-key ... --json --verbose VERB ARGS...
    std::vector<std::string> command(const std::vector<std::string>& verbAndArgs) const;
    /// The --set options that point setup at the emulator (custom cloud, its CA), plus extra "k=v".
    std::vector<std::string> setupArgs(const std::vector<std::string>& extraSets = {}) const;

    /// Runs to completion (killed by PID after timeout).
    HostRun run(const std::vector<std::string>& verbAndArgs,
                const std::map<std::string, std::string>& env = {},
                std::chrono::milliseconds timeout = std::chrono::seconds(180));
    /// Starts in the background; collect with finish().
    std::unique_ptr<wptest::ChildProcess> start(const std::vector<std::string>& verbAndArgs,
                                                const std::map<std::string, std::string>& env = {});
    HostRun finish(wptest::ChildProcess& process,
                   std::chrono::milliseconds timeout = std::chrono::seconds(180));

    /// Every key of the instance's config and secret stores (via `store list`), as "config:KEY"/"secret:KEY".
    std::vector<std::string> storedKeys();
    /// The config store value of key (via `store get`), nullopt if absent.
    std::optional<std::string> configValue(const std::string& key);
    /// Raw bytes of the SQLite files (database + WAL), to prove what is NOT in them.
    std::string rawStoreBytes() const;

    const std::string& directory() const { return _directory; }
    const std::string& storePath() const { return _storePath; }
    const std::string& masterKeyPath() const { return _masterKeyPath; }
    const std::string& instance() const { return _instance; }
    /// Everything any run of this host printed (stdout + stderr), for secret scans.
    const std::string& allOutput() const { return _allOutput; }

private:
    const wptest::EmulatorProcess& _emulator;
    std::string _instance;
    std::string _directory;
    std::string _storePath;
    std::string _masterKeyPath;
    std::string _allOutput;
    int _runs = 0;
    std::string _lastOut, _lastErr;
};

/// Emulator options for these tests: fast device-code polling, auto-approval as `upn` (empty: none).
wptest::EmulatorProcess::Options
emulatorOptions(const std::string& autoApproveUpn = "admin@contoso.onmicrosoft.com",
                int replicationDelayMs = 300);

/// Applications, service principals and grants of the emulator tenant that are not Microsoft's.
nlohmann::json createdApplications(const wptest::EmulatorProcess& emulator);

std::string readFile(const std::string& path);

/// A background stub host run with its own output files (StubHost::start/finish keep only the latest
/// output, so two runs at once need their own).
struct Background {
    std::unique_ptr<wptest::ChildProcess> process;
    std::string out, err;
};
Background startOwn(const StubHost& host, const std::vector<std::string>& args, const std::string& name);
HostRun finishOwn(Background& background);

/// Client-credentials token requests the emulator has seen, and a bounded wait for more of them.
long long tokenRequests(const wptest::EmulatorProcess& emulator);
bool waitForTokenRequests(const wptest::EmulatorProcess& emulator, long long atLeast);

} // namespace m365it
