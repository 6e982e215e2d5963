#include "settings_reader.h"

#include <wp/plugin.hpp>

#include <Poco/JSON/Array.h>
#include <Poco/JSON/Parser.h>
#include <Poco/NumberParser.h>
#include <Poco/String.h>

#include <algorithm>
#include <cstdlib>

namespace m365 {

namespace {

Poco::JSON::Object::Ptr parseObject(std::string_view json) {
    if (Poco::trim(std::string(json)).empty())
        return new Poco::JSON::Object;
    try {
        Poco::JSON::Parser parser;
        auto value = parser.parse(std::string(json));
        if (auto object = value.extract<Poco::JSON::Object::Ptr>())
            return object;
    } catch (const Poco::Exception&) {
    } catch (const std::exception&) {
    }
    throw wp::Error(WP_E_INVALID_CONFIG, "config.settings_malformed", "The settings are not a JSON object.",
                    "Pass settings as key=value pairs or a JSON object.");
}

} // namespace

SettingsReader::SettingsReader(std::string_view settingsJson) : _object(parseObject(settingsJson)) {}

bool SettingsReader::has(const std::string& key) const {
    return _object->has(key) && !_object->isNull(key);
}

std::optional<std::string> SettingsReader::text(const std::string& key) {
    _read.insert(key);
    if (!has(key))
        return std::nullopt;
    auto value = _object->get(key);
    if (value.isString() || value.isNumeric() || value.isBoolean())
        return Poco::trim(value.convert<std::string>());
    fail("config." + key + "_invalid", "'" + key + "' must be a string.");
    return std::nullopt;
}

std::string SettingsReader::text(const std::string& key, const std::string& fallback) {
    auto value = text(key);
    return value && !value->empty() ? *value : fallback;
}

std::optional<long long> SettingsReader::integer(const std::string& key, long long min, long long max) {
    auto raw = text(key);
    if (!raw)
        return std::nullopt;
    Poco::Int64 number = 0;
    if (!Poco::NumberParser::tryParse64(*raw, number) || number < min || number > max) {
        fail("config." + key + "_invalid", "'" + key + "' must be a whole number from " +
                                               std::to_string(min) + " to " + std::to_string(max) + " (got " +
                                               quoteForMessage(*raw) + ").");
        return std::nullopt;
    }
    return number;
}

bool SettingsReader::boolean(const std::string& key, bool fallback) {
    auto raw = text(key);
    if (!raw)
        return fallback;
    auto lower = Poco::toLower(*raw);
    if (lower == "true" || lower == "1" || lower == "yes")
        return true;
    if (lower == "false" || lower == "0" || lower == "no")
        return false;
    fail("config." + key + "_invalid",
         "'" + key + "' must be true or false (got " + quoteForMessage(*raw) + ").");
    return fallback;
}

std::optional<std::vector<std::string>> SettingsReader::list(const std::string& key) {
    _read.insert(key);
    if (!has(key))
        return std::nullopt;
    Poco::JSON::Array::Ptr array;
    auto value = _object->get(key);
    if (value.type() == typeid(Poco::JSON::Array::Ptr)) {
        array = value.extract<Poco::JSON::Array::Ptr>();
    } else if (value.isString()) {
        auto raw = Poco::trim(value.convert<std::string>());
        if (!raw.empty() && raw.front() == '[') {
            try {
                Poco::JSON::Parser parser;
                array = parser.parse(raw).extract<Poco::JSON::Array::Ptr>();
            } catch (...) {
                fail("config." + key + "_invalid", "'" + key + "' is not a valid JSON array.");
                return std::nullopt;
            }
        } else {
            std::vector<std::string> items;
            std::string::size_type start = 0;
            while (start <= raw.size()) {
                auto comma = raw.find(',', start);
                auto item = Poco::trim(
                    raw.substr(start, comma == std::string::npos ? std::string::npos : comma - start));
                if (!item.empty())
                    items.push_back(item);
                if (comma == std::string::npos)
                    break;
                start = comma + 1;
            }
            return items;
        }
    }
    if (!array) {
        fail("config." + key + "_invalid", "'" + key + "' must be a list of names.");
        return std::nullopt;
    }
    std::vector<std::string> items;
    for (std::size_t i = 0; i < array->size(); ++i) {
        auto item = array->get(static_cast<unsigned>(i));
        if (!item.isString() && !item.isNumeric()) {
            fail("config." + key + "_invalid", "'" + key + "' must contain only names.");
            return std::nullopt;
        }
        items.push_back(Poco::trim(item.convert<std::string>()));
    }
    return items;
}

void SettingsReader::fail(std::string code, std::string message) {
    _problems.emplace_back(std::move(code), std::move(message));
}

void SettingsReader::finish() {
    std::vector<std::string> names;
    _object->getNames(names);
    for (const auto& name : names) {
        if (!_read.count(name))
            fail("config.setting_unknown", "Unknown setting " + quoteForMessage(name) + ".");
    }
    if (_problems.empty())
        return;
    std::string message;
    for (const auto& problem : _problems)
        message += (message.empty() ? "" : " ") + problem.second;
    throw wp::Error(WP_E_INVALID_CONFIG, _problems.front().first, message,
                    "Fix the setting(s) named above and run the command again.");
}

std::string quoteForMessage(std::string_view raw) {
    constexpr std::size_t kShown = 60;
    std::string quoted = "'";
    std::size_t end = std::min(raw.size(), kShown);
    while (end < raw.size() && end > 0 && (static_cast<unsigned char>(raw[end]) & 0xC0) == 0x80)
        --end; // do not cut a UTF-8 sequence
    static const char* hex = "0123456789ABCDEF";
    for (std::size_t i = 0; i < end; ++i) {
        auto c = static_cast<unsigned char>(raw[i]);
        if (c < 0x20 || c == 0x7f || c == '\\' || c == '\'') {
            quoted += "\\x";
            quoted += hex[c >> 4];
            quoted += hex[c & 0xF];
        } else {
            quoted += static_cast<char>(c);
        }
    }
    quoted += end < raw.size() ? "'... (" + std::to_string(raw.size()) + " bytes)" : "'";
    return quoted;
}

bool printableUtf8(std::string_view text, std::size_t* characters) {
    std::size_t count = 0;
    for (std::size_t i = 0; i < text.size(); ++count) {
        auto lead = static_cast<unsigned char>(text[i]);
        std::size_t length = lead < 0x80           ? 1
                             : (lead >> 5) == 0x6  ? 2
                             : (lead >> 4) == 0xE  ? 3
                             : (lead >> 3) == 0x1E ? 4
                                                   : 0;
        if (length == 0 || i + length > text.size())
            return false;
        char32_t code = length == 1 ? lead : lead & (0x7F >> length);
        for (std::size_t k = 1; k < length; ++k) {
            auto next = static_cast<unsigned char>(text[i + k]);
            if ((next & 0xC0) != 0x80)
                return false;
            code = (code << 6) | (next & 0x3F);
        }
        static const char32_t smallest[] = {0, 0, 0x80, 0x800, 0x10000};
        if (code < smallest[length] || code > 0x10FFFF || (code >= 0xD800 && code <= 0xDFFF))
            return false; // overlong, beyond Unicode, or a surrogate
        if (code < 0x20 || (code >= 0x7F && code <= 0x9F))
            return false; // C0, DEL, C1 control characters
        i += length;
    }
    if (characters != nullptr)
        *characters = count;
    return true;
}

long long readNowOffsetSeconds(SettingsReader& reader) {
    if (auto offset = reader.integer("now_offset_s", -100LL * 365 * 86400, 100LL * 365 * 86400))
        return *offset;
    if (const char* env = std::getenv("M365_PLUGIN_NOW_OFFSET_S"))
        return std::strtoll(env, nullptr, 10);
    return 0;
}

} // namespace m365
