#include "settings_reader.h"
#include "settings_split.h"
#include "update.h"

namespace m365 {

UpdateSettings parseUpdateSettings(std::string_view settingsJson, std::string_view instanceId) {
    auto split = splitSettings(settingsJson, {"renew_within_days", "now_offset_s"});
    UpdateSettings settings;
    settings.target = parseSetupSettings(split.rest, instanceId);
    settings.given = split.given;
    SettingsReader reader(split.taken);
    if (auto days = reader.integer("renew_within_days", 0, 3650))
        settings.renewWithinDays = static_cast<int>(*days);
    settings.nowOffsetSeconds = readNowOffsetSeconds(reader);
    reader.finish();
    return settings;
}

} // namespace m365
