// What every configure action with a signed-in administrator (setup, update) does after the sign-in:
// check the admin's directory roles against what the action will touch, and talk to Graph as the admin
// with its waits reported as progress and its exchanges traced.
#pragma once

#include "cloud.h"
#include "device_code_flow.h"
#include "graph_client.h"
#include "http_transport.h"
#include "permission_manifest.h"
#include "progress.h"

#include <wp/call.hpp>

#include <memory>
#include <string>
#include <vector>

namespace m365 {

/// Throws wp::Error(WP_E_PERMISSION_DENIED, "auth.role_missing") naming the directory role the admin lacks
/// to create/update the application and grant (or revoke) `permissions`; `action` ("setup", "update")
/// goes into the hint.
void requireAdminRoles(const SignedInAdmin& admin, const PermissionManifest& manifest,
                       const std::vector<Permission>& permissions, const std::string& action);

/// A Graph client acting as the signed-in admin, its waits reported as progress and its exchanges traced.
/// `call` null: not cancellable (for undo work that must run to the end).
GraphClient adminGraph(const std::shared_ptr<HttpTransport>& transport, const CloudEndpoints& cloud,
                       const SignedInAdmin& admin, const std::string& runId, Progress& progress,
                       const wp::Call* call);

} // namespace m365
