#include "admin_access.h"

#include "admin_session.h"

#include <wp/plugin.hpp>

namespace m365 {

void requireAdminRoles(const SignedInAdmin& admin, const PermissionManifest& manifest,
                       const std::vector<Permission>& permissions, const std::string& action) {
    auto missing = manifest.missingAdminRole(roleSet(admin), permissions);
    if (!missing.empty())
        throw wp::Error(
            WP_E_PERMISSION_DENIED, "auth.role_missing",
            (admin.userPrincipalName.empty() ? std::string("The signed-in user") : admin.userPrincipalName) +
                " lacks a directory role: " + missing,
            "Sign in as a user holding that role (or have it assigned), then run " + action + " again.");
}

GraphClient adminGraph(const std::shared_ptr<HttpTransport>& transport, const CloudEndpoints& cloud,
                       const SignedInAdmin& admin, const std::string& runId, Progress& progress,
                       const wp::Call* call) {
    GraphClient graph(transport, cloud.graphBase(), admin.token.token, runId, call);
    graph.onRetry([&progress](const std::string& what, std::chrono::milliseconds wait) {
        progress.waiting(what, wait);
    });
    const wp::Host& host = progress.host();
    graph.onTrace([&host](const std::string& line) { host.log(wp::LogLevel::Trace, line); });
    return graph;
}

} // namespace m365
