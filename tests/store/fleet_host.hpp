// fleet_host.hpp -- one machine of a fleet for the fleet tests: a stub host with the real m365 module, its
// own state directory, the shared PostgreSQL store and the shared master key.
#pragma once

#include "child_process.h"
#include "store_test_support.hpp"

#include <nlohmann/json.hpp>

#include <map>
#include <memory>
#include <string>
#include <vector>

namespace wphost::test {

struct FleetRun {
    int exitCode = -1;
    std::vector<nlohmann::json> lines; ///< stdout, one JSON object per line (--json)
    std::string errors;                ///< "host N: " + stderr

    /// The final result line's code ("" if there is none).
    std::string resultCode() const;
    /// The data of the event {"event":"result",...} ("null" if there is none).
    nlohmann::json resultEvent() const;
};

class FleetHost {
public:
    static const std::string MasterKey; ///< base64 of the key every host of the fleet shares

    FleetHost(std::string uri, int number) : _uri(std::move(uri)), _number(number) {}

    std::unique_ptr<wptest::ChildProcess> start(const std::vector<std::string>& verbAndArgs,
                                                const std::map<std::string, std::string>& env = {});
    FleetRun finish(wptest::ChildProcess& process);
    FleetRun run(const std::vector<std::string>& verbAndArgs) {
        auto process = start(verbAndArgs);
        return finish(*process);
    }

    /// The config value of key as this host reads it from the shared store ("" if absent).
    std::string configValue(const std::string& key);

private:
    ScratchDir _dir;
    std::string _uri;
    int _number;
    int _runs = 0;
    std::string _out, _err;
};

} // namespace wphost::test
