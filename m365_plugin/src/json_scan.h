// json_scan.h -- a minimal reader for flat JSON objects such as token-endpoint answers.  It hands out
// views into the caller's buffer instead of copies, so a secret (an access token) goes straight from the
// HTTP body -- which the caller wipes -- into a SecretBuffer, without passing through a JSON library's
// internal strings that are freed unwiped.  Nested values are skipped, not interpreted.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace m365 {

struct JsonMember {
    enum class Kind { String, Number, Other };
    std::string_view key; ///< raw key text (the keys looked up here contain no escapes)
    Kind kind = Kind::Other;
    std::string_view raw; ///< String: the characters between the quotes, still escaped; else the value text
};

/// The top-level members of a JSON object, or nullopt if `json` is not a well-formed object (unbalanced
/// nesting, unterminated strings, missing separators, trailing text).
std::optional<std::vector<JsonMember>> scanJsonObject(std::string_view json);

/// The member named key, or nullptr.
const JsonMember* findMember(const std::vector<JsonMember>& members, std::string_view key);

/// Decodes JSON string escapes (\" \\ \/ \b \f \n \r \t \uXXXX with surrogate pairs) into UTF-8;
/// nullopt for a malformed escape.
std::optional<std::string> unescapeJsonString(std::string_view raw);

/// A member as an integer: a JSON integer, or a string holding one (the v1 endpoint's "3599").
std::optional<int64_t> memberInteger(const JsonMember& member);

} // namespace m365
