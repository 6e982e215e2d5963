#include "options.h"

#include "cloud_profile.h"

#include <stdexcept>

namespace emu {

namespace {
int parseInt(const std::string& flag, const std::string& value, int min, int max) {
    std::size_t used = 0;
    int parsed = 0;
    try {
        parsed = std::stoi(value, &used);
    } catch (const std::exception&) {
        used = 0;
    }
    if (used != value.size() || value.empty() || parsed < min || parsed > max)
        throw std::invalid_argument(flag + " needs an integer between " + std::to_string(min) + " and " +
                                    std::to_string(max) + ", got '" + value + "'");
    return parsed;
}
} // namespace

const char* usage() {
    return "usage: m365-emulator [--port N] [--state-dir DIR] [--seed FILE.json] [--control]\n"
           "                     [--auto-approve SECONDS [--as UPN]] [--replication-delay-ms N]\n"
           "                     [--device-code-interval SECONDS] [--device-code-lifetime SECONDS]\n"
           "                     [--cloud global|usgov|usgovdod|china]\n"
           "\n"
           "An offline Entra ID + Microsoft Graph emulator on https://127.0.0.1 (TLS with its own CA).\n"
           "When ready it prints one JSON line on stdout:\n"
           "  {\"authority\":...,\"graph\":...,\"ca_file\":...,\"tenant_id\":...,\"tenant_domain\":...}\n"
           "and serves until SIGTERM or SIGINT. See docs/emulator.md.\n"
           "\n"
           "  --port N                  TCP port on 127.0.0.1 (default 0: a free port)\n"
           "  --state-dir DIR           keep the CA and the token signing key here (default: a temp dir)\n"
           "  --seed FILE.json          tenants, users and roles (default: contoso.onmicrosoft.com)\n"
           "  --control                 enable the control API under /_emulator/\n"
           "  --auto-approve SECONDS    approve each device code SECONDS after it was issued\n"
           "  --as UPN                  ... as this user (default: the first Global Administrator)\n"
           "  --replication-delay-ms N  new objects reach the token endpoint only after N ms (default 0)\n"
           "  --device-code-interval S  polling interval announced for device codes (default 5)\n"
           "  --device-code-lifetime S  device code lifetime (default 900)\n"
           "  --cloud NAME              behave like that Microsoft cloud: accept and issue only its "
           "resource\n"
           "                            ids (Graph, Exchange, SharePoint), tenant domains end in its suffix\n"
           "                            (default: global, also accepting the sovereign Graph resource ids)\n";
}

Options parseOptions(const std::vector<std::string>& args) {
    Options options;
    for (std::size_t i = 0; i < args.size(); ++i) {
        const std::string& flag = args[i];
        auto value = [&]() -> const std::string& {
            if (i + 1 >= args.size())
                throw std::invalid_argument(flag + " needs a value");
            return args[++i];
        };
        if (flag == "--help" || flag == "-h")
            options.help = true;
        else if (flag == "--port")
            options.port = static_cast<unsigned short>(parseInt(flag, value(), 0, 65535));
        else if (flag == "--state-dir")
            options.stateDir = value();
        else if (flag == "--seed")
            options.seedFile = value();
        else if (flag == "--control")
            options.control = true;
        else if (flag == "--auto-approve")
            options.autoApproveSeconds = parseInt(flag, value(), 0, 3600);
        else if (flag == "--as")
            options.autoApproveUpn = value();
        else if (flag == "--replication-delay-ms")
            options.replicationDelayMs = parseInt(flag, value(), 0, 3600000);
        else if (flag == "--device-code-interval")
            options.deviceCodeIntervalSeconds = parseInt(flag, value(), 1, 60);
        else if (flag == "--device-code-lifetime")
            options.deviceCodeLifetimeSeconds = parseInt(flag, value(), 1, 86400);
        else if (flag == "--cloud") {
            options.cloud = value();
            if (findCloudProfile(options.cloud) == nullptr)
                throw std::invalid_argument("--cloud needs one of " + cloudProfileNames() + ", got '" +
                                            options.cloud + "'");
        } else
            throw std::invalid_argument("unknown argument '" + flag + "'");
    }
    if (!options.autoApproveUpn.empty() && !options.autoApproveSeconds)
        throw std::invalid_argument("--as needs --auto-approve");
    return options;
}

} // namespace emu
