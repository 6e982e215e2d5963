// cli_options.hpp -- everything the command line said, after option processing.
#pragma once

#include <cstdint>
#include <string>
#include <vector>

namespace wphost {

struct CliOptions {
    std::vector<std::string> arguments; ///< verb and its operands: "store", "get", "settings"
    std::string pluginPath;             ///< --plugin; empty: defaultPluginPath()
    std::string instance = "default";   ///< --instance
    std::vector<std::string> sets;      ///< --set key=value, in order
    std::string settingsFile;           ///< --settings FILE.json
    std::string storePath;              ///< --store; empty: the XDG state directory
    std::string masterKeyPath;          ///< --master-key; empty: beside the store
    std::string action;                 ///< configure --action
    std::string resource;               ///< acquire --resource
    std::uint32_t cancelAfterMs = 0;    ///< --cancel-after (tests)
    std::uint32_t repeat = 1;           ///< acquire --repeat: per thread; 0 = until cancelled
    std::uint32_t intervalMs = 0;       ///< acquire --interval between acquisitions
    std::uint32_t threads = 1;          ///< acquire --threads calling concurrently
    std::string qr = "auto";            ///< --qr auto|always|never: QR code of the sign-in URI
    bool help = false;
    bool json = false;
    bool verbose = false;
    bool quiet = false;
    bool nonInteractive = false;
    bool showToken = false;
    bool secrets = false;     ///< store: the secret store instead of / besides the config store
    bool offline = false;     ///< validate without contacting services
    bool bypassCache = false; ///< acquire: WP_ACQUIRE_BYPASS_CACHE
};

} // namespace wphost
