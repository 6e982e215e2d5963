#include "admin_session.h"

#include <wp/plugin.hpp>

#include <Poco/String.h>

namespace m365 {

std::shared_ptr<HttpTransport> makeTransport(const std::string& caFile, const std::string& userAgent,
                                             const ProxyConfig& proxy) {
    TransportOptions options;
    options.caFile = caFile;
    options.useSystemCAs = true;
    options.userAgent = userAgent;
    applyProxyConfig(proxy, options);
    return std::make_shared<PocoHttpTransport>(options);
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
