#include "emulator_process.h"

#include <cstdlib>
#include <stdexcept>
#include <thread>

namespace wptest {

std::string defaultEmulatorPath() {
    if (const char* path = std::getenv("WP_EMULATOR"); path && *path)
        return path;
#ifdef WP_EMULATOR_PATH
    return WP_EMULATOR_PATH;
#else
    return "build/bin/m365-emulator";
#endif
}

EmulatorProcess::EmulatorProcess() : EmulatorProcess(Options{}) {}

EmulatorProcess::EmulatorProcess(Options options) {
    ChildProcess::Options child;
    child.argv = {options.executable, "--port", "0", "--replication-delay-ms",
                  std::to_string(options.replicationDelayMs)};
    if (options.control)
        child.argv.push_back("--control");
    child.argv.insert(child.argv.end(), options.extraArgs.begin(), options.extraArgs.end());
    child.stderrFile = options.stderrFile;
    _process = std::make_unique<ChildProcess>(child);

    auto line = _process->readLine(options.startTimeout);
    if (!line) {
        auto status = _process->wait(std::chrono::milliseconds(100));
        throw std::runtime_error("m365-emulator (" + options.executable + ") did not print its ready line" +
                                 (status ? " (exit code " + std::to_string(*status) + ")" : std::string()));
    }
    _ready = nlohmann::json::parse(*line, nullptr, false);
    if (_ready.is_discarded() || !_ready.is_object())
        throw std::runtime_error("m365-emulator printed an unexpected ready line: " + *line);
    _authority = _ready.value("authority", "");
    _graph = _ready.value("graph", "");
    _caFile = _ready.value("ca_file", "");
    _tenantId = _ready.value("tenant_id", "");
    _tenantDomain = _ready.value("tenant_domain", "");
}

EmulatorProcess::~EmulatorProcess() = default; // ChildProcess stops the emulator by PID

nlohmann::json EmulatorProcess::control(const std::string& method, const std::string& path,
                                        const nlohmann::json& body) const {
    HttpResult result = client().request(method, path, body.is_null() ? std::string() : body.dump(),
                                         body.is_null() ? std::string() : "application/json");
    if (result.status >= 300)
        throw std::runtime_error(method + " " + path + " answered " + std::to_string(result.status) + ": " +
                                 result.body.substr(0, 300));
    return result.body.empty() ? nlohmann::json() : result.json();
}

std::vector<nlohmann::json> EmulatorProcess::deviceCodes() const {
    std::vector<nlohmann::json> codes;
    const nlohmann::json listed = control("GET", "/_emulator/devicecodes"); // keep it alive during the loop
    for (const auto& code : listed["value"])
        codes.push_back(code);
    return codes;
}

std::string EmulatorProcess::waitForUserCode(std::chrono::milliseconds timeout) const {
    const auto deadline = std::chrono::steady_clock::now() + timeout;
    while (std::chrono::steady_clock::now() < deadline) {
        for (const auto& code : deviceCodes())
            if (code.value("status", "") == "pending")
                return code.value("user_code", "");
        std::this_thread::sleep_for(std::chrono::milliseconds(50));
    }
    throw std::runtime_error("no pending device code appeared");
}

void EmulatorProcess::approve(const std::string& userCode, const std::string& upn) const {
    nlohmann::json body = {{"user_code", userCode}};
    if (!upn.empty())
        body["upn"] = upn;
    control("POST", "/_emulator/devicecodes/approve", body);
}

void EmulatorProcess::deny(const std::string& userCode) const {
    control("POST", "/_emulator/devicecodes/deny", {{"user_code", userCode}});
}

void EmulatorProcess::addFault(const nlohmann::json& fault) const {
    control("POST", "/_emulator/faults", fault);
}
void EmulatorProcess::clearFaults() const {
    control("DELETE", "/_emulator/faults");
}

void EmulatorProcess::setClockOffset(std::chrono::seconds offset) const {
    control("POST", "/_emulator/clock", {{"offset_seconds", offset.count()}});
}

void EmulatorProcess::setReplicationDelay(std::chrono::milliseconds delay) const {
    control("POST", "/_emulator/replication", {{"delay_ms", delay.count()}});
}

nlohmann::json EmulatorProcess::state() const {
    return control("GET", "/_emulator/state");
}
nlohmann::json EmulatorProcess::stats() const {
    return control("GET", "/_emulator/stats");
}
void EmulatorProcess::resetStats() const {
    control("POST", "/_emulator/stats/reset");
}

} // namespace wptest
