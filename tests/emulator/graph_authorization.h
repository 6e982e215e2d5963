// Who may call which Graph operation, as Entra decides it: a valid bearer token of this emulator, then
// for delegated tokens the needed scope AND a directory role of the signed-in user, for app-only tokens
// the needed app role (or the app acting on itself). The rules are data (graph_authorization.cpp).
#pragma once

#include "context.h"
#include "http.h"
#include "tokens.h"

#include <string_view>

namespace emu::graph {

enum class Operation {
    ReadApplications,     ///< GET applications / servicePrincipals / their role assignments
    WriteApplications,    ///< create, update, delete applications and service principals
    GrantAppRoles,        ///< appRoleAssignedTo POST / DELETE (the role rule depends on the resource)
    ReadOrganization,     ///< GET organization
    ReadDirectoryRoles,   ///< GET roleManagement/directory/roleAssignments
    ManageDirectoryRoles, ///< POST / DELETE roleManagement/directory/roleAssignments
};

/// Verifies the bearer token (401 InvalidAuthenticationToken otherwise: missing, malformed, foreign
/// signature, expired, wrong audience) and returns its claims.
AccessTokenClaims authenticate(const Request& request, ServiceContext& context);

/// 403 Authorization_RequestDenied unless the caller may perform `operation`. For GrantAppRoles pass the
/// appId of the resource whose app role is granted: Microsoft Graph (and Azure AD Graph) roles need
/// Global Administrator or Privileged Role Administrator, other resources also allow (Cloud)
/// Application Administrator.
void authorize(const AccessTokenClaims& caller, Operation operation, std::string_view resourceAppId = {});

/// true when `caller` may perform `operation` (same rules as authorize, without throwing).
bool isAllowed(const AccessTokenClaims& caller, Operation operation, std::string_view resourceAppId = {});

/// An app-only token of the application `appId` itself (an app may read itself and roll its own keys).
bool isApplicationItself(const AccessTokenClaims& caller, std::string_view appId);

/// 404 (as Graph answers for objects of other tenants) unless the object lives in the caller's tenant.
void requireSameTenant(const AccessTokenClaims& caller, std::string_view objectTenantId,
                       std::string_view objectId);

} // namespace emu::graph
