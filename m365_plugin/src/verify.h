// Verification that a new (or rotated) credential really works: acquire an app-only token per resource
// with the certificate and compare its `roles` claim with what was granted. Directory replication makes
// this eventually true, so it polls with bounded exponential backoff (never a fixed sleep) and, if it
// does not converge in time, reports per permission what is still missing.
#pragma once

#include "progress.h"
#include "token_client.h"

#include <chrono>
#include <map>
#include <set>
#include <string>
#include <vector>

namespace m365 {

struct VerifyTarget {
    std::string resource;        ///< "graph", "exchange", "sharepoint"
    std::string scope;           ///< "<audience>/.default"
    std::set<std::string> roles; ///< expected in the token's roles claim
};

/// Roles of an app-only token (decoded, not verified).
std::set<std::string> tokenRoles(const AccessToken& token);

/// Expected roles minus the token's roles.
std::vector<std::string> missingRoles(const std::set<std::string>& expected,
                                      const std::set<std::string>& actual);

/// Roles per resource ("graph", ...) that must no longer be in the token (revoked by update).
using RevokedRoles = std::map<std::string, std::set<std::string>>;

/// Polls until each target's token carries its roles (and none of its revoked ones). Retries token errors
/// typical of replication (AADSTS700016 app not found, 7000215/700027 key not yet known, invalid_client) and
/// tokens lacking roles. Throws wp::Error(WP_E_TIMEOUT, "verify.roles_missing") naming each missing
/// permission per resource, or the last token error (after the budget), or WP_E_CANCELLED.
void verifyCredential(const ConfidentialClient& client, const std::vector<VerifyTarget>& targets,
                      std::chrono::milliseconds budget, Progress& progress, const RevokedRoles& revoked = {});

} // namespace m365
