// proxy_config.cpp -- see proxy_config.h.
#include "proxy_config.h"

#include "json_util.h"
#include "proxy_environment.h"
#include "settings_reader.h"

#include <wp/error.hpp>

#include <Poco/String.h>

#include <algorithm>
#include <cctype>
#include <cstdlib>

namespace m365 {

namespace {

bool isVariableName(const std::string& name) {
    if (name.empty() || std::isdigit(static_cast<unsigned char>(name.front())) != 0)
        return false;
    return std::all_of(name.begin(), name.end(),
                       [](char c) { return std::isalnum(static_cast<unsigned char>(c)) != 0 || c == '_'; });
}

bool isPrintableWithoutColon(const std::string& text) {
    return std::all_of(text.begin(), text.end(),
                       [](char c) { return static_cast<unsigned char>(c) > 0x20 && c != 0x7f && c != ':'; });
}

} // namespace

ProxyConfig ProxyConfig::read(SettingsReader& reader) {
    ProxyConfig config;
    config.url = Poco::trim(reader.text("proxy", ""));
    config.user = reader.text("proxy_user", "");
    config.passwordEnv = reader.text("proxy_password_env", "");
    config.noProxy = Poco::trim(reader.text("no_proxy", ""));
    if (Poco::icompare(config.url, "direct") == 0)
        config.url = "direct";
    if (!config.url.empty() && !config.direct()) {
        try {
            ProxySettings parsed = EnvironmentProxy::parseProxyUrl(config.url);
            if (!parsed.username.empty() || !parsed.password.empty() ||
                config.url.find('@') != std::string::npos)
                reader.fail("config.proxy_invalid",
                            "'proxy' must not contain credentials (they would be stored): use proxy_user and "
                            "proxy_password_env.");
            else
                config.url =
                    "http://" +
                    (parsed.host.find(':') != std::string::npos ? "[" + parsed.host + "]" : parsed.host) +
                    ":" + std::to_string(parsed.port);
        } catch (const wp::Error&) {
            // The text is not echoed: a mistyped URL may hold a password.
            reader.fail("config.proxy_invalid", "'proxy' must be http://host:port (an HTTP proxy that "
                                                "supports CONNECT) or 'direct'.");
        }
    }
    if (!config.user.empty() && !isPrintableWithoutColon(config.user))
        reader.fail("config.proxy_user_invalid", "'proxy_user' must be printable, without spaces or ':'.");
    if (!config.passwordEnv.empty() && !isVariableName(config.passwordEnv))
        reader.fail("config.proxy_password_env_invalid",
                    "'proxy_password_env' must name an environment variable (letters, digits, '_'), not "
                    "hold the password.");
    if (!config.passwordEnv.empty() && config.user.empty())
        reader.fail("config.proxy_user_invalid", "'proxy_password_env' needs 'proxy_user'.");
    if ((!config.user.empty() || !config.noProxy.empty()) && (config.url.empty() || config.direct()))
        reader.fail("config.proxy_invalid",
                    "'proxy_user', 'proxy_password_env' and 'no_proxy' need 'proxy' (http://host:port).");
    return config;
}

Poco::JSON::Object::Ptr ProxyConfig::toJson() const {
    if (empty())
        return nullptr;
    Poco::JSON::Object::Ptr object = new Poco::JSON::Object;
    object->set("proxy", url);
    object->set("proxy_user", user);
    object->set("proxy_password_env", passwordEnv);
    object->set("no_proxy", noProxy);
    return object;
}

ProxyConfig ProxyConfig::fromJson(const Poco::JSON::Object::Ptr& object) {
    ProxyConfig config;
    if (!object)
        return config;
    config.url = json::optStr(object, "proxy");
    config.user = json::optStr(object, "proxy_user");
    config.passwordEnv = json::optStr(object, "proxy_password_env");
    config.noProxy = json::optStr(object, "no_proxy");
    return config;
}

void applyProxyConfig(const ProxyConfig& config, TransportOptions& options) {
    if (config.empty())
        return; // HTTPS_PROXY / NO_PROXY decide (options.proxyFromEnvironment)
    options.proxyFromEnvironment = false;
    if (config.direct())
        return;
    options.proxy = EnvironmentProxy::parseProxyUrl(config.url);
    options.proxy.username = config.user;
    options.noProxy = config.noProxy;
    if (config.passwordEnv.empty())
        return;
    const char* password = std::getenv(config.passwordEnv.c_str());
    if (password == nullptr)
        throw wp::Error(WP_E_INVALID_CONFIG, "config.proxy_password_missing",
                        "The environment variable '" + config.passwordEnv +
                            "' (named by proxy_password_env) is not set.",
                        "Set it in the environment of the process that runs the plugin.");
    options.proxy.password = password;
}

} // namespace m365
