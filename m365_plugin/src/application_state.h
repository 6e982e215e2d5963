// What the tenant actually holds for a configured application, read with the admin's Graph access: its
// key credentials, its requiredResourceAccess and the app role assignments of its service principal (with
// each role's name). update compares this with what the workloads need; nothing here writes except the
// PATCH helpers, which update calls with its journal in place.
#pragma once

#include "graph_client.h"
#include "permission_manifest.h"

#include <Poco/JSON/Array.h>

#include <cstdint>
#include <set>
#include <string>
#include <utility>
#include <vector>

namespace m365 {

struct AppKeyCredential {
    std::string keyId;
    std::string type;
    std::string usage;
    std::string displayName;
    std::string customKeyIdentifier;
    int64_t startDateTime = 0; ///< seconds since the epoch, UTC
    int64_t endDateTime = 0;
};

struct AppRoleGrant {
    std::string assignmentId;
    std::string resourceSpId;  ///< the resource's service principal (where DELETE goes)
    std::string resourceAppId; ///< e.g. 00000003-0000-0000-c000-000000000000
    std::string resource; ///< manifest key ("graph", "exchange", "sharepoint"), or resourceAppId if foreign
    std::string appRoleId;
    std::string name; ///< the app role's value, e.g. "Mail.Read" ("" if the resource does not list it)
};

/// (resourceAppId, app role id) pairs.
using RoleRefs = std::set<std::pair<std::string, std::string>>;

struct ApplicationState {
    std::vector<AppKeyCredential> keys;
    RoleRefs requiredResourceAccess;                   ///< entries of type Role
    Poco::JSON::Array::Ptr requiredResourceAccessJson; ///< as read (to put back on undo)
    std::vector<AppRoleGrant> grants;
};

/// GET /applications/{objectId}?$select=keyCredentials,requiredResourceAccess and
/// GET /servicePrincipals/{spId}/appRoleAssignments, naming each granted role from its resource's appRoles.
ApplicationState readApplicationState(GraphClient& graph, const PermissionManifest& manifest,
                                      const std::string& applicationObjectId,
                                      const std::string& servicePrincipalId);

/// The keyCredentials entry that keeps an existing key unchanged in a PATCH (which replaces the list):
/// keyId, type, usage, no key material.
Poco::JSON::Object::Ptr keptKeyCredentialJson(const AppKeyCredential& key);

/// PATCH /applications/{objectId} {"keyCredentials": keys}.
void replaceKeyCredentials(GraphClient& graph, const std::string& applicationObjectId,
                           const Poco::JSON::Array::Ptr& keys);

/// PATCH /applications/{objectId} {"requiredResourceAccess": access}.
void replaceRequiredResourceAccess(GraphClient& graph, const std::string& applicationObjectId,
                                   const Poco::JSON::Array::Ptr& access);

/// The application's keys minus `dropKeyIds` and minus those expired at `now`, as a PATCH list; returns
/// null if that is exactly the current list (nothing to PATCH).
Poco::JSON::Array::Ptr keysWithout(const std::vector<AppKeyCredential>& keys,
                                   const std::set<std::string>& dropKeyIds, int64_t now);

} // namespace m365
