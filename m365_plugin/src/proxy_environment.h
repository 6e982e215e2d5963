// proxy_environment.h -- the proxy the environment asks for (HTTPS_PROXY / https_proxy, NO_PROXY /
// no_proxy), read once when a transport is created (internal header).
#pragma once

#include "http_transport.h"

#include <string>
#include <string_view>

namespace m365 {

struct EnvironmentProxy {
    ProxySettings proxy; ///< empty host: no proxy
    std::string noProxy;

    /// True if requests to host go through the proxy: a proxy is set, NO_PROXY does not exempt the
    /// host, and the host is not loopback (loopback never leaves the machine).
    bool appliesTo(std::string_view host) const;

    /// Reads the environment.  Throws wp::Error(WP_E_INVALID_CONFIG, "net.bad_proxy") for a proxy URL
    /// it cannot use (an https:// proxy, a missing port number, ...).
    static EnvironmentProxy fromEnvironment();
    /// Parses "http://[user:password@]host[:port][/]" or "host:port" (port defaults to 80 for http).
    static ProxySettings parseProxyUrl(std::string_view url);
};

} // namespace m365
