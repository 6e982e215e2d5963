// OpenID Connect discovery, MSAL's instance discovery and the JWKS, shaped like Entra's v2.0 documents
// but naming the emulator's own scheme, host and port (the issuer must share the authority's).
#include "identity_routes.h"

#include "errors.h"

namespace emu {

namespace {
nlohmann::json openIdConfiguration(const Request& request, const std::string& segment,
                                   const TenantSegment& tenant) {
    // Tenant documents name the tenant GUID everywhere, like Entra's; alias documents keep the alias and
    // carry the literal "{tenantid}" issuer template.
    const std::string pathTenant = tenant.tenant ? tenant.tenant->id : segment;
    const std::string issuerTenant = tenant.tenant ? tenant.tenant->id : "{tenantid}";
    const std::string base = request.baseUrl + "/" + pathTenant;
    const std::string host = request.baseUrl.substr(request.baseUrl.find("://") + 3);
    return {
        {"token_endpoint", base + "/oauth2/v2.0/token"},
        {"token_endpoint_auth_methods_supported",
         {"client_secret_post", "private_key_jwt", "client_secret_basic"}},
        {"jwks_uri", base + "/discovery/v2.0/keys"},
        {"response_modes_supported", {"query", "fragment", "form_post"}},
        {"subject_types_supported", {"pairwise"}},
        {"id_token_signing_alg_values_supported", {"RS256"}},
        {"response_types_supported", {"code", "id_token", "code id_token", "id_token token"}},
        {"scopes_supported", {"openid", "profile", "email", "offline_access"}},
        {"issuer", request.baseUrl + "/" + issuerTenant + "/v2.0"},
        {"request_uri_parameter_supported", false},
        {"userinfo_endpoint", request.baseUrl + "/oidc/userinfo"},
        {"authorization_endpoint", base + "/oauth2/v2.0/authorize"},
        {"device_authorization_endpoint", base + "/oauth2/v2.0/devicecode"},
        {"http_logout_supported", true},
        {"frontchannel_logout_supported", true},
        {"end_session_endpoint", base + "/oauth2/v2.0/logout"},
        {"claims_supported",
         {"sub", "iss", "cloud_instance_name", "cloud_instance_host_name", "cloud_graph_host_name",
          "msgraph_host", "aud", "exp", "iat", "auth_time", "acr", "nonce", "preferred_username", "name",
          "tid", "ver", "at_hash", "c_hash", "email"}},
        {"kerberos_endpoint", base + "/kerberos"},
        {"tenant_region_scope", tenant.tenant ? nlohmann::json("NA") : nlohmann::json(nullptr)},
        {"cloud_instance_name", "microsoftonline.com"},
        {"cloud_graph_host_name", "graph.windows.net"},
        // Where Graph lives for this "cloud": the emulator itself (clients derive the Graph URL from it;
        // token audiences stay Microsoft's https://graph.microsoft.com).
        {"msgraph_host", host},
        {"rbac_url", "https://pas.windows.net"},
    };
}

Response discoveryDocument(ServiceContext& context, const Request& request) {
    const std::string segment = request.param("tenant");
    TenantSegment tenant = resolveTenantSegment(context.directory, segment);
    if (tenant.kind == TenantSegment::Kind::Unknown)
        return unknownTenant(request, segment, "invalid_tenant");
    return Response::json(200, openIdConfiguration(request, segment, tenant));
}

// GET
// /common/discovery/instance?api-version=1.1&authorization_endpoint=<https://host/tenant/oauth2/v2.0/authorize>
// MSAL asks this (on the authority's host when the host is "known") to learn the cloud's aliases.
Response instanceDiscovery(const Request& request) {
    const std::string authorize = request.queryParam("authorization_endpoint").value_or("");
    const std::string prefix = request.baseUrl + "/";
    if (!authorize.starts_with(prefix))
        return entraError(400, "invalid_instance", 50049, "Unknown or invalid instance.", request);
    std::string tenant = authorize.substr(prefix.size());
    tenant = tenant.substr(0, tenant.find('/'));
    const std::string host = request.baseUrl.substr(request.baseUrl.find("://") + 3);
    return Response::json(
        200, {{"tenant_discovery_endpoint",
               request.baseUrl + "/" + tenant + "/v2.0/.well-known/openid-configuration"},
              {"api-version", request.queryParam("api-version").value_or("1.1")},
              {"metadata", {{{"preferred_network", host}, {"preferred_cache", host}, {"aliases", {host}}}}}});
}

Response keys(ServiceContext& context, const Request& request) {
    const std::string segment = request.param("tenant");
    TenantSegment tenant = resolveTenantSegment(context.directory, segment);
    if (tenant.kind == TenantSegment::Kind::Unknown)
        return unknownTenant(request, segment, "invalid_tenant");
    const std::string issuer =
        request.baseUrl + "/" + (tenant.tenant ? tenant.tenant->id : "{tenantid}") + "/v2.0";
    Response response = Response::json(200, context.tokens.jwks(issuer));
    return response;
}
} // namespace

void registerDiscoveryRoutes(Router& router, ServiceContext& context) {
    router.add(
        "GET", "/{tenant}/v2.0/.well-known/openid-configuration",
        [&context](const Request& r) { return discoveryDocument(context, r); }, "GET openid-configuration");
    router.add(
        "GET", "/{tenant}/discovery/instance", [](const Request& r) { return instanceDiscovery(r); },
        "GET instance discovery");
    router.add(
        "GET", "/{tenant}/discovery/v2.0/keys", [&context](const Request& r) { return keys(context, r); },
        "GET keys");
}

} // namespace emu
