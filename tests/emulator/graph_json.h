// Directory objects in Graph v1.0's JSON shapes (property names and nulls as Graph returns them).
#pragma once

#include "directory.h"

#include <nlohmann/json.hpp>

namespace emu::graph {

/// keyCredential. `key` (base64 DER) only when `includeKey` (Graph returns it only for
/// GET <object>/{id}?$select=keyCredentials); null otherwise.
nlohmann::json toJson(const KeyCredential& credential, bool includeKey);

nlohmann::json toJson(const RequiredResourceAccess& access);

/// application. `includeKeys` as for KeyCredential.
nlohmann::json toJson(const Application& application, bool includeKeys);

/// servicePrincipal, including appRoles. `ownerTenantId` becomes appOwnerOrganizationId.
nlohmann::json toJson(const ServicePrincipal& servicePrincipal, const std::string& ownerTenantId);

/// appRoleAssignment; display names come from the principal and resource service principals.
nlohmann::json toJson(const AppRoleAssignment& assignment, const ServicePrincipal* principal,
                      const ServicePrincipal* resource);

/// The tenant as Graph's organization object (id, displayName, verifiedDomains, ...).
nlohmann::json toJson(const Tenant& tenant);

/// Microsoft's own tenant: the owner organization of first-party apps (Graph, Exchange, SharePoint).
inline constexpr const char* kMicrosoftServicesTenantId = "f8cdef31-a31e-4b4a-93e4-5f571e91255a";

} // namespace emu::graph
