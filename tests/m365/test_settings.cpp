// Settings are validated up front, each bad value with its own stable code.
#include "settings.h"

#include <wp/error.hpp>

#include <doctest/doctest.h>

#include <cstdio>
#include <cstdlib>
#include <string>
#include <vector>

using namespace m365;

namespace {

std::string codeOf(const std::string& json) {
    try {
        parseSetupSettings(json, "contoso");
    } catch (const wp::Error& e) {
        CHECK(e.status() == WP_E_INVALID_CONFIG);
        return e.code();
    }
    return "ok";
}

} // namespace

TEST_SUITE("settings") {
    TEST_CASE(
        "defaults: global cloud, all workloads, 2048-bit key for 730 days, the Microsoft public client") {
        auto settings = parseSetupSettings(R"({"tenant":"Contoso.onmicrosoft.com"})", "contoso");
        CHECK(settings.connection.tenant == "contoso.onmicrosoft.com");
        CHECK(settings.connection.cloud.name == "global");
        CHECK(settings.connection.cloud.loginHost == "https://login.microsoftonline.com");
        CHECK(settings.connection.clientId == "14d82eec-204b-4c2f-b7e8-296a70dab67e");
        CHECK(settings.workloads == std::vector<std::string>{"exchange", "onedrive", "sharepoint", "teams"});
        CHECK(settings.keyBits == 2048);
        CHECK(settings.validityDays == 730);
        CHECK_FALSE(settings.includeRestore);
        CHECK(settings.appName.find("contoso") != std::string::npos);
    }

    TEST_CASE("each bad value gets its own code") {
        CHECK(codeOf("{}") == "config.tenant_missing");
        CHECK(codeOf(R"({"tenant":"not a domain"})") == "config.tenant_invalid");
        CHECK(codeOf(R"({"tenant":"contoso.onmicrosoft.com","cloud":"mars"})") == "config.cloud_invalid");
        CHECK(codeOf(R"({"tenant":"contoso.onmicrosoft.com","cloud":"custom","graph_host":"https://g"})") ==
              "config.authority_host_missing");
        CHECK(
            codeOf(
                R"({"tenant":"contoso.onmicrosoft.com","cloud":"custom","authority_host":"http://a","graph_host":"https://g"})") ==
            "config.authority_host_invalid");
        CHECK(codeOf(R"({"tenant":"contoso.onmicrosoft.com","workloads":["exchange","fax"]})") ==
              "config.workloads_invalid");
        CHECK(codeOf(R"({"tenant":"contoso.onmicrosoft.com","key_bits":1024})") == "config.key_bits_invalid");
        CHECK(codeOf(R"({"tenant":"contoso.onmicrosoft.com","key_bits":2500})") == "config.key_bits_invalid");
        CHECK(codeOf(R"({"tenant":"contoso.onmicrosoft.com","validity_days":0})") ==
              "config.validity_days_invalid");
        CHECK(codeOf(R"({"tenant":"contoso.onmicrosoft.com","client_id":"nope"})") ==
              "config.client_id_invalid");
        CHECK(codeOf(R"({"tenant":"contoso.onmicrosoft.com","ca_file":"/nonexistent/ca.pem"})") ==
              "config.ca_file_invalid");
        CHECK(codeOf(R"({"tenant":"contoso.onmicrosoft.com","tenat":"typo"})") == "config.setting_unknown");
        CHECK(codeOf("[1,2]") == "config.settings_malformed");
    }

    TEST_CASE("hostile values are refused with the setting's own code and never echoed raw") {
        const std::string tenant = R"("tenant":"contoso.onmicrosoft.com")";
        auto quote = [](const std::string& value) {
            std::string json = "\"";
            for (char c : value) {
                if (c == '"' || c == '\\')
                    json += '\\';
                if (static_cast<unsigned char>(c) < 0x20) {
                    char escaped[8];
                    std::snprintf(escaped, sizeof escaped, "\\u%04x", static_cast<unsigned char>(c));
                    json += escaped;
                } else {
                    json += c;
                }
            }
            return json + "\"";
        };
        const std::string huge(100'000, 'a');
        struct Case {
            std::string key, value, code;
        };
        const std::vector<Case> cases{
            {"tenant", "contoso.onmicrosoft.com/../../common", "config.tenant_invalid"},
            {"tenant", "contoso' or '1' eq '1", "config.tenant_invalid"},
            {"tenant", "contoso%2F..%2Fcommon.onmicrosoft.com", "config.tenant_invalid"},
            {"tenant", "contoso.onmicrosoft.com?$filter=startswith(id,'')", "config.tenant_invalid"},
            {"tenant", "\xef\xbd\x83ontoso.onmicrosoft.com", "config.tenant_invalid"}, // fullwidth c
            {"tenant", "contoso .onmicrosoft.com", "config.tenant_invalid"},
            {"tenant", huge + ".com", "config.tenant_invalid"},
            {"app_name", "Backup\u001b[31m", "config.app_name_invalid"},
            {"app_name", "Backup\x1b[2J", "config.app_name_invalid"},
            // Invalid UTF-8 does not get past the JSON parser.
            {"app_name", "\xc0\xaf overlong slash", "config.settings_malformed"},
            {"app_name", "\xed\xa0\x80 surrogate", "config.settings_malformed"},
            {"app_name", "\xc2\x85 C1 next line", "config.app_name_invalid"},
            {"app_name", std::string(121, 'x'), "config.app_name_invalid"},
            {"app_name", huge, "config.app_name_invalid"},
            {"sharepoint_host", "contoso.sharepoint.com/../evil", "config.sharepoint_host_invalid"},
            {"client_id", "14d82eec-204b-4c2f-b7e8-296a70dab67e' or 1 eq 1", "config.client_id_invalid"},
            {"workloads", "exchange,../../etc", "config.workloads_invalid"},
            {"key_bits", "2048; rm -rf /\x1b[2J", "config.key_bits_invalid"},
            {"include_restore", huge, "config.include_restore_invalid"},
            {"ca_file", "/nonexistent/\x1b]0;owned\x07.pem", "config.ca_file_invalid"},
        };
        for (const auto& test : cases) {
            CAPTURE(test.key);
            CAPTURE(test.value.substr(0, 40));
            std::string json = test.key == "tenant"
                                   ? "{\"tenant\":" + quote(test.value) + "}"
                                   : "{" + tenant + ",\"" + test.key + "\":" + quote(test.value) + "}";
            try {
                parseSetupSettings(json, "contoso");
                FAIL("accepted: " << test.key);
            } catch (const wp::Error& e) {
                CHECK(e.status() == WP_E_INVALID_CONFIG);
                CHECK(e.code() == test.code);
                std::string message = e.what();
                CHECK(message.size() < 600);
                CHECK(message.find('\x1b') == std::string::npos);
                CHECK(message.find(huge.substr(0, 100)) == std::string::npos);
            }
        }
        // An unknown setting's name is quoted the same way.
        try {
            parseSetupSettings("{" + tenant + "," + quote("\x1b[2J" + huge) + ":1}", "contoso");
            FAIL("accepted an unknown setting");
        } catch (const wp::Error& e) {
            CHECK(e.code() == "config.setting_unknown");
            CHECK(std::string(e.what()).find('\x1b') == std::string::npos);
            CHECK(std::string(e.what()).size() < 600);
        }
    }

    TEST_CASE(
        "application names in any script, with quotes and OData or path fragments, are accepted as given") {
        std::string accented120;
        for (int i = 0; i < 120; ++i)
            accented120 += "\xc3\xa9"; // 120 characters, 240 bytes
        const std::vector<std::string> names{
            "Sauvegarde d'\xc3\xa9t\xc3\xa9 \"Contoso\"",
            "\xe3\x83\x90\xe3\x83\x83\xe3\x82\xaf\xe3\x82\xa2\xe3\x83\x83\xe3\x83\x97 \xf0\x9f\x92\xbe",
            "O'Brien ../%2F $filter=displayName eq 'x'", std::string(120, 'x'), accented120};
        for (const auto& name : names) {
            CAPTURE(name);
            std::string json = R"({"tenant":"contoso.onmicrosoft.com","app_name":")";
            for (char c : name)
                json += c == '"' ? std::string("\\\"") : std::string(1, c);
            json += "\"}";
            CHECK(parseSetupSettings(json, "contoso").appName == name);
        }
    }

    TEST_CASE("all problems are listed in one message the first one's code wins") {
        try {
            parseSetupSettings(R"({"key_bits":"abc","validity_days":-3})", "x");
            FAIL("expected an error");
        } catch (const wp::Error& e) {
            CHECK(e.code() == "config.tenant_missing");
            std::string message = e.what();
            CHECK(message.find("key_bits") != std::string::npos);
            CHECK(message.find("validity_days") != std::string::npos);
        }
    }

    TEST_CASE("values given as strings (--set key=value) are accepted") {
        auto settings = parseSetupSettings(
            R"({"tenant":"contoso.onmicrosoft.com","key_bits":"3072","validity_days":"365","include_restore":"true",
                "workloads":"exchange, teams"})",
            "x");
        CHECK(settings.keyBits == 3072);
        CHECK(settings.validityDays == 365);
        CHECK(settings.includeRestore);
        CHECK(settings.workloads == std::vector<std::string>{"exchange", "teams"});
        auto fromJsonText = parseSetupSettings(
            R"({"tenant":"contoso.onmicrosoft.com","workloads":"[\"teams\",\"onedrive\"]"})", "x");
        CHECK(fromJsonText.workloads == std::vector<std::string>{"onedrive", "teams"});
    }

    TEST_CASE("custom cloud takes its hosts from the settings and Microsoft's global audiences") {
        auto settings = parseSetupSettings(
            R"({"tenant":"contoso.onmicrosoft.com","cloud":"custom","authority_host":"https://127.0.0.1:8443/","graph_host":"https://127.0.0.1:8443"})",
            "x");
        CHECK(settings.connection.cloud.loginHost == "https://127.0.0.1:8443");
        CHECK(settings.connection.cloud.graphBase() == "https://127.0.0.1:8443/v1.0");
        CHECK(settings.connection.cloud.graphResource == "https://graph.microsoft.com");
        CHECK(settings.connection.cloud.authorityFor("t") == "https://127.0.0.1:8443/t/oauth2/v2.0");
    }

    TEST_CASE("every national cloud of the table resolves") {
        for (const auto& name : knownClouds()) {
            auto cloud = cloudEndpoints(name);
            CHECK(cloud.loginHost.rfind("https://", 0) == 0);
            CHECK(cloud.graphHost.rfind("https://", 0) == 0);
            CHECK_FALSE(cloud.exchangeResource.empty());
            CHECK_FALSE(cloud.sharepointDomain.empty());
        }
        CHECK(cloudEndpoints("usgovdod").graphHost == "https://dod-graph.microsoft.us");
        CHECK(cloudEndpoints("china").loginHost == "https://login.partner.microsoftonline.cn");
    }

    TEST_CASE("custom cloud with resources_of takes that table entry's resource ids") {
        auto settings = parseSetupSettings(
            R"({"tenant":"contoso.onmicrosoft.us","cloud":"custom","authority_host":"https://127.0.0.1:8443",)"
            R"("graph_host":"https://127.0.0.1:8443","resources_of":"usgov"})",
            "contoso");
        CHECK(settings.connection.cloud.graphResource == "https://graph.microsoft.us");
        CHECK(settings.connection.cloud.loginHost == "https://127.0.0.1:8443");
        CHECK(settings.connection.cloud.resourcesOf == "usgov");
        CHECK(CloudEndpoints::fromJson(settings.connection.cloud.toJson()).resourcesOf == "usgov");
        CHECK(codeOf(R"({"tenant":"c.onmicrosoft.com","cloud":"custom","authority_host":"https://a",)"
                     R"("graph_host":"https://g","resources_of":"mars"})") == "config.resources_of_invalid");
        CHECK(codeOf(R"({"tenant":"c.onmicrosoft.com","resources_of":"usgov"})") == "config.cloud_invalid");
    }

    TEST_CASE("proxy settings: no credentials in the URL, the password only as a variable name") {
        auto settings = parseSetupSettings(
            R"({"tenant":"c.onmicrosoft.com","proxy":"proxy.corp:3128","proxy_user":"backup",)"
            R"("proxy_password_env":"BACKUP_PROXY_PW","no_proxy":".corp"})",
            "contoso");
        CHECK(settings.connection.proxy.url == "http://proxy.corp:3128");
        CHECK(settings.connection.proxy.user == "backup");
        CHECK(settings.connection.proxy.passwordEnv == "BACKUP_PROXY_PW");
        CHECK(settings.connection.proxy.noProxy == ".corp");
        CHECK(settings.connection.deviceCodeAttempts == 3);
        CHECK(codeOf(R"({"tenant":"c.onmicrosoft.com","proxy":"http://u:secret@proxy.corp:3128"})") ==
              "config.proxy_invalid");
        CHECK(codeOf(R"({"tenant":"c.onmicrosoft.com","proxy":"https://proxy.corp:3128"})") ==
              "config.proxy_invalid");
        CHECK(codeOf(R"({"tenant":"c.onmicrosoft.com","proxy":"http://p:1","proxy_user":"u",)"
                     R"("proxy_password_env":"hunter2!"})") == "config.proxy_password_env_invalid");
        CHECK(codeOf(R"({"tenant":"c.onmicrosoft.com","proxy_user":"u"})") == "config.proxy_invalid");
        CHECK(codeOf(R"({"tenant":"c.onmicrosoft.com","device_code_attempts":11})") ==
              "config.device_code_attempts_invalid");
        try {
            parseSetupSettings(R"({"tenant":"c.onmicrosoft.com","proxy":"http://u:s3cr3t@p:1"})", "contoso");
        } catch (const wp::Error& e) {
            CHECK(std::string(e.what()).find("s3cr3t") == std::string::npos);
        }
    }

    TEST_CASE("the proxy password is read from the named variable when a transport is made") {
        ProxyConfig config;
        config.url = "http://proxy.corp:3128";
        config.user = "backup";
        config.passwordEnv = "WP_UNIT_TEST_PROXY_PW";
        config.noProxy = "localhost";
        ::unsetenv("WP_UNIT_TEST_PROXY_PW");
        TransportOptions options;
        CHECK_THROWS_WITH_AS(applyProxyConfig(config, options), doctest::Contains("WP_UNIT_TEST_PROXY_PW"),
                             wp::Error);
        ::setenv("WP_UNIT_TEST_PROXY_PW", "pw", 1);
        applyProxyConfig(config, options);
        ::unsetenv("WP_UNIT_TEST_PROXY_PW");
        CHECK(options.proxy.host == "proxy.corp");
        CHECK(options.proxy.port == 3128);
        CHECK(options.proxy.username == "backup");
        CHECK(options.proxy.password == "pw");
        CHECK(options.noProxy == "localhost");
        CHECK_FALSE(options.proxyFromEnvironment);
        auto stored = config.toJson();
        CHECK(ProxyConfig::fromJson(stored).passwordEnv == "WP_UNIT_TEST_PROXY_PW");

        TransportOptions direct;
        applyProxyConfig(ProxyConfig{"direct", "", "", ""}, direct);
        CHECK(direct.proxy.host.empty());
        CHECK_FALSE(direct.proxyFromEnvironment);
    }

    TEST_CASE("validate options: reminder thresholds and the injectable clock") {
        auto defaults = parseValidateOptions("");
        CHECK_FALSE(defaults.reminderDays.has_value()); // the instance's stored thresholds apply
        auto setup =
            parseSetupSettings(R"({"tenant":"contoso.onmicrosoft.com","reminder_days":"14,45"})", "x");
        CHECK(setup.reminderDays == std::vector<int>{45, 14});
        CHECK(parseSetupSettings(R"({"tenant":"contoso.onmicrosoft.com"})", "x").reminderDays ==
              std::vector<int>{60, 30, 7});
        CHECK_FALSE(defaults.offline);
        auto options =
            parseValidateOptions(R"({"offline":true,"reminder_days":[7,90],"now_offset_s":86400})");
        CHECK(options.offline);
        CHECK(options.reminderDays == std::vector<int>{90, 7});
        CHECK(options.nowOffsetSeconds == 86400);
        ::setenv("M365_PLUGIN_NOW_OFFSET_S", "-3600", 1);
        CHECK(parseValidateOptions("{}").nowOffsetSeconds == -3600);
        ::unsetenv("M365_PLUGIN_NOW_OFFSET_S");
        CHECK_THROWS_WITH_AS(parseValidateOptions(R"({"reminder_days":"0"})"),
                             doctest::Contains("reminder_days"), wp::Error);
    }
}
