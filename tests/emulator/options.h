// Command line of m365-emulator.
#pragma once

#include <optional>
#include <string>
#include <vector>

namespace emu {

struct Options {
    unsigned short port = 0;               ///< --port (0: a free port)
    std::string stateDir;                  ///< --state-dir: CA, signing key; a private temp dir when empty
    std::string seedFile;                  ///< --seed FILE.json
    bool control = false;                  ///< --control: enable /_emulator/...
    std::optional<int> autoApproveSeconds; ///< --auto-approve SECONDS
    std::string autoApproveUpn;            ///< --as UPN (default: the first Global Administrator)
    int replicationDelayMs = 0;            ///< --replication-delay-ms N
    int deviceCodeIntervalSeconds = 5;     ///< --device-code-interval SECONDS
    int deviceCodeLifetimeSeconds = 900;   ///< --device-code-lifetime SECONDS
    std::string cloud;                     ///< --cloud NAME: only that cloud's resource ids (cloud_profile.h)
    bool help = false;
};

/// Parses argv; throws std::invalid_argument with a message for the user.
Options parseOptions(const std::vector<std::string>& args);
const char* usage();

} // namespace emu
