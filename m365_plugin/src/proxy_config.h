// proxy_config.h -- an instance's explicit proxy settings (proxy, proxy_user, proxy_password_env,
// no_proxy), as validated from the settings and persisted in the instance record (internal header).
//
// Nothing here is secret: the proxy password is never a setting.  proxy_password_env NAMES an
// environment variable of the host process, read each time a transport is made (resolveProxy()), so
// the password never reaches the config store, the secret store, logs or error messages.
//
// Precedence: an explicit `proxy` wins over HTTPS_PROXY/NO_PROXY and applies to every host (loopback
// included) except those listed in `no_proxy`; proxy=direct ignores the environment; no `proxy` setting
// leaves the choice to HTTPS_PROXY/NO_PROXY (which never apply to loopback hosts).
#pragma once

#include "http_transport.h"

#include <Poco/JSON/Object.h>

#include <string>

namespace m365 {

class SettingsReader;

struct ProxyConfig {
    std::string url;         ///< "http://host:port", "direct", or "" (the environment decides)
    std::string user;        ///< basic proxy authentication user, or ""
    std::string passwordEnv; ///< name of the environment variable holding the proxy password, or ""
    std::string noProxy;     ///< hosts that bypass the explicit proxy (NO_PROXY syntax)

    bool empty() const { return url.empty(); }
    bool direct() const { return url == "direct"; }

    /// Reads and checks the settings proxy, proxy_user, proxy_password_env, no_proxy (failures go to the
    /// reader as config.proxy_invalid, config.proxy_user_invalid, config.proxy_password_env_invalid).
    static ProxyConfig read(SettingsReader& reader);
    /// {"proxy":...,"proxy_user":...,"proxy_password_env":...,"no_proxy":...}; null when empty().
    Poco::JSON::Object::Ptr toJson() const;
    static ProxyConfig fromJson(const Poco::JSON::Object::Ptr& object); ///< null: an empty config
};

/// Fills the transport's proxy options from config: the explicit proxy with the password read from the
/// environment now, or the environment's proxy.  Throws wp::Error(WP_E_INVALID_CONFIG,
/// "config.proxy_password_missing") when the named variable is not set (the message names the
/// variable, never a value).
void applyProxyConfig(const ProxyConfig& config, TransportOptions& options);

} // namespace m365
