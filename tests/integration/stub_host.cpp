#include "stub_host.h"

#include <algorithm>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <sstream>
#include <stdexcept>
#include <thread>

#ifndef WP_HOST_STUB_PATH
#error "WP_HOST_STUB_PATH must name the host_stub executable"
#endif
#ifndef WP_M365_MODULE_PATH
#error "WP_M365_MODULE_PATH must name the m365 plugin module"
#endif

namespace m365it {

namespace fs = std::filesystem;

std::string readFile(const std::string& path) {
    std::ifstream in(path, std::ios::binary);
    std::ostringstream text;
    text << in.rdbuf();
    return text.str();
}

std::vector<nlohmann::json> HostRun::lines() const {
    std::vector<nlohmann::json> parsed;
    std::istringstream in(out);
    std::string line;
    while (std::getline(in, line)) {
        if (line.empty())
            continue;
        auto value = nlohmann::json::parse(line, nullptr, false);
        if (!value.is_discarded())
            parsed.push_back(value);
    }
    return parsed;
}

std::vector<nlohmann::json> HostRun::ofType(const std::string& type) const {
    std::vector<nlohmann::json> matching;
    for (const auto& line : lines()) {
        if (line.value("type", "") == type)
            matching.push_back(line);
    }
    return matching;
}

nlohmann::json HostRun::result() const {
    auto results = ofType("result");
    if (results.empty())
        throw std::runtime_error("no result line; stdout: " + out + "\nstderr: " + err);
    return results.back();
}

StubHost::StubHost(const wptest::EmulatorProcess& emulator, std::string instance)
    : _emulator(emulator), _instance(std::move(instance)) {
    std::string pattern = (fs::temp_directory_path() / "m365-it.XXXXXX").string();
    if (::mkdtemp(pattern.data()) == nullptr)
        throw std::runtime_error("mkdtemp failed");
    _directory = pattern;
    _storePath = _directory + "/store.db";
    _masterKeyPath = _directory + "/master.key";
}

StubHost::~StubHost() {
    std::error_code ignored;
    fs::remove_all(_directory, ignored);
}

std::vector<std::string> StubHost::command(const std::vector<std::string>& verbAndArgs) const {
    std::vector<std::string> argv{WP_HOST_STUB_PATH, "--plugin", WP_M365_MODULE_PATH, "--instance",
                                  _instance,         "--store",  _storePath,          "--master-key",
                                  _masterKeyPath,    "--json",   "--verbose"};
    argv.insert(argv.end(), verbAndArgs.begin(), verbAndArgs.end());
    return argv;
}

std::vector<std::string> StubHost::setupArgs(const std::vector<std::string>& extraSets) const {
    std::vector<std::string> args{"configure",
                                  "--action",
                                  "setup",
                                  "--set",
                                  "tenant=" + _emulator.tenantDomain(),
                                  "--set",
                                  "cloud=custom",
                                  "--set",
                                  "authority_host=" + _emulator.authority(),
                                  "--set",
                                  "graph_host=" + _emulator.graph(),
                                  "--set",
                                  "ca_file=" + _emulator.caFile(),
                                  "--set",
                                  "verify_timeout_s=60"};
    for (const auto& set : extraSets) {
        args.push_back("--set");
        args.push_back(set);
    }
    return args;
}

std::unique_ptr<wptest::ChildProcess> StubHost::start(const std::vector<std::string>& verbAndArgs,
                                                      const std::map<std::string, std::string>& env) {
    ++_runs;
    _lastOut = _directory + "/run" + std::to_string(_runs) + ".out";
    _lastErr = _directory + "/run" + std::to_string(_runs) + ".err";
    wptest::ChildProcess::Options options;
    options.argv = command(verbAndArgs);
    options.extraEnv = env;
    options.stdoutFile = _lastOut;
    options.stderrFile = _lastErr;
    return std::make_unique<wptest::ChildProcess>(options);
}

HostRun StubHost::finish(wptest::ChildProcess& process, std::chrono::milliseconds timeout) {
    HostRun run;
    auto status = process.wait(timeout);
    run.exitCode = status ? *status : process.stop();
    run.out = readFile(_lastOut);
    run.err = readFile(_lastErr);
    _allOutput += run.out + "\n" + run.err + "\n";
    return run;
}

HostRun StubHost::run(const std::vector<std::string>& verbAndArgs,
                      const std::map<std::string, std::string>& env, std::chrono::milliseconds timeout) {
    auto process = start(verbAndArgs, env);
    return finish(*process, timeout);
}

std::vector<std::string> StubHost::storedKeys() {
    std::vector<std::string> keys;
    for (const auto& entry : run({"store", "list", "--secrets"}).ofType("store_entry"))
        keys.push_back(entry.value("store", "") + ":" + entry.value("key", ""));
    for (const auto& entry : run({"store", "list"}).ofType("store_entry")) {
        auto key = entry.value("store", "") + ":" + entry.value("key", "");
        if (std::find(keys.begin(), keys.end(), key) == keys.end())
            keys.push_back(key);
    }
    std::sort(keys.begin(), keys.end());
    return keys;
}

std::optional<std::string> StubHost::configValue(const std::string& key) {
    auto entries = run({"store", "get", key}).ofType("store_entry");
    if (entries.empty())
        return std::nullopt;
    return entries.front().value("value", "");
}

std::string StubHost::rawStoreBytes() const {
    return readFile(_storePath) + readFile(_storePath + "-wal") + readFile(_storePath + "-journal");
}

wptest::EmulatorProcess::Options emulatorOptions(const std::string& autoApproveUpn, int replicationDelayMs) {
    wptest::EmulatorProcess::Options options;
    options.replicationDelayMs = replicationDelayMs;
    options.extraArgs = {"--device-code-interval", "1"};
    if (!autoApproveUpn.empty()) {
        options.extraArgs.insert(options.extraArgs.end(), {"--auto-approve", "1", "--as", autoApproveUpn});
    }
    return options;
}

nlohmann::json createdApplications(const wptest::EmulatorProcess& emulator) {
    return emulator.state().value("applications", nlohmann::json::array());
}

Background startOwn(const StubHost& host, const std::vector<std::string>& args, const std::string& name) {
    Background run;
    run.out = host.directory() + "/" + name + ".out";
    run.err = host.directory() + "/" + name + ".err";
    wptest::ChildProcess::Options options;
    options.argv = host.command(args);
    options.stdoutFile = run.out;
    options.stderrFile = run.err;
    run.process = std::make_unique<wptest::ChildProcess>(options);
    return run;
}

HostRun finishOwn(Background& background) {
    HostRun run;
    auto status = background.process->wait(std::chrono::seconds(180));
    run.exitCode = status ? *status : background.process->stop();
    run.out = readFile(background.out);
    run.err = readFile(background.err);
    return run;
}

long long tokenRequests(const wptest::EmulatorProcess& emulator) {
    auto stats = emulator.stats();
    return stats["requests"].value("POST token client_credentials", 0LL);
}

bool waitForTokenRequests(const wptest::EmulatorProcess& emulator, long long atLeast) {
    auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(60);
    while (std::chrono::steady_clock::now() < deadline) {
        if (tokenRequests(emulator) >= atLeast)
            return true;
        std::this_thread::sleep_for(std::chrono::milliseconds(50));
    }
    return false;
}

} // namespace m365it
