// settings_builder_test.cpp -- how --set values and --settings files become the settings object.
#include "settings_builder.hpp"
#include "store_test_support.hpp"

#include <wp/error.hpp>

#include <doctest/doctest.h>

#include <fstream>

using namespace wphost;

TEST_CASE("--set values are JSON when they parse as one JSON value, else strings") {
    std::string json = buildSettingsJson("", {"n=42", "f=1.5", "b=true", "list=[\"exchange\",\"teams\"]",
                                              "host=contoso.onmicrosoft.com", "mixed=12abc", "quoted=\"7\"",
                                              "two=1,2", "empty=", "eq=a=b"});
    CHECK(json.find("\"n\":42") != std::string::npos);
    CHECK(json.find("\"f\":1.5") != std::string::npos);
    CHECK(json.find("\"b\":true") != std::string::npos);
    CHECK(json.find("\"list\":[\"exchange\",\"teams\"]") != std::string::npos);
    CHECK(json.find("\"host\":\"contoso.onmicrosoft.com\"") != std::string::npos);
    CHECK(json.find("\"mixed\":\"12abc\"") != std::string::npos);
    CHECK(json.find("\"quoted\":\"7\"") != std::string::npos);
    CHECK(json.find("\"two\":\"1,2\"") != std::string::npos);
    CHECK(json.find("\"empty\":\"\"") != std::string::npos);
    CHECK(json.find("\"eq\":\"a=b\"") != std::string::npos);
}

TEST_CASE("a settings file is merged under --set, which wins") {
    wphost::test::ScratchDir dir;
    std::ofstream(dir.file("settings.json")) << R"({"tenant":"contoso","workloads":["exchange"],"days":30})";
    std::string json = buildSettingsJson(dir.file("settings.json"), {"days=7"});
    CHECK(json.find("\"tenant\":\"contoso\"") != std::string::npos);
    CHECK(json.find("\"workloads\":[\"exchange\"]") != std::string::npos);
    CHECK(json.find("\"days\":7") != std::string::npos);
    CHECK(json.find("\"days\":30") == std::string::npos);
}

TEST_CASE("bad settings input is a clear error with a status") {
    wphost::test::ScratchDir dir;
    std::ofstream(dir.file("bad.json")) << "[1,2]";
    auto statusOf = [](auto&& fn) {
        try {
            fn();
        } catch (const wp::Error& error) {
            return error.status();
        }
        return WP_OK;
    };
    CHECK(statusOf([&] { buildSettingsJson(dir.file("bad.json"), {}); }) == WP_E_INVALID_CONFIG);
    CHECK(statusOf([&] { buildSettingsJson(dir.file("missing.json"), {}); }) == WP_E_INVALID_CONFIG);
    CHECK(statusOf([] { buildSettingsJson("", {"no-equals-sign"}); }) == WP_E_INVALID_ARGUMENT);
}

TEST_CASE("the configure request wraps action and settings") {
    CHECK(buildConfigureRequest("setup", "{\"a\":1}") == "{\"action\":\"setup\",\"settings\":{\"a\":1}}");
    CHECK(buildConfigureRequest("we\"ird", "{}") == "{\"action\":\"we\\\"ird\",\"settings\":{}}");
}
