// Splits action-specific settings off a settings object, so an action that extends another action's
// settings (update = setup's settings + its own; plan's `for`) can hand the rest to that action's parser,
// whose typo check (config.setting_unknown) then still covers every other key.
#pragma once

#include <set>
#include <string>
#include <string_view>
#include <vector>

namespace m365 {

struct SplitSettings {
    std::string taken;           ///< JSON object text with the taken keys that were present
    std::string rest;            ///< JSON object text with everything else (unparseable input: unchanged)
    std::set<std::string> given; ///< every key present in the input
};

SplitSettings splitSettings(std::string_view settingsJson, const std::vector<std::string>& keys);

} // namespace m365
