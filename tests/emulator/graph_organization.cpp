// GET /v1.0/organization and /v1.0/organization/{id}: the caller's tenant (facts 3.8).
#include "graph_authorization.h"
#include "graph_common.h"
#include "graph_handlers.h"
#include "graph_json.h"

namespace emu::graph {

namespace {

Response listOrganization(ServiceContext& context, const Request& request, const AccessTokenClaims& caller) {
    authorize(caller, Operation::ReadOrganization);
    auto directory = context.directory.lock();
    nlohmann::json values = nlohmann::json::array();
    if (const Tenant* tenant = directory->findTenant(caller.tenantId))
        values.push_back(applySelect(toJson(*tenant), selectedProperties(request)));
    return Response::json(200, collection(request, "organization", std::move(values)));
}

Response getOrganization(ServiceContext& context, const Request& request, const AccessTokenClaims& caller) {
    authorize(caller, Operation::ReadOrganization);
    std::string id = request.param("id");
    auto directory = context.directory.lock();
    const Tenant* tenant = directory->findTenant(caller.tenantId);
    if (!tenant || tenant->id != id)
        throwNotFound(id);
    nlohmann::json json = applySelect(toJson(*tenant), selectedProperties(request));
    json["@odata.context"] = odataContext(request, "organization/$entity");
    return Response::json(200, json);
}

} // namespace

void registerOrganizationRoutes(Router& router, ServiceContext& context) {
    auto& ctx = context;
    addGraphRoute(
        router, ctx, "GET", "/v1.0/organization",
        [&ctx](const Request& r, const AccessTokenClaims& c) { return listOrganization(ctx, r, c); });
    addGraphRoute(
        router, ctx, "GET", "/v1.0/organization/{id}",
        [&ctx](const Request& r, const AccessTokenClaims& c) { return getOrganization(ctx, r, c); });
}

} // namespace emu::graph
