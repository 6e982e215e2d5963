#include "graph_authorization.h"

#include "directory.h"
#include "graph_common.h"

#include <algorithm>
#include <array>
#include <vector>

namespace emu::graph {

namespace {

/// One row of the permission table: what a delegated token needs (a scope and, when listed, one of the
/// user's directory roles) and which app roles an app-only token may hold instead.
struct Rule {
    Operation operation;
    std::vector<std::string_view> delegatedScopes;
    std::vector<std::string_view> directoryRoles; ///< empty: any member of the tenant
    std::vector<std::string_view> applicationRoles;
};

// Facts 1.8 and the Graph permission pages (rbac-*-apis includes).
const std::vector<Rule>& rules() {
    static const std::vector<Rule> table{
        {Operation::ReadApplications,
         {"Application.Read.All", "Application.ReadWrite.All", "Directory.Read.All",
          "Directory.ReadWrite.All", "Directory.AccessAsUser.All"},
         {},
         {"Application.Read.All", "Application.ReadWrite.All", "Application.ReadWrite.OwnedBy",
          "Directory.Read.All", "Directory.ReadWrite.All"}},
        {Operation::WriteApplications,
         {"Application.ReadWrite.All", "Directory.AccessAsUser.All"},
         {roles::kGlobalAdministrator, roles::kApplicationAdministrator,
          roles::kCloudApplicationAdministrator},
         {"Application.ReadWrite.All"}},
        {Operation::GrantAppRoles,
         {"AppRoleAssignment.ReadWrite.All", "Directory.AccessAsUser.All"},
         {}, // depends on the resource: grantRoles()
         {"AppRoleAssignment.ReadWrite.All"}},
        {Operation::ReadOrganization,
         {"User.Read", "User.Read.All", "Organization.Read.All", "Organization.ReadWrite.All",
          "Directory.Read.All", "Directory.ReadWrite.All", "Directory.AccessAsUser.All"},
         {},
         {"Organization.Read.All", "Organization.ReadWrite.All", "Directory.Read.All",
          "Directory.ReadWrite.All"}},
        {Operation::ReadDirectoryRoles,
         {"RoleManagement.Read.Directory", "RoleManagement.Read.All", "RoleManagement.ReadWrite.Directory",
          "Directory.Read.All", "Directory.ReadWrite.All", "Directory.AccessAsUser.All"},
         {},
         {"RoleManagement.Read.Directory", "RoleManagement.Read.All", "RoleManagement.ReadWrite.Directory",
          "Directory.Read.All", "Directory.ReadWrite.All"}},
        {Operation::ManageDirectoryRoles, // facts 3.5: Privileged Role Administrator (or GA)
         {"RoleManagement.ReadWrite.Directory", "Directory.AccessAsUser.All"},
         {roles::kGlobalAdministrator, roles::kPrivilegedRoleAdministrator},
         {"RoleManagement.ReadWrite.Directory"}},
    };
    return table;
}

/// Granting Microsoft Graph (and Azure AD Graph) app roles is privileged: Privileged Role Administrator
/// is the least-privileged role; for other resources (Exchange, SharePoint) the application
/// administrators suffice (facts 1.8, gotcha 3).
std::vector<std::string_view> grantRoles(std::string_view resourceAppId) {
    if (resourceAppId == kGraphAppId || resourceAppId == kAadGraphAppId)
        return {roles::kGlobalAdministrator, roles::kPrivilegedRoleAdministrator};
    return {roles::kGlobalAdministrator, roles::kPrivilegedRoleAdministrator,
            roles::kApplicationAdministrator, roles::kCloudApplicationAdministrator};
}

const Rule& ruleFor(Operation operation) {
    const auto& table = rules();
    return *std::find_if(table.begin(), table.end(),
                         [&](const Rule& rule) { return rule.operation == operation; });
}

} // namespace

AccessTokenClaims authenticate(const Request& request, ServiceContext& context) {
    std::string authorization = request.header("Authorization");
    if (authorization.empty())
        throw GraphError(401, "InvalidAuthenticationToken", "Access token is empty.");
    TokenRejection rejection;
    auto claims = context.tokens.verifyAccessToken(authorization, graphAudiences(), &rejection);
    if (!claims) {
        throw GraphError(401, rejection.code.empty() ? "InvalidAuthenticationToken" : rejection.code,
                         rejection.message.empty() ? "Access token validation failure." : rejection.message);
    }
    return *claims;
}

bool isAllowed(const AccessTokenClaims& caller, Operation operation, std::string_view resourceAppId) {
    const Rule& rule = ruleFor(operation);
    if (!caller.isDelegated()) {
        return std::any_of(rule.applicationRoles.begin(), rule.applicationRoles.end(),
                           [&](std::string_view role) { return caller.hasRole(role); });
    }
    bool scoped = std::any_of(rule.delegatedScopes.begin(), rule.delegatedScopes.end(),
                              [&](std::string_view scope) { return caller.hasScope(scope); });
    if (!scoped)
        return false;
    auto directoryRoles =
        operation == Operation::GrantAppRoles ? grantRoles(resourceAppId) : rule.directoryRoles;
    if (directoryRoles.empty())
        return true;
    return std::any_of(directoryRoles.begin(), directoryRoles.end(),
                       [&](std::string_view role) { return caller.hasWid(role); });
}

void authorize(const AccessTokenClaims& caller, Operation operation, std::string_view resourceAppId) {
    if (!isAllowed(caller, operation, resourceAppId))
        throwForbidden();
}

bool isApplicationItself(const AccessTokenClaims& caller, std::string_view appId) {
    return !caller.isDelegated() && !appId.empty() && caller.appId == appId;
}

void requireSameTenant(const AccessTokenClaims& caller, std::string_view objectTenantId,
                       std::string_view objectId) {
    if (caller.tenantId != objectTenantId)
        throwNotFound(objectId);
}

} // namespace emu::graph
