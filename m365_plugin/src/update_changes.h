// What configure --action update has to change, decided from the instance record, the permissions the
// selected workloads need (resolved in the tenant) and what the tenant actually holds. Pure: plan shows
// it, update carries it out.
#pragma once

#include "application_state.h"
#include "instance_record.h"
#include "tenant_directory.h"

#include <cstdint>
#include <string>
#include <vector>

namespace m365 {

struct KeyDecision {
    bool replace = false;
    std::string reason; ///< "expired", "expiring", "missing_from_application", "secret_unreadable", "" (keep)
    std::string detail; ///< readable: "expired on 2026-...", "expires in 12 day(s) (renew_within_days 30)"
};

struct UpdateChanges {
    KeyDecision key;
    std::vector<ResolvedPermission> grants; ///< needed but not assigned
    std::vector<AppRoleGrant> revokes;      ///< assigned but no longer needed
    bool requiredResourceAccess = false;    ///< the application's declaration differs from what is needed
    std::vector<GrantedPermission> kept;    ///< needed and assigned (with their assignment ids)

    bool none() const { return !key.replace && grants.empty() && revokes.empty() && !requiredResourceAccess; }
};

struct UpdateInputs {
    const InstanceRecord& record;
    const std::vector<ResolvedPermission>& needed;
    const ApplicationState& state;
    bool secretReadable = true; ///< the stored private key + certificate can be loaded
    int64_t now = 0;            ///< seconds since the epoch (the plugin's clock, offset applied)
    int renewWithinDays = 30;   ///< replace a certificate with fewer days left
};

UpdateChanges compareWithTenant(const UpdateInputs& inputs);

/// "Mail.Read (graph)".
std::string permissionLabel(const std::string& name, const std::string& resource);

} // namespace m365
