// POST/GET/DELETE /v1.0/servicePrincipals, $filter=appId eq '...', and the alternate key
// servicePrincipals(appId='...') (facts 3.2, 3.3).
#include "crypto.h"
#include "graph_app_collection.h"
#include "graph_authorization.h"
#include "graph_common.h"
#include "graph_handlers.h"
#include "graph_json.h"

namespace emu::graph {

namespace {

constexpr std::string_view kResource = "ServicePrincipal";

bool isMicrosoftFirstParty(std::string_view appId) {
    return appId == kGraphAppId || appId == kExchangeAppId || appId == kSharePointAppId ||
           appId == kAadGraphAppId;
}

nlohmann::json servicePrincipalJson(const ServicePrincipal& servicePrincipal) {
    return toJson(servicePrincipal, isMicrosoftFirstParty(servicePrincipal.appId)
                                        ? kMicrosoftServicesTenantId
                                        : servicePrincipal.tenantId);
}

/// Read permission, or the application reading its own service principal with an app-only token.
void authorizeRead(const AccessTokenClaims& caller, const ServicePrincipal* servicePrincipal) {
    if (isAllowed(caller, Operation::ReadApplications))
        return;
    if (servicePrincipal && isApplicationItself(caller, servicePrincipal->appId))
        return;
    throwForbidden();
}

Response createServicePrincipal(ServiceContext& context, const Request& request,
                                const AccessTokenClaims& caller) {
    authorize(caller, Operation::WriteApplications);
    nlohmann::json body = requireJsonObject(request);
    auto appId = optionalString(body, "appId", kResource);
    if (!appId || appId->empty())
        throwInvalidProperty("appId", kResource);

    auto directory = context.directory.lock();
    if (directory->findServicePrincipalByAppId(caller.tenantId, *appId)) {
        throw GraphError(409, "Request_MultipleObjectsWithSameKeyValue",
                         "The service principal cannot be created, updated, or restored because the service "
                         "principal name " +
                             *appId + " is already in use.");
    }
    // A brand-new application is not yet replicated to the replica that creates service principals
    // (facts 3.2): the same answer as for an appId that does not exist.
    const Application* application = directory->findApplicationByAppId(caller.tenantId, *appId);
    if (!application || !context.directory.isVisible(application->visibleAt)) {
        throw GraphError(400, "Request_BadRequest",
                         "The appId '" + *appId +
                             "' of the service principal does not reference a valid application object.");
    }

    ServicePrincipal servicePrincipal;
    servicePrincipal.id = newGuid();
    servicePrincipal.appId = application->appId;
    servicePrincipal.tenantId = caller.tenantId;
    servicePrincipal.displayName = application->displayName;
    servicePrincipal.createdAt = context.clock.now();
    servicePrincipal.visibleAt = context.directory.newVisibleAt();
    directory->servicePrincipals.emplace(servicePrincipal.id, servicePrincipal);

    nlohmann::json json = servicePrincipalJson(servicePrincipal);
    json["signInAudience"] = application->signInAudience;
    json["@odata.context"] = odataContext(request, "servicePrincipals/$entity");
    Response response = Response::json(201, json);
    response.headers["Location"] = request.baseUrl + "/v1.0/servicePrincipals/" + servicePrincipal.id;
    return response;
}

Response getServicePrincipal(ServiceContext& context, const Request& request, const AccessTokenClaims& caller,
                             bool byAppId) {
    std::string key = byAppId ? request.param("appId") : request.param("id");
    auto directory = context.directory.lock();
    ServicePrincipal* servicePrincipal = byAppId
                                             ? directory->findServicePrincipalByAppId(caller.tenantId, key)
                                             : directory->findServicePrincipal(key);
    authorizeRead(caller, servicePrincipal);
    if (!servicePrincipal)
        throwNotFound(key);
    requireSameTenant(caller, servicePrincipal->tenantId, key);
    nlohmann::json json = applySelect(servicePrincipalJson(*servicePrincipal), selectedProperties(request));
    json["@odata.context"] = odataContext(request, "servicePrincipals/$entity");
    return Response::json(200, json);
}

Response listServicePrincipals(ServiceContext& context, const Request& request,
                               const AccessTokenClaims& caller) {
    auto directory = context.directory.lock();
    return listAppObjects(request, caller, directory->servicePrincipals, "servicePrincipals", kResource,
                          servicePrincipalJson);
}

Response deleteServicePrincipal(ServiceContext& context, const Request& request,
                                const AccessTokenClaims& caller) {
    authorize(caller, Operation::WriteApplications);
    std::string id = request.param("id");
    auto directory = context.directory.lock();
    ServicePrincipal* servicePrincipal = directory->findServicePrincipal(id);
    if (!servicePrincipal)
        throwNotFound(id);
    requireSameTenant(caller, servicePrincipal->tenantId, id);
    directory->deleteServicePrincipal(id); // and every role assignment it is principal or resource of
    return Response::noContent();
}

} // namespace

void registerServicePrincipalRoutes(Router& router, ServiceContext& context) {
    auto& ctx = context;
    addGraphRoute(
        router, ctx, "POST", "/v1.0/servicePrincipals",
        [&ctx](const Request& r, const AccessTokenClaims& c) { return createServicePrincipal(ctx, r, c); });
    addGraphRoute(
        router, ctx, "GET", "/v1.0/servicePrincipals",
        [&ctx](const Request& r, const AccessTokenClaims& c) { return listServicePrincipals(ctx, r, c); });
    addGraphRoute(router, ctx, "GET", "/v1.0/servicePrincipals(appId='{appId}')",
                  [&ctx](const Request& r, const AccessTokenClaims& c) {
                      return getServicePrincipal(ctx, r, c, true);
                  });
    addGraphRoute(router, ctx, "GET", "/v1.0/servicePrincipals/{id}",
                  [&ctx](const Request& r, const AccessTokenClaims& c) {
                      return getServicePrincipal(ctx, r, c, false);
                  });
    addGraphRoute(
        router, ctx, "DELETE", "/v1.0/servicePrincipals/{id}",
        [&ctx](const Request& r, const AccessTokenClaims& c) { return deleteServicePrincipal(ctx, r, c); });
}

} // namespace emu::graph
