// POST/GET/PATCH/DELETE /v1.0/applications (facts 3.1, 3.6, 3.8).
#include "clock.h"
#include "crypto.h"
#include "graph_app_collection.h"
#include "graph_authorization.h"
#include "graph_common.h"
#include "graph_handlers.h"
#include "graph_json.h"
#include "graph_key_credentials.h"

#include <algorithm>
#include <array>

namespace emu::graph {

namespace {

constexpr std::string_view kResource = "Application";

constexpr std::array<std::string_view, 4> kSignInAudiences{
    "AzureADMyOrg", "AzureADMultipleOrgs", "AzureADandPersonalMicrosoftAccount", "PersonalMicrosoftAccount"};

/// Properties the emulator stores as given and echoes back without modelling them.
constexpr std::array<std::string_view, 14> kEchoedProperties{"description",
                                                             "notes",
                                                             "tags",
                                                             "identifierUris",
                                                             "web",
                                                             "api",
                                                             "publicClient",
                                                             "spa",
                                                             "info",
                                                             "appRoles",
                                                             "optionalClaims",
                                                             "serviceManagementReference",
                                                             "groupMembershipClaims",
                                                             "isDeviceOnlyAuthSupported"};

/// Graph's default when the body has no signInAudience (the application-post doc's sample response);
/// clients should always set it (gotcha 13).
constexpr std::string_view kDefaultSignInAudience = "AzureADandPersonalMicrosoftAccount";

template <std::size_t N>
bool contains(const std::array<std::string_view, N>& values, std::string_view value) {
    return std::find(values.begin(), values.end(), value) != values.end();
}

std::vector<RequiredResourceAccess> parseRequiredResourceAccess(const nlohmann::json& json) {
    if (!json.is_array())
        throwInvalidProperty("requiredResourceAccess", kResource);
    std::vector<RequiredResourceAccess> result;
    for (const auto& entry : json) {
        if (!entry.is_object())
            throwInvalidProperty("requiredResourceAccess", kResource);
        RequiredResourceAccess access;
        auto resourceAppId = optionalString(entry, "resourceAppId", "RequiredResourceAccess");
        if (!resourceAppId || resourceAppId->empty())
            throwInvalidProperty("resourceAppId", "RequiredResourceAccess");
        access.resourceAppId = *resourceAppId;
        auto list = entry.find("resourceAccess");
        if (list == entry.end() || !list->is_array())
            throwInvalidProperty("resourceAccess", "RequiredResourceAccess");
        for (const auto& item : *list) {
            if (!item.is_object())
                throwInvalidProperty("resourceAccess", "RequiredResourceAccess");
            auto id = optionalString(item, "id", "ResourceAccess");
            auto type = optionalString(item, "type", "ResourceAccess");
            if (!id || !isGuid(*id))
                throwInvalidProperty("id", "ResourceAccess");
            if (!type || (*type != "Role" && *type != "Scope"))
                throwInvalidProperty("type", "ResourceAccess");
            access.resourceAccess.push_back({*id, *type});
        }
        result.push_back(std::move(access));
    }
    return result;
}

/// Applies a POST or PATCH body to `target` (a copy: the caller commits it only when all of it is valid).
void applyProperties(Application& target, const nlohmann::json& body, bool creating, TimePoint visibleAt) {
    for (const auto& [name, value] : body.items()) {
        if (name == "displayName") {
            if (!value.is_string() || value.get<std::string>().empty())
                throwInvalidProperty(name, kResource);
            target.displayName = value.get<std::string>();
        } else if (name == "signInAudience") {
            if (!value.is_string() || !contains(kSignInAudiences, value.get<std::string>()))
                throwInvalidProperty(name, kResource);
            target.signInAudience = value.get<std::string>();
        } else if (name == "isFallbackPublicClient") {
            if (!value.is_boolean() && !value.is_null())
                throwInvalidProperty(name, kResource);
            target.isFallbackPublicClient = value.is_boolean() && value.get<bool>();
        } else if (name == "requiredResourceAccess") {
            target.requiredResourceAccess = parseRequiredResourceAccess(value);
        } else if (name == "keyCredentials") {
            // PATCH replaces the whole collection (gotcha 6); on create there is nothing to keep.
            target.keyCredentials = parseReplacementKeyCredentials(value, target.keyCredentials, visibleAt);
        } else if (name == "passwordCredentials") {
            // Secrets are added with addPassword, never on create/update; the emulator models no secrets.
            continue;
        } else if (contains(kEchoedProperties, name)) {
            target.otherProperties[name] = value;
        } else if (name.rfind("@odata.", 0) == 0) {
            continue;
        } else {
            throw GraphError(
                400, "BadRequest",
                "Property '" + name +
                    "' does not exist on type 'microsoft.graph.application'. Make sure to only use "
                    "property names that are defined by the type or mark the type as open type.");
        }
    }
    if (creating && target.displayName.empty())
        throwInvalidProperty("displayName", kResource);
}

/// The caller may read this application: read permission, or the application itself (app-only).
void authorizeRead(const AccessTokenClaims& caller, const Application* application) {
    if (isAllowed(caller, Operation::ReadApplications))
        return;
    if (application && isApplicationItself(caller, application->appId))
        return;
    throwForbidden();
}

Response createApplication(ServiceContext& context, const Request& request, const AccessTokenClaims& caller) {
    authorize(caller, Operation::WriteApplications);
    nlohmann::json body = requireJsonObject(request);

    Application application;
    application.id = newGuid();
    application.appId = newGuid();
    application.tenantId = caller.tenantId;
    application.signInAudience = kDefaultSignInAudience;
    application.createdAt = context.clock.now();
    application.visibleAt = context.directory.newVisibleAt();
    applyProperties(application, body, true, application.visibleAt);

    nlohmann::json json = toJson(application, false);
    json["@odata.context"] = odataContext(request, "applications/$entity");
    {
        auto directory = context.directory.lock();
        directory->applications.emplace(application.id, application);
    }
    Response response = Response::json(201, json);
    response.headers["Location"] = request.baseUrl + "/v1.0/applications/" + application.id;
    return response;
}

Response getApplication(ServiceContext& context, const Request& request, const AccessTokenClaims& caller,
                        bool byAppId) {
    std::string key = byAppId ? request.param("appId") : request.param("id");
    auto directory = context.directory.lock();
    Application* application =
        byAppId ? directory->findApplicationByAppId(caller.tenantId, key) : directory->findApplication(key);
    authorizeRead(caller, application);
    if (!application)
        throwNotFound(key);
    requireSameTenant(caller, application->tenantId, key);

    // `key` is returned only for a single object with $select=keyCredentials (facts 3.6).
    auto selected = selectedProperties(request);
    nlohmann::json json = applySelect(toJson(*application, isSelected(selected, "keyCredentials")), selected);
    json["@odata.context"] = odataContext(request, "applications/$entity");
    return Response::json(200, json);
}

Response listApplications(ServiceContext& context, const Request& request, const AccessTokenClaims& caller) {
    auto directory = context.directory.lock();
    return listAppObjects(request, caller, directory->applications, "applications", kResource,
                          [](const Application& application) { return toJson(application, false); });
}

Response updateApplication(ServiceContext& context, const Request& request, const AccessTokenClaims& caller) {
    authorize(caller, Operation::WriteApplications);
    nlohmann::json body = requireJsonObject(request);
    std::string id = request.param("id");
    auto directory = context.directory.lock();
    Application* application = directory->findApplication(id);
    if (!application)
        throwNotFound(id);
    requireSameTenant(caller, application->tenantId, id);
    Application updated = *application;
    applyProperties(updated, body, false, context.directory.newVisibleAt());
    *application = std::move(updated);
    return Response::noContent();
}

Response deleteApplication(ServiceContext& context, const Request& request, const AccessTokenClaims& caller) {
    authorize(caller, Operation::WriteApplications);
    std::string id = request.param("id");
    auto directory = context.directory.lock();
    Application* application = directory->findApplication(id);
    if (!application)
        throwNotFound(id);
    requireSameTenant(caller, application->tenantId, id);
    // Also removes the application's service principal and every role assignment of it (directory.h).
    directory->deleteApplication(id);
    return Response::noContent();
}

} // namespace

void registerApplicationRoutes(Router& router, ServiceContext& context) {
    auto& ctx = context;
    addGraphRoute(
        router, ctx, "POST", "/v1.0/applications",
        [&ctx](const Request& r, const AccessTokenClaims& c) { return createApplication(ctx, r, c); });
    addGraphRoute(
        router, ctx, "GET", "/v1.0/applications",
        [&ctx](const Request& r, const AccessTokenClaims& c) { return listApplications(ctx, r, c); });
    addGraphRoute(
        router, ctx, "GET", "/v1.0/applications(appId='{appId}')",
        [&ctx](const Request& r, const AccessTokenClaims& c) { return getApplication(ctx, r, c, true); });
    addGraphRoute(
        router, ctx, "GET", "/v1.0/applications/{id}",
        [&ctx](const Request& r, const AccessTokenClaims& c) { return getApplication(ctx, r, c, false); });
    addGraphRoute(
        router, ctx, "PATCH", "/v1.0/applications/{id}",
        [&ctx](const Request& r, const AccessTokenClaims& c) { return updateApplication(ctx, r, c); });
    addGraphRoute(
        router, ctx, "DELETE", "/v1.0/applications/{id}",
        [&ctx](const Request& r, const AccessTokenClaims& c) { return deleteApplication(ctx, r, c); });
}

} // namespace emu::graph
