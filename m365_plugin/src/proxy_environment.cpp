// proxy_environment.cpp -- see proxy_environment.h.
#include "proxy_environment.h"

#include <wp/error.hpp>

#include <Poco/Exception.h>
#include <Poco/URI.h>

#include <cstdlib>

namespace m365 {

namespace {

std::string environment(const char* upper, const char* lowerName) {
    // The lower-case spelling wins, as in curl (it is the traditional one).
    if (const char* value = std::getenv(lowerName); value != nullptr && *value != '\0')
        return value;
    if (const char* value = std::getenv(upper); value != nullptr && *value != '\0')
        return value;
    return {};
}

bool isLoopback(std::string_view host) {
    return host == "localhost" || host == "::1" || host.rfind("127.", 0) == 0 || host.ends_with(".localhost");
}

[[noreturn]] void badProxy(const std::string& why) {
    throw wp::Error(WP_E_INVALID_CONFIG, "net.bad_proxy", "the proxy setting cannot be used: " + why,
                    "Set HTTPS_PROXY to http://host:port (an HTTP proxy that supports CONNECT).");
}

} // namespace

bool EnvironmentProxy::appliesTo(std::string_view host) const {
    return !proxy.host.empty() && !isLoopback(host) && !proxyBypassed(noProxy, host);
}

EnvironmentProxy EnvironmentProxy::fromEnvironment() {
    EnvironmentProxy result;
    std::string url = environment("HTTPS_PROXY", "https_proxy");
    if (!url.empty())
        result.proxy = parseProxyUrl(url);
    result.noProxy = environment("NO_PROXY", "no_proxy");
    return result;
}

ProxySettings EnvironmentProxy::parseProxyUrl(std::string_view url) {
    std::string text(url);
    if (text.find("://") == std::string::npos)
        text = "http://" + text;
    ProxySettings settings;
    try {
        Poco::URI uri(text);
        if (uri.getScheme() != "http")
            badProxy("only http:// proxies are supported (the TLS connection to the service is tunnelled)");
        settings.host = uri.getHost();
        settings.port = uri.getPort();
        std::string userInfo = uri.getUserInfo();
        std::size_t colon = userInfo.find(':');
        std::string user = userInfo.substr(0, colon);
        std::string password = colon == std::string::npos ? std::string() : userInfo.substr(colon + 1);
        Poco::URI::decode(user, settings.username);
        Poco::URI::decode(password, settings.password);
    } catch (const Poco::Exception&) {
        badProxy("the proxy URL is malformed"); // the URL may hold a password: not echoed
    }
    if (settings.host.empty())
        badProxy("the proxy URL has no host");
    return settings;
}

} // namespace m365
