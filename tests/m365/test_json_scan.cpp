// The in-place JSON scanner used for token-endpoint answers.
#include "json_scan.h"
#include "token_client.h"

#include <doctest/doctest.h>

using namespace m365;

TEST_CASE("flat objects are split into members - nested values are skipped") {
    auto members = scanJsonObject(
        R"( {"token_type":"Bearer", "expires_in" : 3599,"nested":{"a":[1,{"b":"}"}]},"list":[],"ok":true,"s":"a\"b"} )");
    REQUIRE(members.has_value());
    REQUIRE(members->size() == 6);
    CHECK(findMember(*members, "token_type")->raw == "Bearer");
    CHECK(findMember(*members, "expires_in")->kind == JsonMember::Kind::Number);
    CHECK(memberInteger(*findMember(*members, "expires_in")) == 3599);
    CHECK(findMember(*members, "nested")->kind == JsonMember::Kind::Other);
    CHECK(findMember(*members, "ok")->raw == "true");
    CHECK(unescapeJsonString(findMember(*members, "s")->raw) == "a\"b");
    CHECK(findMember(*members, "missing") == nullptr);
    CHECK(scanJsonObject("{}")->empty());
}

TEST_CASE("malformed JSON is refused") {
    for (const char* bad : {"", "[]", "{", R"({"a":1,})", R"({"a" 1})", R"({"a":"x)", R"({"a":{"b":1})",
                            R"({"a":[1}})", R"({"a":1} trailing)", "{\"a\":\"\x01\"}", R"({a:1})"}) {
        CAPTURE(bad);
        CHECK_FALSE(scanJsonObject(bad).has_value());
    }
}

TEST_CASE("string escapes decode to UTF-8, malformed escapes are refused") {
    CHECK(unescapeJsonString(R"(a\/b\\c\n\t)") == "a/b\\c\n\t");
    CHECK(unescapeJsonString(R"(\u00e9\u20ac)") == "\xc3\xa9\xe2\x82\xac");
    CHECK(unescapeJsonString(R"(\ud83d\ude00)") == "\xf0\x9f\x98\x80");
    CHECK_FALSE(unescapeJsonString(R"(\x)").has_value());
    CHECK_FALSE(unescapeJsonString(R"(\u12)").has_value());
    CHECK_FALSE(unescapeJsonString(R"(\ud83d)").has_value());
    CHECK_FALSE(unescapeJsonString(R"(\ude00)").has_value());
}

TEST_CASE("integers may arrive as JSON strings (v1 endpoint) but not as fractions or words") {
    auto members = scanJsonObject(R"({"a":"60","b":1.5,"c":"x","d":null})");
    REQUIRE(members.has_value());
    CHECK(memberInteger(*findMember(*members, "a")) == 60);
    CHECK_FALSE(memberInteger(*findMember(*members, "b")).has_value());
    CHECK_FALSE(memberInteger(*findMember(*members, "c")).has_value());
    CHECK_FALSE(memberInteger(*findMember(*members, "d")).has_value());
    // An escaped opaque token is decoded.
    CHECK(parseTokenResponse(R"({"access_token":"a\/b","expires_in":5})", "s", 0).token.view() == "a/b");
}
