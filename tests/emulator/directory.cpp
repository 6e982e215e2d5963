#include "directory.h"

#include "cloud_profile.h"

#include <algorithm>
#include <cctype>

namespace emu {

namespace {
bool equalsIgnoreCase(std::string_view a, std::string_view b) {
    return a.size() == b.size() && std::equal(a.begin(), a.end(), b.begin(), [](char x, char y) {
               return std::tolower(static_cast<unsigned char>(x)) ==
                      std::tolower(static_cast<unsigned char>(y));
           });
}

std::string normalizeUserCode(std::string_view code) {
    std::string out;
    for (char c : code)
        if (c != '-' && c != ' ')
            out += static_cast<char>(std::toupper(static_cast<unsigned char>(c)));
    return out;
}
} // namespace

namespace roles {
std::optional<std::string> templateIdForName(std::string_view displayName) {
    static const std::pair<std::string_view, std::string_view> known[] = {
        {"Global Administrator", kGlobalAdministrator},
        {"Privileged Role Administrator", kPrivilegedRoleAdministrator},
        {"Cloud Application Administrator", kCloudApplicationAdministrator},
        {"Application Administrator", kApplicationAdministrator},
        {"Global Reader", kGlobalReader},
        {"Exchange Administrator", "29232cdf-9323-42fd-ade2-1d097af3e4de"},
        {"User Administrator", "fe930be7-5e62-47db-91af-98c3a49a38b1"},
    };
    for (const auto& [name, id] : known)
        if (equalsIgnoreCase(name, displayName))
            return std::string(id);
    return std::nullopt;
}
} // namespace roles

std::string Tenant::sharePointHost() const {
    const std::string& domain = initialDomain();
    auto dot = domain.find('.');
    return domain.substr(0, dot) + "." + activeCloud().sharePointDomain;
}

const AppRole* ServicePrincipal::findAppRole(std::string_view appRoleId) const {
    for (const auto& role : appRoles)
        if (equalsIgnoreCase(role.id, appRoleId))
            return &role;
    return nullptr;
}

const char* toString(DeviceCodeStatus status) {
    switch (status) {
    case DeviceCodeStatus::Pending:
        return "pending";
    case DeviceCodeStatus::Approved:
        return "approved";
    case DeviceCodeStatus::Denied:
        return "denied";
    }
    return "pending";
}

const Tenant* DirectoryState::findTenant(std::string_view idOrDomain) const {
    for (const auto& tenant : tenants) {
        if (equalsIgnoreCase(tenant.id, idOrDomain))
            return &tenant;
        for (const auto& domain : tenant.domains)
            if (equalsIgnoreCase(domain, idOrDomain))
                return &tenant;
    }
    return nullptr;
}

const Tenant* DirectoryState::defaultTenant() const {
    return tenants.empty() ? nullptr : &tenants.front();
}

const User* DirectoryState::findUserByUpn(std::string_view upn) const {
    for (const auto& user : users)
        if (equalsIgnoreCase(user.userPrincipalName, upn))
            return &user;
    return nullptr;
}

const User* DirectoryState::findUser(std::string_view id) const {
    for (const auto& user : users)
        if (equalsIgnoreCase(user.id, id))
            return &user;
    return nullptr;
}

const PublicClient* DirectoryState::findPublicClient(std::string_view appId) const {
    for (const auto& client : publicClients)
        if (equalsIgnoreCase(client.appId, appId))
            return &client;
    return nullptr;
}

Application* DirectoryState::findApplication(std::string_view objectId) {
    for (auto& [id, app] : applications)
        if (equalsIgnoreCase(id, objectId))
            return &app;
    return nullptr;
}

Application* DirectoryState::findApplicationByAppId(std::string_view tenantId, std::string_view appId) {
    for (auto& [id, app] : applications)
        if (equalsIgnoreCase(app.appId, appId) && equalsIgnoreCase(app.tenantId, tenantId))
            return &app;
    return nullptr;
}

ServicePrincipal* DirectoryState::findServicePrincipal(std::string_view objectId) {
    for (auto& [id, sp] : servicePrincipals)
        if (equalsIgnoreCase(id, objectId))
            return &sp;
    return nullptr;
}

ServicePrincipal* DirectoryState::findServicePrincipalByAppId(std::string_view tenantId,
                                                              std::string_view appId) {
    for (auto& [id, sp] : servicePrincipals)
        if (equalsIgnoreCase(sp.appId, appId) && equalsIgnoreCase(sp.tenantId, tenantId))
            return &sp;
    return nullptr;
}

DeviceCodeGrant* DirectoryState::findDeviceCodeByUserCode(std::string_view userCode) {
    const std::string wanted = normalizeUserCode(userCode);
    for (auto& [code, grant] : deviceCodes)
        if (normalizeUserCode(grant.userCode) == wanted)
            return &grant;
    return nullptr;
}

bool DirectoryState::deleteServicePrincipal(std::string_view objectId) {
    auto it = servicePrincipals.find(objectId);
    if (it == servicePrincipals.end())
        return false;
    const std::string id = it->first;
    std::erase_if(appRoleAssignments, [&](const auto& entry) {
        return entry.second.principalId == id || entry.second.resourceId == id;
    });
    std::erase_if(directoryRoleAssignments,
                  [&](const auto& entry) { return entry.second.principalId == id; });
    servicePrincipals.erase(it);
    return true;
}

bool DirectoryState::deleteApplication(std::string_view objectId) {
    Application* app = findApplication(objectId);
    if (!app)
        return false;
    const std::string appId = app->appId;
    const std::string tenantId = app->tenantId;
    const std::string id = app->id;
    std::vector<std::string> principals;
    for (const auto& [spId, sp] : servicePrincipals)
        if (sp.appId == appId && sp.tenantId == tenantId)
            principals.push_back(spId);
    for (const auto& spId : principals)
        deleteServicePrincipal(spId);
    applications.erase(id);
    return true;
}

std::vector<const AppRoleAssignment*> DirectoryState::assignmentsOf(std::string_view principalId,
                                                                    std::string_view resourceId) const {
    std::vector<const AppRoleAssignment*> out;
    for (const auto& [id, assignment] : appRoleAssignments)
        if (assignment.principalId == principalId && assignment.resourceId == resourceId)
            out.push_back(&assignment);
    return out;
}

} // namespace emu
