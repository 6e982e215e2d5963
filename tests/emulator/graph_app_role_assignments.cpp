// App role assignments (application permissions, facts 3.4):
//   POST/GET /v1.0/servicePrincipals/{id}/appRoleAssignedTo, DELETE .../appRoleAssignedTo/{assignmentId}
//   (the resource's view, Microsoft's recommended form) and the principal's view
//   POST/GET /v1.0/servicePrincipals/{id}/appRoleAssignments, DELETE .../appRoleAssignments/{assignmentId}.
#include "clock.h"
#include "crypto.h"
#include "graph_authorization.h"
#include "graph_common.h"
#include "graph_handlers.h"
#include "graph_json.h"

#include <algorithm>

namespace emu::graph {

namespace {

constexpr std::string_view kResource = "AppRoleAssignment";

/// Which side of the assignment the URL's service principal is.
enum class View { Resource, Principal };

std::string requireGuid(const nlohmann::json& body, std::string_view name) {
    auto value = optionalString(body, name, kResource);
    if (!value || !isGuid(*value))
        throwInvalidProperty(name, kResource);
    return *value;
}

/// A principal created moments ago is not yet on the replica that checks the reference. Entra answers
/// such grants with 404 "Resource ... does not exist" or 400 "Not a valid reference update." (facts 3.4);
/// the emulator gives the 404 during the first half of the replication delay and the 400 afterwards,
/// so clients meet both.
void requireReplicated(ServiceContext& context, const ServicePrincipal& principal) {
    TimePoint now = context.clock.now();
    if (now >= principal.visibleAt)
        return;
    if (principal.visibleAt - now > context.directory.replicationDelay() / 2)
        throwNotFound(principal.id);
    throw GraphError(400, "Request_BadRequest", std::string(messages::kNotValidReferenceUpdate));
}

nlohmann::json assignmentJson(DirectoryState& directory, const AppRoleAssignment& assignment) {
    return toJson(assignment, directory.findServicePrincipal(assignment.principalId),
                  directory.findServicePrincipal(assignment.resourceId));
}

Response grant(ServiceContext& context, const Request& request, const AccessTokenClaims& caller, View view) {
    nlohmann::json body = requireJsonObject(request);
    std::string principalId = requireGuid(body, "principalId");
    std::string resourceId = requireGuid(body, "resourceId");
    std::string appRoleId = requireGuid(body, "appRoleId");
    std::string urlId = request.param("id");
    if ((view == View::Resource ? resourceId : principalId) != urlId)
        throwInvalidProperty(view == View::Resource ? "resourceId" : "principalId", kResource);

    auto directory = context.directory.lock();
    const ServicePrincipal* resource = directory->findServicePrincipal(resourceId);
    authorize(caller, Operation::GrantAppRoles, resource ? resource->appId : std::string());
    if (!resource || resource->tenantId != caller.tenantId)
        throwNotFound(resourceId);
    const ServicePrincipal* principal = directory->findServicePrincipal(principalId);
    if (!principal || principal->tenantId != caller.tenantId)
        throwNotFound(principalId);
    requireReplicated(context, *principal);

    const AppRole* role = resource->findAppRole(appRoleId);
    if (!role || !role->isEnabled)
        throw GraphError(400, "Request_BadRequest",
                         "Permission being assigned was not found on application '" + resource->appId + "'.");
    auto existing = directory->assignmentsOf(principalId, resourceId);
    bool duplicate = std::any_of(existing.begin(), existing.end(), [&](const AppRoleAssignment* assignment) {
        return assignment->appRoleId == appRoleId;
    });
    if (duplicate) // not idempotent (gotcha 5)
        throw GraphError(400, "Request_BadRequest", std::string(messages::kAssignmentExists));

    AppRoleAssignment assignment;
    assignment.id = newAssignmentId();
    assignment.tenantId = caller.tenantId;
    assignment.principalId = principalId;
    assignment.resourceId = resourceId;
    assignment.appRoleId = appRoleId;
    assignment.createdAt = context.clock.now();
    assignment.visibleAt = context.directory.newVisibleAt(); // the token endpoint sees the role later
    directory->appRoleAssignments.emplace(assignment.id, assignment);

    nlohmann::json json = assignmentJson(*directory, assignment);
    std::string navigation = view == View::Resource ? "appRoleAssignedTo" : "appRoleAssignments";
    json["@odata.context"] =
        odataContext(request, "servicePrincipals('" + urlId + "')/" + navigation + "/$entity");
    return Response::json(201, json);
}

Response list(ServiceContext& context, const Request& request, const AccessTokenClaims& caller, View view) {
    std::string id = request.param("id");
    auto directory = context.directory.lock();
    const ServicePrincipal* servicePrincipal = directory->findServicePrincipal(id);
    bool self = servicePrincipal && isApplicationItself(caller, servicePrincipal->appId);
    if (!self && !isAllowed(caller, Operation::ReadApplications))
        throwForbidden();
    if (!servicePrincipal)
        throwNotFound(id);
    requireSameTenant(caller, servicePrincipal->tenantId, id);

    auto selected = selectedProperties(request);
    nlohmann::json values = nlohmann::json::array();
    for (const auto& [assignmentId, assignment] : directory->appRoleAssignments) {
        const std::string& side = view == View::Resource ? assignment.resourceId : assignment.principalId;
        if (side == id)
            values.push_back(applySelect(assignmentJson(*directory, assignment), selected));
    }
    std::string navigation = view == View::Resource ? "appRoleAssignedTo" : "appRoleAssignments";
    return Response::json(
        200, collection(request, "servicePrincipals('" + id + "')/" + navigation, std::move(values)));
}

Response revoke(ServiceContext& context, const Request& request, const AccessTokenClaims& caller, View view) {
    std::string id = request.param("id");
    std::string assignmentId = request.param("assignmentId");
    auto directory = context.directory.lock();
    auto it = directory->appRoleAssignments.find(assignmentId);
    bool matches = it != directory->appRoleAssignments.end() &&
                   (view == View::Resource ? it->second.resourceId : it->second.principalId) == id;
    const ServicePrincipal* resource =
        matches ? directory->findServicePrincipal(it->second.resourceId) : nullptr;
    authorize(caller, Operation::GrantAppRoles, resource ? resource->appId : std::string());
    if (!matches || it->second.tenantId != caller.tenantId)
        throwNotFound(assignmentId);
    directory->appRoleAssignments.erase(it);
    return Response::noContent();
}

} // namespace

void registerAppRoleAssignmentRoutes(Router& router, ServiceContext& context) {
    auto& ctx = context;
    for (View view : {View::Resource, View::Principal}) {
        std::string base = std::string("/v1.0/servicePrincipals/{id}/") +
                           (view == View::Resource ? "appRoleAssignedTo" : "appRoleAssignments");
        addGraphRoute(router, ctx, "POST", base, [&ctx, view](const Request& r, const AccessTokenClaims& c) {
            return grant(ctx, r, c, view);
        });
        addGraphRoute(router, ctx, "GET", base, [&ctx, view](const Request& r, const AccessTokenClaims& c) {
            return list(ctx, r, c, view);
        });
        addGraphRoute(
            router, ctx, "DELETE", base + "/{assignmentId}",
            [&ctx, view](const Request& r, const AccessTokenClaims& c) { return revoke(ctx, r, c, view); });
    }
}

} // namespace emu::graph
