// Registration of the Entra ID (identity platform v2.0) endpoints, the sign-in page and the control API.
#pragma once

#include "context.h"
#include "faults.h"
#include "identity_common.h"
#include "router.h"

namespace emu {

/// /{tenant}/v2.0/.well-known/openid-configuration, /{tenant}/discovery/instance,
/// /{tenant}/discovery/v2.0/keys
void registerDiscoveryRoutes(Router& router, ServiceContext& context);
/// /{tenant}/oauth2/v2.0/devicecode and /{tenant}/oauth2/v2.0/token (device_code, client_credentials)
void registerOAuthRoutes(Router& router, ServiceContext& context, const IdentityOptions& options);
/// GET/POST /devicelogin: where a person enters the user code and approves or denies
void registerSignInPage(Router& router, ServiceContext& context);

/// Settings the control API can change besides the directory and the clock.
struct ControlTargets {
    FaultInjector& faults;
    const Router& router;        ///< for stats
    std::string defaultApprover; ///< UPN used when approve names none
};
/// /_emulator/... (only with --control)
void registerControlRoutes(Router& router, ServiceContext& context, ControlTargets targets);

} // namespace emu
