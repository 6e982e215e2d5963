// settings_builder.cpp -- merging --settings FILE.json and --set key=value into one JSON object.
#include "settings_builder.hpp"

#include <wp/error.hpp>

#include <Poco/Exception.h>
#include <Poco/JSON/Array.h>
#include <Poco/JSON/Object.h>
#include <Poco/JSON/Parser.h>
#include <Poco/JSONString.h>

#include <fstream>
#include <iterator>
#include <sstream>

namespace wphost {
namespace {

Poco::JSON::Object::Ptr readSettingsFile(const std::string& path) {
    std::ifstream in(path, std::ios::binary);
    if (!in) {
        throw wp::Error(WP_E_INVALID_CONFIG, "cli.settings_file_unreadable",
                        "cannot read the settings file '" + path + "'",
                        "check the path given with --settings");
    }
    std::string text((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
    try {
        Poco::Dynamic::Var parsed = Poco::JSON::Parser().parse(text);
        if (parsed.type() == typeid(Poco::JSON::Object::Ptr)) {
            return parsed.extract<Poco::JSON::Object::Ptr>();
        }
    } catch (const Poco::Exception&) {
        // Poco's message may quote the file, which may hold secrets: report only where.
    }
    throw wp::Error(WP_E_INVALID_CONFIG, "cli.settings_file_invalid",
                    "the settings file '" + path + "' is not a JSON object",
                    "write it as {\"name\": value, ...}");
}

/// "42" -> 42, "true" -> true, "[1,2]" -> array, "\"x\"" -> "x", "contoso.com" -> "contoso.com".
/// Poco's parser accepts only arrays and objects at the top level, so the text is parsed as the single
/// element of an array.
Poco::Dynamic::Var parseValue(const std::string& text) {
    try {
        Poco::Dynamic::Var parsed = Poco::JSON::Parser().parse("[" + text + "]");
        auto array = parsed.extract<Poco::JSON::Array::Ptr>();
        if (array && array->size() == 1) {
            return array->get(0);
        }
    } catch (const Poco::Exception&) {
    } catch (const std::exception&) {
    }
    return text; // not a single JSON value: a plain string
}

} // namespace

std::string buildSettingsJson(const std::string& settingsFile, const std::vector<std::string>& sets) {
    Poco::JSON::Object::Ptr settings = settingsFile.empty() ? Poco::JSON::Object::Ptr(new Poco::JSON::Object)
                                                            : readSettingsFile(settingsFile);
    for (const std::string& assignment : sets) {
        auto equals = assignment.find('=');
        if (equals == std::string::npos || equals == 0) {
            throw wp::Error(WP_E_INVALID_ARGUMENT, "cli.set_malformed",
                            "--set needs key=value, got '" + assignment.substr(0, equals) + "'",
                            "for example --set units=metric");
        }
        settings->set(assignment.substr(0, equals), parseValue(assignment.substr(equals + 1)));
    }
    std::ostringstream out;
    settings->stringify(out);
    return out.str();
}

std::string buildConfigureRequest(const std::string& action, const std::string& settingsJson) {
    return "{\"action\":" + Poco::toJSON(action, Poco::JSON_WRAP_STRINGS) + ",\"settings\":" + settingsJson +
           "}";
}

} // namespace wphost
