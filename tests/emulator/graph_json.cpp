#include "graph_json.h"

#include "clock.h"
#include "crypto.h"

namespace emu::graph {

namespace {

nlohmann::json stringOrNull(const std::string& text) {
    return text.empty() ? nlohmann::json() : nlohmann::json(text);
}

} // namespace

nlohmann::json toJson(const KeyCredential& credential, bool includeKey) {
    return {
        {"customKeyIdentifier", credential.customKeyIdentifier.empty()
                                    ? nlohmann::json()
                                    : nlohmann::json(base64Encode(credential.customKeyIdentifier))},
        {"displayName", stringOrNull(credential.displayName)},
        {"endDateTime", formatIso8601(credential.endDateTime)},
        {"key", includeKey ? nlohmann::json(base64Encode(credential.key)) : nlohmann::json()},
        {"keyId", credential.keyId},
        {"startDateTime", formatIso8601(credential.startDateTime)},
        {"type", credential.type},
        {"usage", credential.usage},
    };
}

nlohmann::json toJson(const RequiredResourceAccess& access) {
    nlohmann::json entries = nlohmann::json::array();
    for (const auto& entry : access.resourceAccess)
        entries.push_back({{"id", entry.id}, {"type", entry.type}});
    return {{"resourceAppId", access.resourceAppId}, {"resourceAccess", std::move(entries)}};
}

nlohmann::json toJson(const Application& application, bool includeKeys) {
    nlohmann::json keys = nlohmann::json::array();
    for (const auto& credential : application.keyCredentials)
        keys.push_back(toJson(credential, includeKeys));
    nlohmann::json required = nlohmann::json::array();
    for (const auto& access : application.requiredResourceAccess)
        required.push_back(toJson(access));

    // Graph's defaults for the properties the emulator does not model; a client's own values (kept in
    // otherProperties) override them below.
    nlohmann::json json = {
        {"id", application.id},
        {"deletedDateTime", nullptr},
        {"appId", application.appId},
        {"applicationTemplateId", nullptr},
        {"createdDateTime", formatIso8601(application.createdAt)},
        {"description", nullptr},
        {"displayName", application.displayName},
        {"groupMembershipClaims", nullptr},
        {"identifierUris", nlohmann::json::array()},
        {"isDeviceOnlyAuthSupported", nullptr},
        {"isFallbackPublicClient",
         application.isFallbackPublicClient ? nlohmann::json(true) : nlohmann::json()},
        {"notes", nullptr},
        {"serviceManagementReference", nullptr},
        {"signInAudience", application.signInAudience},
        {"tags", nlohmann::json::array()},
        {"tokenEncryptionKeyId", nullptr},
        {"appRoles", nlohmann::json::array()},
        {"keyCredentials", std::move(keys)},
        {"passwordCredentials", nlohmann::json::array()},
        {"publicClient", {{"redirectUris", nlohmann::json::array()}}},
        {"requiredResourceAccess", std::move(required)},
    };
    if (application.otherProperties.is_object()) {
        for (const auto& [name, value] : application.otherProperties.items())
            json[name] = value;
    }
    return json;
}

nlohmann::json toJson(const ServicePrincipal& servicePrincipal, const std::string& ownerTenantId) {
    nlohmann::json appRoles = nlohmann::json::array();
    for (const auto& role : servicePrincipal.appRoles) {
        appRoles.push_back({
            {"allowedMemberTypes", role.allowedMemberTypes},
            {"description", role.displayName},
            {"displayName", role.displayName},
            {"id", role.id},
            {"isEnabled", role.isEnabled},
            {"origin", "Application"},
            {"value", role.value},
        });
    }
    return {
        {"id", servicePrincipal.id},
        {"deletedDateTime", nullptr},
        {"accountEnabled", true},
        {"appDisplayName", servicePrincipal.displayName},
        {"appDescription", nullptr},
        {"appId", servicePrincipal.appId},
        {"appOwnerOrganizationId", ownerTenantId},
        {"appRoleAssignmentRequired", false},
        {"createdDateTime", formatIso8601(servicePrincipal.createdAt)},
        {"displayName", servicePrincipal.displayName},
        {"servicePrincipalNames", nlohmann::json::array({servicePrincipal.appId})},
        {"servicePrincipalType", servicePrincipal.servicePrincipalType},
        {"tags", nlohmann::json::array()},
        {"appRoles", std::move(appRoles)},
        {"keyCredentials", nlohmann::json::array()},
        {"oauth2PermissionScopes", nlohmann::json::array()},
        {"passwordCredentials", nlohmann::json::array()},
    };
}

nlohmann::json toJson(const AppRoleAssignment& assignment, const ServicePrincipal* principal,
                      const ServicePrincipal* resource) {
    return {
        {"id", assignment.id},
        {"deletedDateTime", nullptr},
        {"appRoleId", assignment.appRoleId},
        {"createdDateTime", formatIso8601(assignment.createdAt)},
        {"principalDisplayName", principal ? nlohmann::json(principal->displayName) : nlohmann::json()},
        {"principalId", assignment.principalId},
        {"principalType", "ServicePrincipal"},
        {"resourceDisplayName", resource ? nlohmann::json(resource->displayName) : nlohmann::json()},
        {"resourceId", assignment.resourceId},
    };
}

nlohmann::json toJson(const Tenant& tenant) {
    nlohmann::json domains = nlohmann::json::array();
    for (std::size_t i = 0; i < tenant.domains.size(); ++i) {
        // The initial <name>.onmicrosoft.com domain is the default until a custom domain is made default;
        // the emulator keeps it default.
        domains.push_back({
            {"capabilities", i == 0 ? "Email, OfficeCommunicationsOnline" : "Email"},
            {"isDefault", i == 0},
            {"isInitial", i == 0},
            {"name", tenant.domains[i]},
            {"type", "Managed"},
        });
    }
    return {
        {"id", tenant.id},
        {"deletedDateTime", nullptr},
        {"displayName", tenant.displayName},
        {"tenantType", "AAD"},
        {"countryLetterCode", "US"},
        {"preferredLanguage", "en"},
        {"verifiedDomains", std::move(domains)},
    };
}

} // namespace emu::graph
