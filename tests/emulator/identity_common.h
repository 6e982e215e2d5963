// Pieces the identity endpoints share: what the {tenant} path segment names, which resource a scope
// addresses, and the options of the identity side.
#pragma once

#include "context.h"
#include "http.h"

#include <chrono>
#include <optional>
#include <string>
#include <vector>

namespace emu {

struct IdentityOptions {
    std::chrono::seconds deviceCodeInterval{5};
    std::chrono::seconds deviceCodeLifetime{900};
    std::chrono::seconds accessTokenLifetime{3599};
};

/// What the {tenant} segment of an identity URL names.
struct TenantSegment {
    enum class Kind { Tenant, Organizations, Common, Consumers, Unknown };
    Kind kind = Kind::Unknown;
    std::optional<Tenant> tenant; ///< a copy, set when kind == Tenant
    bool isMultiTenantAlias() const {
        return kind == Kind::Organizations || kind == Kind::Common || kind == Kind::Consumers;
    }
};
TenantSegment resolveTenantSegment(Directory& directory, const std::string& segment);

/// A resource a token can be issued for (facts 4.1, 6).
struct ResourceTarget {
    std::string resourceAppId; ///< e.g. 00000003-0000-0000-c000-000000000000
    std::string
        identifier; ///< the resource as requested, without a trailing '/' ("https://graph.microsoft.com")
    bool isGraph() const;
};

/// Resolves a resource identifier (app id URI or app id) in `tenant`: Microsoft Graph (global and
/// sovereign hosts), Exchange Online, the tenant's own SharePoint host. nullopt when unknown.
std::optional<ResourceTarget> resolveResource(const Tenant& tenant, std::string_view identifier);

/// A scope string split into resource-qualified permissions and OpenID Connect scopes.
struct ParsedScope {
    std::vector<std::pair<std::string, std::string>> permissions; ///< (resource identifier, permission)
    std::vector<std::string> oidc;                                ///< openid, profile, email, offline_access
};
/// "https://graph.microsoft.com/User.Read User.Read openid" -> permissions + oidc. A bare name means
/// Microsoft Graph ("https://graph.microsoft.com").
ParsedScope parseScope(std::string_view scope);

/// Distinct resource identifiers in `scope` order.
std::vector<std::string> distinctResources(const ParsedScope& scope);

/// The issuer of tokens and discovery for a tenant: "<baseUrl>/<tenantId>/v2.0".
std::string issuerFor(const Request& request, const std::string& tenantId);

/// AADSTS90002 "Tenant '<x>' not found ..." as Entra answers for an unknown tenant.
Response unknownTenant(const Request& request, const std::string& segment,
                       std::string_view error = "invalid_request");
/// AADSTS900144 "The request body must contain the following parameter: '<name>'."
Response missingParameter(const Request& request, std::string_view name);

} // namespace emu
