// Directory roles for service principals (facts 3.5; needed with Exchange.ManageAsApp):
//   POST /v1.0/roleManagement/directory/roleAssignments {principalId, roleDefinitionId, directoryScopeId:"/"}
//   GET  /v1.0/roleManagement/directory/roleAssignments[?$filter=principalId eq '...']
//   GET/DELETE /v1.0/roleManagement/directory/roleAssignments/{id}
// The token endpoint puts the template ids of replicated assignments into app-only tokens' `wids`.
#include "clock.h"
#include "crypto.h"
#include "graph_authorization.h"
#include "graph_common.h"
#include "graph_handlers.h"

#include <algorithm>

namespace emu::graph {

namespace {

constexpr std::string_view kResource = "UnifiedRoleAssignment";
constexpr std::string_view kBase = "/v1.0/roleManagement/directory/roleAssignments";

nlohmann::json toJson(const DirectoryRoleAssignment& assignment) {
    return {{"id", assignment.id},
            {"principalId", assignment.principalId},
            {"roleDefinitionId", assignment.roleDefinitionId},
            {"directoryScopeId", assignment.directoryScopeId}};
}

std::string requireGuid(const nlohmann::json& body, std::string_view name) {
    auto value = optionalString(body, name, kResource);
    if (!value || !isGuid(*value))
        throwInvalidProperty(name, kResource);
    return *value;
}

Response assign(ServiceContext& context, const Request& request, const AccessTokenClaims& caller) {
    authorize(caller, Operation::ManageDirectoryRoles);
    nlohmann::json body = requireJsonObject(request);
    std::string principalId = requireGuid(body, "principalId");
    std::string roleDefinitionId = requireGuid(body, "roleDefinitionId");
    auto scope = optionalString(body, "directoryScopeId", kResource);
    if (!scope || *scope != "/") // the emulator models tenant-wide assignments only
        throwInvalidProperty("directoryScopeId", kResource);

    auto directory = context.directory.lock();
    const ServicePrincipal* principal = directory->findServicePrincipal(principalId);
    if (!principal || principal->tenantId != caller.tenantId)
        throwNotFound(principalId);
    if (!context.directory.isVisible(principal->visibleAt)) // not yet on the replica (facts 3.10)
        throw GraphError(400, "Request_BadRequest", std::string(messages::kNotValidReferenceUpdate));
    bool duplicate = std::any_of(directory->directoryRoleAssignments.begin(),
                                 directory->directoryRoleAssignments.end(), [&](const auto& entry) {
                                     return entry.second.principalId == principalId &&
                                            entry.second.roleDefinitionId == roleDefinitionId;
                                 });
    if (duplicate)
        throw GraphError(
            400, "Request_BadRequest",
            "A conflicting object with one or more of the specified property values is present in "
            "the directory.");

    DirectoryRoleAssignment assignment;
    assignment.id = newAssignmentId();
    assignment.tenantId = caller.tenantId;
    assignment.principalId = principalId;
    assignment.roleDefinitionId = roleDefinitionId;
    assignment.createdAt = context.clock.now();
    assignment.visibleAt = context.directory.newVisibleAt();
    directory->directoryRoleAssignments.emplace(assignment.id, assignment);

    nlohmann::json json = toJson(assignment);
    json["@odata.context"] = odataContext(request, "roleManagement/directory/roleAssignments/$entity");
    return Response::json(201, json);
}

Response list(ServiceContext& context, const Request& request, const AccessTokenClaims& caller) {
    authorize(caller, Operation::ReadDirectoryRoles);
    auto filter = parseEqualsFilter(request, {"principalId", "roleDefinitionId"}, kResource);
    nlohmann::json values = nlohmann::json::array();
    auto directory = context.directory.lock();
    for (const auto& [id, assignment] : directory->directoryRoleAssignments) {
        if (assignment.tenantId != caller.tenantId)
            continue;
        if (filter && (filter->property == "principalId" ? assignment.principalId
                                                         : assignment.roleDefinitionId) != filter->value)
            continue;
        values.push_back(toJson(assignment));
    }
    return Response::json(200,
                          collection(request, "roleManagement/directory/roleAssignments", std::move(values)));
}

Response get(ServiceContext& context, const Request& request, const AccessTokenClaims& caller) {
    authorize(caller, Operation::ReadDirectoryRoles);
    std::string id = request.param("id");
    auto directory = context.directory.lock();
    auto it = directory->directoryRoleAssignments.find(id);
    if (it == directory->directoryRoleAssignments.end() || it->second.tenantId != caller.tenantId)
        throwNotFound(id);
    nlohmann::json json = toJson(it->second);
    json["@odata.context"] = odataContext(request, "roleManagement/directory/roleAssignments/$entity");
    return Response::json(200, json);
}

Response remove(ServiceContext& context, const Request& request, const AccessTokenClaims& caller) {
    authorize(caller, Operation::ManageDirectoryRoles);
    std::string id = request.param("id");
    auto directory = context.directory.lock();
    auto it = directory->directoryRoleAssignments.find(id);
    if (it == directory->directoryRoleAssignments.end() || it->second.tenantId != caller.tenantId)
        throwNotFound(id);
    directory->directoryRoleAssignments.erase(it);
    return Response::noContent();
}

} // namespace

void registerDirectoryRoleRoutes(Router& router, ServiceContext& context) {
    auto& ctx = context;
    const std::string base(kBase);
    addGraphRoute(router, ctx, "POST", base,
                  [&ctx](const Request& r, const AccessTokenClaims& c) { return assign(ctx, r, c); });
    addGraphRoute(router, ctx, "GET", base,
                  [&ctx](const Request& r, const AccessTokenClaims& c) { return list(ctx, r, c); });
    addGraphRoute(router, ctx, "GET", base + "/{id}",
                  [&ctx](const Request& r, const AccessTokenClaims& c) { return get(ctx, r, c); });
    addGraphRoute(router, ctx, "DELETE", base + "/{id}",
                  [&ctx](const Request& r, const AccessTokenClaims& c) { return remove(ctx, r, c); });
}

} // namespace emu::graph
