// The configure request envelope {"action":...,"settings":{...}} is split inside the plugin's trampoline
// without a JSON library; these cases pin down what it accepts and what it refuses.
#include <wp/detail/request.hpp>

#include <doctest/doctest.h>

#include <string>

namespace {

std::string refusalCode(std::string_view request) {
    try {
        wp::detail::splitConfigureRequest(request);
    } catch (const wp::Error& e) {
        CHECK(e.status() == WP_E_INVALID_ARGUMENT);
        return e.code();
    }
    return "accepted";
}

} // namespace

TEST_SUITE("configure request") {

    TEST_CASE("action and settings text are split out, in any order and spacing") {
        auto request =
            wp::detail::splitConfigureRequest(" {\n \"settings\" : {\"a\":\"}{\\\"\",\"b\":[1,{\"c\":null}]} "
                                              ",\"extra\":true, \"action\":\"setup\" }\n");
        CHECK(request.action == "setup");
        CHECK(request.settings == R"({"a":"}{\"","b":[1,{"c":null}]})");
    }

    TEST_CASE("a request without settings gets an empty settings object") {
        auto request = wp::detail::splitConfigureRequest(R"({"action":"remove"})");
        CHECK(request.action == "remove");
        CHECK(request.settings == "{}");
    }

    TEST_CASE("malformed requests are refused with a stable code") {
        CHECK(refusalCode("") == "request.malformed");
        CHECK(refusalCode("[]") == "request.malformed");
        CHECK(refusalCode(R"({"action":"setup")") == "request.malformed");
        CHECK(refusalCode(R"({"action":"setup"} trailing)") == "request.malformed");
        CHECK(refusalCode(R"({"action":"setup","settings":[1]})") == "request.malformed");
        CHECK(refusalCode(R"({"action":"setup","settings":{"a":"unterminated}})") == "request.malformed");
        CHECK(refusalCode(R"({"action":"se\u0074up"})") == "request.malformed");
        CHECK(refusalCode(R"({"action":"setup","n":12abc})") == "request.malformed");
        CHECK(refusalCode("{\"action\":\"a\x01\"}") == "request.malformed");
        CHECK(refusalCode(R"({"settings":{}})") == "request.action_missing");
        CHECK(refusalCode(R"({"action":""})") == "request.action_missing");
    }

    TEST_CASE("the refusal does not echo the request, which may hold a secret") {
        try {
            wp::detail::splitConfigureRequest(R"({"action":"setup","settings":{"password":"hunter2"} oops})");
            FAIL("accepted");
        } catch (const wp::Error& e) {
            CHECK(std::string(e.what()).find("hunter2") == std::string::npos);
        }
    }

} // TEST_SUITE
