#include "settings_reader.h"
#include "settings_split.h"
#include "update.h"

#include <cstdlib>

namespace m365 {

UpdateSettings parseUpdateSettings(std::string_view settingsJson, std::string_view instanceId) {
    auto split = splitSettings(settingsJson, {"renew_within_days", "now_offset_s"});
    UpdateSettings settings;
    settings.target = parseSetupSettings(split.rest, instanceId);
    settings.given = split.given;
    SettingsReader reader(split.taken);
    if (auto days = reader.integer("renew_within_days", 0, 3650))
        settings.renewWithinDays = static_cast<int>(*days);
    if (auto offset = reader.integer("now_offset_s", -100LL * 365 * 86400, 100LL * 365 * 86400))
        settings.nowOffsetSeconds = *offset;
    else if (const char* env = std::getenv("M365_PLUGIN_NOW_OFFSET_S"))
        settings.nowOffsetSeconds = std::strtoll(env, nullptr, 10);
    reader.finish();
    return settings;
}

} // namespace m365
