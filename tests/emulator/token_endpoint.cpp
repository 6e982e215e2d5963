// POST /{tenant}/oauth2/v2.0/token (dispatch by grant_type) and the client credentials grant with a
// certificate assertion; POST /{tenant}/oauth2/v2.0/devicecode. Device code polling: device_code.cpp.
#include "client_assertion.h"
#include "device_code.h"
#include "errors.h"
#include "identity_routes.h"
#include "token_issuer.h"

namespace emu {

namespace {
constexpr std::string_view kJwtBearer = "urn:ietf:params:oauth:client-assertion-type:jwt-bearer";
constexpr std::string_view kDeviceCodeUrn = "urn:ietf:params:oauth:grant-type:device_code";

// The assertion's aud must name the token endpoint being called; Entra treats the tenant's GUID and
// its domains as the same endpoint, so each spelling of this tenant's token URL is accepted.
std::vector<std::string> tokenEndpointAudiences(const Request& request, const Tenant& tenant) {
    std::vector<std::string> audiences{request.url()};
    for (const std::string& name : [&] {
             std::vector<std::string> names{tenant.id};
             names.insert(names.end(), tenant.domains.begin(), tenant.domains.end());
             return names;
         }())
        audiences.push_back(request.baseUrl + "/" + name + "/oauth2/v2.0/token");
    return audiences;
}

Response clientCredentialsGrant(ServiceContext& context, const IdentityOptions& options,
                                const Request& request, const StringMap& form) {
    auto field = [&form](const char* name) { return form.count(name) ? form.at(name) : std::string(); };
    const std::string segment = request.param("tenant");
    TenantSegment tenant = resolveTenantSegment(context.directory, segment);
    if (tenant.kind == TenantSegment::Kind::Common || tenant.kind == TenantSegment::Kind::Consumers)
        return entraError(
            400, "invalid_request", 9001023,
            "The grant type isn't supported over the /common or /consumers endpoints. Please use the "
            "/organizations or tenant-specific endpoint.",
            request);
    if (tenant.kind == TenantSegment::Kind::Organizations)
        return entraError(
            400, "invalid_request", 900023,
            "Specified tenant identifier 'organizations' is neither a valid DNS name, nor a valid "
            "external domain.",
            request);
    if (tenant.kind == TenantSegment::Kind::Unknown)
        return unknownTenant(request, segment);
    const Tenant& home = *tenant.tenant;
    const std::string clientId = field("client_id");
    if (clientId.empty())
        return missingParameter(request, "client_id");
    const std::string assertion = field("client_assertion");

    std::string servicePrincipalId;
    AppGrant grant;
    {
        auto state = context.directory.lock();
        if (state->findPublicClient(clientId) && (!assertion.empty() || !field("client_secret").empty()))
            return entraError(
                401, "invalid_client", 700025,
                "Client is public so neither 'client_assertion' nor 'client_secret' should be presented.",
                request);
        Application* app = state->findApplicationByAppId(home.id, clientId);
        ServicePrincipal* sp = state->findServicePrincipalByAppId(home.id, clientId);
        // Not yet replicated looks exactly like unknown: that is what a caller sees right after creation.
        if (!app || !context.directory.isVisible(app->visibleAt) ||
            (sp && !context.directory.isVisible(sp->visibleAt)))
            return entraError(
                400, "unauthorized_client", 700016,
                "Application with identifier '" + clientId + "' was not found in the directory '" +
                    home.displayName +
                    "'. This can happen if the application has not been installed by the "
                    "administrator of the tenant or consented to by any user in the tenant. You may "
                    "have sent your authentication request to the wrong tenant.",
                request);
        if (!sp)
            return entraError(401, "invalid_client", 7000229,
                              "The client application " + clientId +
                                  " is missing service principal in the tenant " + home.id +
                                  ". See instructions here: https://go.microsoft.com/fwlink/?linkid=2225119",
                              request);
        if (assertion.empty()) {
            if (!field("client_secret").empty())
                return entraError(
                    401, "invalid_client", 7000215,
                    "Invalid client secret provided. Ensure the secret being sent in the request is the "
                    "client secret value, not the client secret ID, for a secret added to app '" +
                        clientId + "'.",
                    request);
            return entraError(401, "invalid_client", 7000218,
                              "The request body must contain the following parameter: 'client_assertion' or "
                              "'client_secret'.",
                              request);
        }
        if (field("client_assertion_type") != kJwtBearer)
            return entraError(400, "invalid_request", 7000219,
                              "'client_assertion_type' must be '" + std::string(kJwtBearer) + "'.", request);

        // One resource's /.default (facts 2.1).
        const std::string scope = field("scope");
        if (scope.empty())
            return missingParameter(request, "scope");
        ParsedScope parsed = parseScope(scope);
        for (const auto& [resource, permission] : parsed.permissions)
            if (permission != ".default")
                return entraError(
                    400, "invalid_scope", 70011,
                    "The provided value for the input parameter 'scope' is not valid. The scope " + scope +
                        " is not valid. Client credential flows must have a scope value with "
                        "/.default suffixed to the resource identifier (application ID URI).",
                    request);
        const auto resources = distinctResources(parsed);
        if (resources.empty())
            return entraError(400, "invalid_scope", 70011,
                              "The provided value for the input parameter 'scope' is not valid. The scope " +
                                  scope + " is not valid.",
                              request);
        if (resources.size() > 1)
            return entraError(
                400, "invalid_scope", 700022,
                "The provided value for the input parameter scope is not valid because it contains "
                "more than one resource. Scope " +
                    scope + " is not valid.",
                request);
        auto target = resolveResource(home, resources.front());
        ServicePrincipal* resourceSp =
            target ? state->findServicePrincipalByAppId(home.id, target->resourceAppId) : nullptr;
        if (!target || !resourceSp)
            return entraError(
                400, "invalid_resource", 500011,
                "The resource principal named " + resources.front() + " was not found in the tenant named " +
                    home.displayName +
                    ". This can happen if the application has not been installed by the administrator "
                    "of the tenant or consented to by any user in the tenant. You might have sent your "
                    "authentication request to the wrong tenant.",
                request);

        if (auto failed = verifyClientAssertion(assertion, *app, tokenEndpointAudiences(request, home),
                                                context.directory))
            return entraError(failed->error == "invalid_client" ? 401 : 400, failed->error, failed->aadsts,
                              failed->description, request);

        grant.tenantId = home.id;
        grant.appId = clientId;
        grant.servicePrincipalId = sp->id;
        grant.audience = target->identifier;
        for (const AppRoleAssignment* assignment : state->assignmentsOf(sp->id, resourceSp->id))
            if (context.directory.isVisible(assignment->visibleAt))
                if (const AppRole* role = resourceSp->findAppRole(assignment->appRoleId))
                    grant.roles.push_back(role->value);
        for (const auto& [id, roleAssignment] : state->directoryRoleAssignments)
            if (roleAssignment.principalId == sp->id && context.directory.isVisible(roleAssignment.visibleAt))
                grant.wids.push_back(roleAssignment.roleDefinitionId);
    }
    Response response = Response::json(
        200, {{"token_type", "Bearer"},
              {"expires_in", options.accessTokenLifetime.count()},
              {"ext_expires_in", options.accessTokenLifetime.count()},
              {"access_token", issueAppAccessToken(context, request, grant, options.accessTokenLifetime)}});
    response.headers["Cache-Control"] = "no-store, no-cache";
    return response;
}

Response tokenEndpoint(ServiceContext& context, const IdentityOptions& options, const Request& request) {
    const StringMap form = request.formFields();
    const std::string grantType = form.count("grant_type") ? form.at("grant_type") : "";
    Response response;
    std::string statsName = grantType;
    if (grantType.empty()) {
        response = missingParameter(request, "grant_type");
    } else if (grantType == "client_credentials") {
        response = clientCredentialsGrant(context, options, request, form);
    } else if (grantType == kDeviceCodeUrn || grantType == "device_code") {
        statsName = "device_code"; // msal-node sends the short form; RFC 8628 clients the URN
        response = deviceCodeTokenGrant(context, options, request, form);
    } else {
        response = entraError(400, "unsupported_grant_type", 70003,
                              "The app requested an unsupported grant type '" + grantType + "'.", request);
    }
    response.statsKey = "POST token " + (statsName.empty() ? std::string("(none)") : statsName);
    return response;
}
} // namespace

void registerOAuthRoutes(Router& router, ServiceContext& context, const IdentityOptions& options) {
    router.add(
        "POST", "/{tenant}/oauth2/v2.0/devicecode",
        [&context, options](const Request& r) { return deviceAuthorization(context, options, r); },
        "POST devicecode");
    router.add(
        "POST", "/{tenant}/oauth2/v2.0/token",
        [&context, options](const Request& r) { return tokenEndpoint(context, options, r); }, "POST token");
}

} // namespace emu
