// The administrator's part of a configure action: an HTTPS transport for the tenant's endpoints and a
// device-code sign-in asking only for the delegated scopes setup and remove need (no offline_access).
#pragma once

#include "cloud.h"
#include "device_code_flow.h"
#include "http_transport.h"
#include "permission_manifest.h"
#include "proxy_config.h"

#include <wp/call.hpp>

#include <memory>
#include <set>
#include <string>

namespace m365 {

/// A transport trusting the system CAs plus caFile (if any), strict verification, https only, through the
/// instance's proxy settings (empty: HTTPS_PROXY / NO_PROXY), the read timeout from
/// M365_PLUGIN_HTTP_TIMEOUT_S.  Shared: callers with the same settings get the same transport
/// (PocoHttpTransport::shared), so the instances of a process share one TLS context and connection pool.
/// Throws wp::Error "config.proxy_password_missing" when proxy_password_env names an unset variable.
std::shared_ptr<HttpTransport> makeTransport(const std::string& caFile, const std::string& userAgent,
                                             const ProxyConfig& proxy = {});

struct AdminSignIn {
    std::string tenant; ///< domain or GUID
    CloudEndpoints cloud;
    std::string clientId;       ///< public client
    int deviceCodeAttempts = 3; ///< device codes the sign-in may request (setting device_code_attempts)
};

/// Runs the device-code flow (the host shows the code); throws what DeviceCodeFlow::signIn throws, and
/// wp::Error(WP_E_AUTH_FAILED, "auth.claims_unreadable") if the token does not say who signed in.
SignedInAdmin signInAdmin(const std::shared_ptr<HttpTransport>& transport, const AdminSignIn& signIn,
                          const PermissionManifest& manifest, const wp::Call& call);

/// The admin's directory role template ids (wids) as a set.
std::set<std::string> roleSet(const SignedInAdmin& admin);

} // namespace m365
