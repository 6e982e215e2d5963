#include "tenant_directory.h"

#include "json_util.h"

#include <wp/plugin.hpp>

#include <Poco/String.h>

#include <algorithm>

namespace m365 {

OrganizationInfo fetchOrganization(GraphClient& graph) {
    auto result = graph.get(withQuery("/organization", {{"$select", "id,displayName,verifiedDomains"}}));
    auto value = json::optArray(result.body, "value");
    if (!value || value->size() == 0)
        throw wp::Error(WP_E_UNAVAILABLE, "graph.organization_missing",
                        "Graph did not return the tenant's organization.");
    auto organization = value->getObject(0);
    OrganizationInfo info;
    info.tenantId = json::str(organization, "id");
    info.displayName = json::optStr(organization, "displayName");
    if (auto domains = json::optArray(organization, "verifiedDomains")) {
        for (unsigned i = 0; i < domains->size(); ++i) {
            auto domain = domains->getObject(i);
            if (domain && domain->optValue("isInitial", false))
                info.initialDomain = Poco::toLower(json::optStr(domain, "name"));
        }
    }
    return info;
}

std::string sharepointHostFromInitialDomain(const std::string& initialDomain,
                                            const std::string& initialDomainSuffix,
                                            const std::string& sharepointDomain) {
    if (initialDomain.size() <= initialDomainSuffix.size() ||
        initialDomain.compare(initialDomain.size() - initialDomainSuffix.size(), std::string::npos,
                              initialDomainSuffix) != 0)
        return {};
    auto name = initialDomain.substr(0, initialDomain.size() - initialDomainSuffix.size());
    if (name.find('.') != std::string::npos)
        return {};
    return name + "." + sharepointDomain;
}

std::vector<ResolvedPermission> resolvePermissions(GraphClient& graph, const PermissionManifest& manifest,
                                                   const std::vector<Permission>& permissions,
                                                   Progress& progress) {
    struct ResourcePrincipal {
        std::string id;
        std::map<std::string, std::string> roles; ///< value -> id (application roles only)
    };
    std::map<std::string, ResourcePrincipal> principals;
    for (const auto& permission : permissions) {
        if (principals.count(permission.resource))
            continue;
        const auto& resource = manifest.resource(permission.resource);
        auto result =
            graph.get(withQuery("/servicePrincipals", {{"$filter", "appId eq " + odataQuote(resource.appId)},
                                                       {"$select", "id,appId,displayName,appRoles"}}));
        auto value = json::optArray(result.body, "value");
        if (!value || value->size() == 0)
            throw wp::Error(WP_E_NOT_FOUND, "m365.resource_missing",
                            resource.displayName + " (" + resource.appId +
                                ") has no service principal in this tenant.",
                            "Make sure the tenant is licensed for the workload, or deselect it.");
        auto sp = value->getObject(0);
        ResourcePrincipal principal;
        principal.id = json::str(sp, "id");
        if (auto roles = json::optArray(sp, "appRoles")) {
            for (unsigned i = 0; i < roles->size(); ++i) {
                auto role = roles->getObject(i);
                auto members = json::strings(json::optArray(role, "allowedMemberTypes"));
                bool forApps = members.empty() ||
                               std::find(members.begin(), members.end(), "Application") != members.end();
                if (forApps && role->optValue("isEnabled", true))
                    principal.roles[json::optStr(role, "value")] = json::optStr(role, "id");
            }
        }
        principals[permission.resource] = std::move(principal);
    }
    std::vector<ResolvedPermission> resolved;
    for (const auto& permission : permissions) {
        const auto& principal = principals.at(permission.resource);
        const auto& resource = manifest.resource(permission.resource);
        auto role = principal.roles.find(permission.name);
        if (role == principal.roles.end() || role->second.empty())
            throw wp::Error(WP_E_NOT_FOUND, "m365.app_role_unknown",
                            resource.displayName + " in this tenant has no application permission '" +
                                permission.name + "'.",
                            "The permission manifest and the tenant disagree; report this.");
        if (!permission.expectedId.empty() && Poco::icompare(permission.expectedId, role->second) != 0)
            progress.warn("app role " + permission.name + " on " + resource.displayName + " has id " +
                          role->second + " in this tenant, the manifest documents " + permission.expectedId +
                          "; using the tenant's");
        resolved.push_back({permission, resource.appId, principal.id, role->second});
    }
    return resolved;
}

} // namespace m365
