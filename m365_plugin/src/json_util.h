// Small helpers over Poco::JSON so the rest of the plugin reads as what it does, not how JSON is walked.
#pragma once

#include <Poco/JSON/Array.h>
#include <Poco/JSON/Object.h>

#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

namespace m365::json {

/// Parses an object; anything else throws wp::Error(WP_E_INTERNAL or code) naming what.
Poco::JSON::Object::Ptr parseObject(std::string_view text, std::string_view what);
/// Same, but returns null instead of throwing (for bodies of error responses).
Poco::JSON::Object::Ptr tryParseObject(std::string_view text);

/// Required members: a missing or mistyped member throws wp::Error naming the key.
std::string str(const Poco::JSON::Object::Ptr& object, const std::string& key);
Poco::JSON::Object::Ptr object(const Poco::JSON::Object::Ptr& object, const std::string& key);
Poco::JSON::Array::Ptr array(const Poco::JSON::Object::Ptr& object, const std::string& key);
std::int64_t integer(const Poco::JSON::Object::Ptr& object, const std::string& key);

/// Optional members: fallback when missing, null or mistyped.
std::string optStr(const Poco::JSON::Object::Ptr& object, const std::string& key,
                   const std::string& fallback = {});
std::int64_t optInteger(const Poco::JSON::Object::Ptr& object, const std::string& key, std::int64_t fallback);
Poco::JSON::Array::Ptr optArray(const Poco::JSON::Object::Ptr& object, const std::string& key);
Poco::JSON::Object::Ptr optObject(const Poco::JSON::Object::Ptr& object, const std::string& key);

std::vector<std::string> strings(const Poco::JSON::Array::Ptr& array);
Poco::JSON::Array::Ptr toArray(const std::vector<std::string>& items);

/// Compact JSON text.
std::string stringify(const Poco::JSON::Object::Ptr& object);
std::string stringify(const Poco::JSON::Array::Ptr& array);
/// A JSON string literal (with quotes) for building small documents by hand.
std::string quote(std::string_view text);

} // namespace m365::json
