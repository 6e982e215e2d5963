#include "admin_session.h"

#include "proxy_environment.h"

#include <wp/plugin.hpp>

#include <Poco/String.h>

#include <cstdlib>

namespace m365 {

std::shared_ptr<HttpTransport> makeTransport(const std::string& caFile, const std::string& userAgent) {
    TransportOptions options;
    options.caFile = caFile;
    options.useSystemCAs = true;
    options.userAgent = userAgent;
    // An explicit proxy for every request of this process, loopback included (HTTPS_PROXY never
    // applies to loopback by design).  From the environment, not the config store, so a proxy
    // password is never stored.
    if (const char* proxy = std::getenv("M365_PLUGIN_PROXY"); proxy != nullptr && proxy[0] != '\0')
        options.proxy = EnvironmentProxy::parseProxyUrl(proxy);
    return std::make_shared<PocoHttpTransport>(options);
}

SignedInAdmin signInAdmin(const std::shared_ptr<HttpTransport>& transport, const AdminSignIn& signIn,
                          const PermissionManifest& manifest, const wp::Call& call) {
    DeviceCodeSettings settings;
    settings.authority = signIn.cloud.loginHost;
    settings.tenant = signIn.tenant;
    settings.clientId = signIn.clientId;
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
