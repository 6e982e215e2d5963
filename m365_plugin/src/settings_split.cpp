#include "settings_split.h"

#include "json_util.h"

#include <algorithm>

namespace m365 {

SplitSettings splitSettings(std::string_view settingsJson, const std::vector<std::string>& keys) {
    SplitSettings split;
    auto object = json::tryParseObject(settingsJson);
    if (!object) {
        // Empty or malformed: the other action's parser reports it with its own code.
        split.taken = "{}";
        split.rest = std::string(settingsJson);
        return split;
    }
    Poco::JSON::Object::Ptr taken = new Poco::JSON::Object;
    Poco::JSON::Object::Ptr rest = new Poco::JSON::Object;
    std::vector<std::string> names;
    object->getNames(names);
    for (const auto& name : names) {
        split.given.insert(name);
        bool isTaken = std::find(keys.begin(), keys.end(), name) != keys.end();
        (isTaken ? taken : rest)->set(name, object->get(name));
    }
    split.taken = json::stringify(taken);
    split.rest = json::stringify(rest);
    return split;
}

} // namespace m365
