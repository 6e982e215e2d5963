// Read-only questions setup asks the tenant before creating anything: who the tenant is (id, initial
// domain, SharePoint host) and which app role ids the chosen permissions have in it.
#pragma once

#include "graph_client.h"
#include "permission_manifest.h"
#include "progress.h"

#include <map>
#include <string>
#include <vector>

namespace m365 {

struct OrganizationInfo {
    std::string tenantId;
    std::string displayName;
    std::string initialDomain; ///< "<name>.onmicrosoft.com" (isInitial), "" if not reported
};

/// GET /organization (the signed-in admin's tenant).
OrganizationInfo fetchOrganization(GraphClient& graph);

/// "<name>.<sharepointDomain>" from "<name>.onmicrosoft.com"-style initial domains; "" if not derivable.
std::string sharepointHostFromInitialDomain(const std::string& initialDomain,
                                            const std::string& initialDomainSuffix,
                                            const std::string& sharepointDomain);

/// A permission with its app role id as the tenant defines it.
struct ResolvedPermission {
    Permission permission;
    std::string resourceAppId; ///< e.g. 00000003-0000-0000-c000-000000000000
    std::string resourceSpId;  ///< the resource's service principal object id in this tenant
    std::string appRoleId;     ///< from the resource SP's appRoles
};

/// Looks up each resource's service principal and resolves every permission's app role id by name
/// (allowedMemberTypes must include Application). A documented id that differs from the tenant's is
/// logged as a warning; a missing role or resource throws wp::Error (m365.app_role_unknown,
/// m365.resource_missing) before anything is created.
std::vector<ResolvedPermission> resolvePermissions(GraphClient& graph, const PermissionManifest& manifest,
                                                   const std::vector<Permission>& permissions,
                                                   Progress& progress);

} // namespace m365
