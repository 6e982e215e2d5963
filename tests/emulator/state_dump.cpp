#include "state_dump.h"

namespace emu {

namespace {
nlohmann::json applicationJson(const Application& app, const Directory& directory) {
    nlohmann::json keys = nlohmann::json::array();
    for (const auto& key : app.keyCredentials)
        keys.push_back({{"keyId", key.keyId},
                        {"type", key.type},
                        {"usage", key.usage},
                        {"displayName", key.displayName},
                        {"thumbprint", hexUpper(sha1(key.key))},
                        {"startDateTime", formatIso8601(key.startDateTime)},
                        {"endDateTime", formatIso8601(key.endDateTime)},
                        {"visible", directory.isVisible(key.visibleAt)}});
    nlohmann::json access = nlohmann::json::array();
    for (const auto& required : app.requiredResourceAccess) {
        nlohmann::json entries = nlohmann::json::array();
        for (const auto& item : required.resourceAccess)
            entries.push_back({{"id", item.id}, {"type", item.type}});
        access.push_back({{"resourceAppId", required.resourceAppId}, {"resourceAccess", entries}});
    }
    return {{"id", app.id},
            {"appId", app.appId},
            {"tenantId", app.tenantId},
            {"displayName", app.displayName},
            {"signInAudience", app.signInAudience},
            {"isFallbackPublicClient", app.isFallbackPublicClient},
            {"requiredResourceAccess", access},
            {"keyCredentials", keys},
            {"createdDateTime", formatIso8601(app.createdAt)},
            {"visible", directory.isVisible(app.visibleAt)}};
}

nlohmann::json servicePrincipalJson(const ServicePrincipal& sp, const Directory& directory) {
    nlohmann::json roles = nlohmann::json::array();
    for (const auto& role : sp.appRoles)
        roles.push_back({{"id", role.id}, {"value", role.value}});
    return {{"id", sp.id},
            {"appId", sp.appId},
            {"tenantId", sp.tenantId},
            {"displayName", sp.displayName},
            {"appRoles", roles},
            {"visible", directory.isVisible(sp.visibleAt)}};
}
} // namespace

nlohmann::json dumpState(Directory& directory) {
    nlohmann::json all = {{"now", formatIso8601(directory.clock().now())},
                          {"clock_offset_seconds", directory.clock().offset().count()},
                          {"replication_delay_ms", directory.replicationDelay().count()},
                          {"tenants", nlohmann::json::array()},
                          {"applications", nlohmann::json::array()},
                          {"servicePrincipals", nlohmann::json::array()},
                          {"appRoleAssignments", nlohmann::json::array()},
                          {"directoryRoleAssignments", nlohmann::json::array()}};
    auto state = directory.lock();
    for (const auto& tenant : state->tenants) {
        nlohmann::json users = nlohmann::json::array();
        for (const auto& user : state->users)
            if (user.tenantId == tenant.id)
                users.push_back({{"id", user.id},
                                 {"userPrincipalName", user.userPrincipalName},
                                 {"displayName", user.displayName},
                                 {"roleTemplateIds", user.roleTemplateIds}});
        nlohmann::json entry = {{"id", tenant.id},
                                {"displayName", tenant.displayName},
                                {"domains", tenant.domains},
                                {"users", users},
                                {"applications", nlohmann::json::array()},
                                {"servicePrincipals", nlohmann::json::array()},
                                {"appRoleAssignments", nlohmann::json::array()},
                                {"directoryRoleAssignments", nlohmann::json::array()}};
        for (const auto& [id, app] : state->applications)
            if (app.tenantId == tenant.id)
                entry["applications"].push_back(applicationJson(app, directory));
        for (const auto& [id, sp] : state->servicePrincipals)
            if (sp.tenantId == tenant.id)
                entry["servicePrincipals"].push_back(servicePrincipalJson(sp, directory));
        for (const auto& [id, assignment] : state->appRoleAssignments) {
            if (assignment.tenantId != tenant.id)
                continue;
            const ServicePrincipal* resource = state->findServicePrincipal(assignment.resourceId);
            const AppRole* role = resource ? resource->findAppRole(assignment.appRoleId) : nullptr;
            entry["appRoleAssignments"].push_back({{"id", assignment.id},
                                                   {"principalId", assignment.principalId},
                                                   {"resourceId", assignment.resourceId},
                                                   {"resourceAppId", resource ? resource->appId : ""},
                                                   {"appRoleId", assignment.appRoleId},
                                                   {"appRoleValue", role ? role->value : ""},
                                                   {"createdDateTime", formatIso8601(assignment.createdAt)},
                                                   {"visible", directory.isVisible(assignment.visibleAt)}});
        }
        for (const auto& [id, assignment] : state->directoryRoleAssignments)
            if (assignment.tenantId == tenant.id)
                entry["directoryRoleAssignments"].push_back(
                    {{"id", assignment.id},
                     {"principalId", assignment.principalId},
                     {"roleDefinitionId", assignment.roleDefinitionId},
                     {"directoryScopeId", assignment.directoryScopeId},
                     {"visible", directory.isVisible(assignment.visibleAt)}});
        for (const char* list :
             {"applications", "servicePrincipals", "appRoleAssignments", "directoryRoleAssignments"})
            for (auto item : entry[list]) {
                item["tenantId"] = tenant.id;
                all[list].push_back(item);
            }
        all["tenants"].push_back(entry);
    }
    return all;
}

} // namespace emu
