// settings_builder.hpp -- the "settings" object of a configure request, from a file and --set options.
#pragma once

#include <string>
#include <vector>

namespace wphost {

/// Builds the settings JSON object: the object in settingsFile (if any), then each "key=value" of sets
/// on top (a --set wins over the file).  A value that parses as JSON (a number, true, an array, an
/// object, a quoted string) is taken as that JSON value; anything else is taken as a plain string.
/// Throws wp::Error: WP_E_INVALID_ARGUMENT ("cli.set_malformed") for an option without '=', and
/// WP_E_INVALID_CONFIG ("cli.settings_file_*") for a file that is missing or not a JSON object.
std::string buildSettingsJson(const std::string& settingsFile, const std::vector<std::string>& sets);

/// {"action":"NAME","settings":SETTINGS} with proper escaping.
std::string buildConfigureRequest(const std::string& action, const std::string& settingsJson);

} // namespace wphost
