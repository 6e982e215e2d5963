// configure --action update: what rotation cannot do, with an administrator's device-code sign-in.
// The certificate has expired (addKey needs a valid one), the workload selection changed, or the granted
// permissions drifted (a role removed in the portal). update compares the tenant's actual state (the
// application's keyCredentials and requiredResourceAccess, its service principal's appRoleAssignments)
// with what the selected workloads need, then:
//   1. replaces the certificate if it is expired, close to expiry (renew_within_days, default 30), gone
//      from the application or unreadable: PATCH keyCredentials = the still-valid keys + the new one
//      (expired ones dropped; the replaced one stays until the switch, so tokens keep working);
//   2. grants the missing roles (one $batch, as setup), revokes the ones no longer needed (DELETE
//      appRoleAssignedTo/{id}: least privilege on every change) and PATCHes requiredResourceAccess;
//   3. verifies with a fresh app-only token per resource that its roles claim holds exactly the needed
//      roles (bounded backoff for replication);
//   4. commits: the new secret is already stored, the instance record is switched with compare-and-swap;
//   5. drops the replaced key from the application and its secret from the store.
// A failure before the switch undoes what this run changed (added key, new grants, revoked grants,
// requiredResourceAccess). A journal entry (operation "update") is written before each tenant change; the
// next update settles one left by a killed host. When nothing differs, update says so and changes nothing.
// Test hook (as rotate's): M365_PLUGIN_TEST_KILL_AT=update_key_added|update_granted|update_switched.
//
// configure --action plan with for=update runs the same sign-in and comparison and reports what update
// would change (event {"event":"plan","action":"update",...}), writing nothing.
#pragma once

#include "graph_client.h"
#include "journal.h"
#include "progress.h"
#include "settings.h"
#include "setup.h"

#include <set>
#include <string>
#include <string_view>

namespace m365 {

struct UpdateSettings {
    SetupSettings target;        ///< setup's settings (tenant, cloud, workloads, key_bits, validity_days...)
    std::set<std::string> given; ///< the keys the user set: unset workloads/include_restore/key_bits keep the
                                 ///< instance's values
    int renewWithinDays = 30;    ///< replace a certificate with fewer days left
    long long nowOffsetSeconds =
        0; ///< shifts "now" of the expiry checks (tests), else M365_PLUGIN_NOW_OFFSET_S
};

/// Setup's settings plus renew_within_days and now_offset_s. Throws wp::Error(WP_E_INVALID_CONFIG, ...).
UpdateSettings parseUpdateSettings(std::string_view settingsJson, std::string_view instanceId);

void runUpdate(const ActionContext& context, const UpdateSettings& settings);

/// configure --action plan with for=update.
void runUpdatePlan(const ActionContext& context, const UpdateSettings& settings);

/// Settles an "update" journal left by a host that died mid-way, with the admin's Graph access: before the
/// instance record was switched, the added key, the new grants and the new secret go; after it, the
/// replaced key and its secret. Then the journal is finished. Not cancellable.
void undoOrFinishUpdate(GraphClient& graph, Journal& journal, const wp::Host& host, Progress& progress,
                        int64_t now);

} // namespace m365
