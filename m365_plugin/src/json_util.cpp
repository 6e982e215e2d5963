#include "json_util.h"

#include <wp/plugin.hpp>

#include <Poco/JSON/Parser.h>
#include <Poco/JSON/Stringifier.h>

#include <sstream>

namespace m365::json {

namespace {

[[noreturn]] void missing(const std::string& key) {
    throw wp::Error(WP_E_INTERNAL, "m365.json_member_missing",
                    "Expected JSON member '" + key + "' is missing.");
}

} // namespace

Poco::JSON::Object::Ptr parseObject(std::string_view text, std::string_view what) {
    if (auto object = tryParseObject(text))
        return object;
    throw wp::Error(WP_E_INTERNAL, "m365.json_malformed", "Malformed JSON in " + std::string(what) + ".");
}

Poco::JSON::Object::Ptr tryParseObject(std::string_view text) {
    try {
        Poco::JSON::Parser parser;
        auto value = parser.parse(std::string(text));
        if (value.type() == typeid(Poco::JSON::Object::Ptr))
            return value.extract<Poco::JSON::Object::Ptr>();
    } catch (const Poco::Exception&) {
    } catch (const std::exception&) {
    }
    return nullptr;
}

std::string str(const Poco::JSON::Object::Ptr& object, const std::string& key) {
    if (!object || !object->has(key) || object->isNull(key))
        missing(key);
    auto value = object->get(key);
    if (!value.isString())
        missing(key);
    return value.convert<std::string>();
}

Poco::JSON::Object::Ptr object(const Poco::JSON::Object::Ptr& parent, const std::string& key) {
    auto child = optObject(parent, key);
    if (!child)
        missing(key);
    return child;
}

Poco::JSON::Array::Ptr array(const Poco::JSON::Object::Ptr& parent, const std::string& key) {
    auto child = optArray(parent, key);
    if (!child)
        missing(key);
    return child;
}

std::int64_t integer(const Poco::JSON::Object::Ptr& object, const std::string& key) {
    if (!object || !object->has(key) || !object->get(key).isNumeric())
        missing(key);
    return object->get(key).convert<Poco::Int64>();
}

std::string optStr(const Poco::JSON::Object::Ptr& object, const std::string& key,
                   const std::string& fallback) {
    if (!object || !object->has(key) || object->isNull(key) || !object->get(key).isString())
        return fallback;
    return object->get(key).convert<std::string>();
}

std::int64_t optInteger(const Poco::JSON::Object::Ptr& object, const std::string& key,
                        std::int64_t fallback) {
    if (!object || !object->has(key) || !object->get(key).isNumeric())
        return fallback;
    return object->get(key).convert<Poco::Int64>();
}

Poco::JSON::Array::Ptr optArray(const Poco::JSON::Object::Ptr& object, const std::string& key) {
    if (!object || !object->has(key))
        return nullptr;
    auto value = object->get(key);
    if (value.type() != typeid(Poco::JSON::Array::Ptr))
        return nullptr;
    return value.extract<Poco::JSON::Array::Ptr>();
}

Poco::JSON::Object::Ptr optObject(const Poco::JSON::Object::Ptr& object, const std::string& key) {
    if (!object || !object->has(key))
        return nullptr;
    auto value = object->get(key);
    if (value.type() != typeid(Poco::JSON::Object::Ptr))
        return nullptr;
    return value.extract<Poco::JSON::Object::Ptr>();
}

std::vector<std::string> strings(const Poco::JSON::Array::Ptr& array) {
    std::vector<std::string> items;
    if (!array)
        return items;
    for (unsigned i = 0; i < array->size(); ++i) {
        auto value = array->get(i);
        if (value.isString())
            items.push_back(value.convert<std::string>());
    }
    return items;
}

Poco::JSON::Array::Ptr toArray(const std::vector<std::string>& items) {
    Poco::JSON::Array::Ptr array = new Poco::JSON::Array;
    for (const auto& item : items)
        array->add(item);
    return array;
}

std::string stringify(const Poco::JSON::Object::Ptr& object) {
    std::ostringstream out;
    object->stringify(out);
    return out.str();
}

std::string stringify(const Poco::JSON::Array::Ptr& array) {
    std::ostringstream out;
    array->stringify(out);
    return out.str();
}

std::string quote(std::string_view text) {
    std::ostringstream out;
    Poco::JSON::Stringifier::formatString(std::string(text), out);
    return out.str();
}

} // namespace m365::json
