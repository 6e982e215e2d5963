#include "fleet_host.hpp"

#include <chrono>

namespace wphost::test {

const std::string FleetHost::MasterKey = "AAECAwQFBgcICQoLDA0ODxAREhMUFRYXGBkaGxwdHh8=";

std::string FleetRun::resultCode() const {
    for (auto line = lines.rbegin(); line != lines.rend(); ++line) {
        if (line->value("type", "") == "result") {
            return line->value("code", "");
        }
    }
    return {};
}

nlohmann::json FleetRun::resultEvent() const {
    for (const auto& line : lines) {
        if (line.value("type", "") == "event" && line["data"].value("event", "") == "result") {
            return line["data"];
        }
    }
    return nullptr;
}

std::unique_ptr<wptest::ChildProcess> FleetHost::start(const std::vector<std::string>& verbAndArgs,
                                                       const std::map<std::string, std::string>& env) {
    wptest::ChildProcess::Options options;
    options.argv = {HOST_STUB_PATH, "--plugin", M365_PLUGIN_PATH, "--instance", "contoso",
                    "--store",      _uri,       "--json",         "--verbose"};
    options.argv.insert(options.argv.end(), verbAndArgs.begin(), verbAndArgs.end());
    options.extraEnv = {{"WP_HOST_MASTER_KEY", MasterKey}, {"XDG_STATE_HOME", _dir.file("state")}};
    options.extraEnv.insert(env.begin(), env.end());
    ++_runs;
    options.stdoutFile = _dir.file("run" + std::to_string(_runs) + ".out");
    options.stderrFile = _dir.file("run" + std::to_string(_runs) + ".err");
    _out = options.stdoutFile;
    _err = options.stderrFile;
    return std::make_unique<wptest::ChildProcess>(options);
}

FleetRun FleetHost::finish(wptest::ChildProcess& process) {
    FleetRun run;
    auto status = process.wait(std::chrono::seconds(180));
    run.exitCode = status ? *status : process.stop();
    std::string out = readFileBytes(_out);
    for (std::size_t start = 0, end; (end = out.find('\n', start)) != std::string::npos; start = end + 1) {
        if (end > start) {
            run.lines.push_back(nlohmann::json::parse(out.substr(start, end - start)));
        }
    }
    run.errors = "host " + std::to_string(_number) + ": " + readFileBytes(_err);
    return run;
}

std::string FleetHost::configValue(const std::string& key) {
    for (const auto& line : run({"store", "get", key}).lines) {
        if (line.value("type", "") == "store_entry") {
            return line.value("value", "");
        }
    }
    return {};
}

} // namespace wphost::test
