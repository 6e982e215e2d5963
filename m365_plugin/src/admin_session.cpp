#include "admin_session.h"

#include <wp/plugin.hpp>

#include <Poco/NumberParser.h>
#include <Poco/String.h>

#include <cstdlib>

namespace m365 {

namespace {
/// M365_PLUGIN_HTTP_TIMEOUT_S: seconds to wait for an answer (default 60): for slow proxies, and for tests
/// that make the server answer too late.
std::chrono::milliseconds readTimeoutFromEnvironment(std::chrono::milliseconds fallback) {
    const char* text = std::getenv("M365_PLUGIN_HTTP_TIMEOUT_S");
    if (text == nullptr || *text == '\0')
        return fallback;
    int seconds = 0;
    if (!Poco::NumberParser::tryParse(text, seconds) || seconds < 1 || seconds > 3600)
        throw wp::Error(WP_E_INVALID_CONFIG, "config.http_timeout_invalid",
                        "M365_PLUGIN_HTTP_TIMEOUT_S must be a whole number of seconds from 1 to 3600.",
                        "Fix or unset the environment variable.");
    return std::chrono::seconds(seconds);
}
} // namespace

std::shared_ptr<HttpTransport> makeTransport(const std::string& caFile, const std::string& userAgent,
                                             const ProxyConfig& proxy) {
    TransportOptions options;
    options.caFile = caFile;
    options.useSystemCAs = true;
    options.userAgent = userAgent;
    options.readTimeout = readTimeoutFromEnvironment(options.readTimeout);
    applyProxyConfig(proxy, options);
    return PocoHttpTransport::shared(options); // one per process and options: see its comment
}

SignedInAdmin signInAdmin(const std::shared_ptr<HttpTransport>& transport, const AdminSignIn& signIn,
                          const PermissionManifest& manifest, const wp::Call& call) {
    DeviceCodeSettings settings;
    settings.authority = signIn.cloud.loginHost;
    settings.tenant = signIn.tenant;
    settings.clientId = signIn.clientId;
    settings.maxCodes = signIn.deviceCodeAttempts;
    // Delegated scopes of one resource (Graph), fully qualified so sovereign clouds get their own host.
    for (const auto& scope : manifest.adminScopes())
        settings.scopes.push_back(signIn.cloud.graphResource + "/" + scope);
    DeviceCodeFlow flow(transport, settings);
    auto admin = flow.signIn(call);
    if (!admin.claimsDecoded || admin.tenantId.empty())
        throw wp::Error(WP_E_AUTH_FAILED, "auth.claims_unreadable",
                        "The sign-in succeeded but the token does not say which tenant and user signed in.");
    return admin;
}

std::set<std::string> roleSet(const SignedInAdmin& admin) {
    std::set<std::string> roles;
    for (const auto& id : admin.roleTemplateIds)
        roles.insert(Poco::toLower(id));
    return roles;
}

} // namespace m365
