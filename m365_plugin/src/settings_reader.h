// Reads one JSON settings object value by value, collecting every problem before failing, so the user
// sees all bad values at once. Values may arrive typed (JSON) or as strings (a host's --set key=value).
#pragma once

#include <Poco/JSON/Object.h>

#include <optional>
#include <set>
#include <string>
#include <string_view>
#include <vector>

namespace m365 {

class SettingsReader {
public:
    /// Parses settingsJson (empty text = no settings); malformed JSON throws config.settings_malformed.
    explicit SettingsReader(std::string_view settingsJson);

    bool has(const std::string& key) const;
    std::optional<std::string> text(const std::string& key);
    std::string text(const std::string& key, const std::string& fallback);
    std::optional<long long> integer(const std::string& key, long long min, long long max);
    bool boolean(const std::string& key, bool fallback);
    /// A JSON array of strings, a JSON array in a string ("[\"a\",\"b\"]") or a comma-separated string.
    std::optional<std::vector<std::string>> list(const std::string& key);

    /// Records a problem with the value of key; code is e.g. "config.tenant_invalid".
    void fail(std::string code, std::string message);
    /// Throws wp::Error(WP_E_INVALID_CONFIG) naming the first problem's code and listing all of them;
    /// also rejects keys nobody read (typos), as config.setting_unknown.
    void finish();

private:
    Poco::JSON::Object::Ptr _object;
    std::set<std::string> _read;
    std::vector<std::pair<std::string, std::string>> _problems;
};

/// raw as it may appear in an error message: in quotes, control characters as \xNN, cut after 60 bytes
/// (at a character boundary, marked "..."), so a hostile or huge value cannot flood or forge the output.
std::string quoteForMessage(std::string_view raw);

/// Whether text is valid UTF-8 (no overlong forms, no surrogates) without control characters (C0, DEL,
/// C1); sets *characters to the number of code points.
bool printableUtf8(std::string_view text, std::size_t* characters = nullptr);

/// The test clock shift of the expiry checks: setting now_offset_s, else the environment variable
/// M365_PLUGIN_NOW_OFFSET_S (for hosts that cannot pass settings), else 0.
long long readNowOffsetSeconds(SettingsReader& reader);

} // namespace m365
