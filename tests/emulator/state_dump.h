// GET /_emulator/state: the directory as JSON so tests can assert what exists (no orphaned
// applications, exactly these roles granted). Not Graph's shapes: one stable test-facing document.
#pragma once

#include "directory.h"

#include <nlohmann/json.hpp>

namespace emu {

/// {"now", "replication_delay_ms", "tenants":[{id, displayName, domains, users, applications,
///  servicePrincipals, appRoleAssignments, directoryRoleAssignments}], plus the same lists flattened at the
///  top level ("applications", "servicePrincipals", "appRoleAssignments", each entry with tenantId)}.
/// Applications: id, appId, displayName, signInAudience, requiredResourceAccess, keyCredentials (keyId,
/// type, usage, displayName, thumbprint = hex SHA-1, startDateTime, endDateTime, visible), visible.
/// Assignments: id, principalId, resourceId, resourceAppId, appRoleId, appRoleValue, visible.
nlohmann::json dumpState(Directory& directory);

} // namespace emu
