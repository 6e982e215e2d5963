#include "seed.h"

#include "cloud_profile.h"

#include <stdexcept>

namespace emu {

namespace {
constexpr std::string_view kGraphCommandLineTools = "14d82eec-204b-4c2f-b7e8-296a70dab67e";

std::string requiredString(const nlohmann::json& object, const char* name, const std::string& where) {
    auto it = object.find(name);
    if (it == object.end() || !it->is_string() || it->get<std::string>().empty())
        throw std::invalid_argument(where + "." + name + " must be a non-empty string");
    return it->get<std::string>();
}

std::string optionalString(const nlohmann::json& object, const char* name, const std::string& where) {
    auto it = object.find(name);
    if (it == object.end())
        return {};
    if (!it->is_string())
        throw std::invalid_argument(where + "." + name + " must be a string");
    return it->get<std::string>();
}

std::string roleId(const std::string& role, const std::string& where) {
    if (isGuid(role))
        return role;
    if (auto id = roles::templateIdForName(role))
        return *id;
    throw std::invalid_argument(where + ": unknown directory role '" + role + "' (use a role template id)");
}
} // namespace

nlohmann::json defaultSeed() {
    // contoso.onmicrosoft.com, or the active cloud's suffix (contoso.onmicrosoft.us, ...).
    const std::string domain = "contoso" + activeCloud().initialDomainSuffix;
    return {
        {"tenants",
         {{{"id", "8f3b6c2a-5d1e-4a7b-9c0d-2e4f6a8b1c3d"},
           {"displayName", "Contoso"},
           {"domains", {domain}},
           {"users",
            {{{"userPrincipalName", "admin@" + domain},
              {"displayName", "Adele Admin"},
              {"roles", {"Global Administrator"}}},
             {{"userPrincipalName", "pra@" + domain},
              {"displayName", "Pradeep Privileged"},
              {"roles", {"Privileged Role Administrator"}}},
             {{"userPrincipalName", "appadmin@" + domain},
              {"displayName", "Alex Apps"},
              {"roles", {"Cloud Application Administrator"}}},
             {{"userPrincipalName", "user@" + domain},
              {"displayName", "Uma User"},
              {"roles", nlohmann::json::array()}}}}}}},
        {"publicClients",
         {{{"appId", kGraphCommandLineTools},
           {"displayName", "Microsoft Graph Command Line Tools"},
           {"defaultScopes",
            {"Application.ReadWrite.All", "AppRoleAssignment.ReadWrite.All", "Directory.Read.All",
             "RoleManagement.ReadWrite.Directory", "User.Read"}}}}},
    };
}

void applySeed(DirectoryState& state, const nlohmann::json& seed, TimePoint now) {
    if (!seed.is_object() || !seed.contains("tenants") || !seed["tenants"].is_array() ||
        seed["tenants"].empty())
        throw std::invalid_argument("seed.tenants must be a non-empty array");
    std::size_t index = 0;
    for (const auto& entry : seed["tenants"]) {
        const std::string where = "seed.tenants[" + std::to_string(index++) + "]";
        Tenant tenant;
        tenant.id = optionalString(entry, "id", where);
        if (tenant.id.empty())
            tenant.id = newGuid();
        else if (!isGuid(tenant.id))
            throw std::invalid_argument(where + ".id must be a GUID");
        tenant.displayName = requiredString(entry, "displayName", where);
        if (!entry.contains("domains") || !entry["domains"].is_array() || entry["domains"].empty())
            throw std::invalid_argument(where +
                                        ".domains must list the initial <name>.onmicrosoft.com domain first");
        for (const auto& domain : entry["domains"])
            tenant.domains.push_back(domain.get<std::string>());
        const std::string& suffix = activeCloud().initialDomainSuffix;
        if (!tenant.initialDomain().ends_with(suffix))
            throw std::invalid_argument(where + ".domains[0] must be the initial <name>" + suffix +
                                        " domain");
        if (state.findTenant(tenant.id) || state.findTenant(tenant.initialDomain()))
            throw std::invalid_argument(where + " repeats a tenant id or domain");
        std::size_t userIndex = 0;
        for (const auto& userEntry : entry.value("users", nlohmann::json::array())) {
            const std::string userWhere = where + ".users[" + std::to_string(userIndex++) + "]";
            User user;
            user.id = optionalString(userEntry, "id", userWhere);
            if (user.id.empty())
                user.id = newGuid();
            user.tenantId = tenant.id;
            user.userPrincipalName = requiredString(userEntry, "userPrincipalName", userWhere);
            user.displayName = optionalString(userEntry, "displayName", userWhere);
            if (user.displayName.empty())
                user.displayName = user.userPrincipalName.substr(0, user.userPrincipalName.find('@'));
            for (const auto& role : userEntry.value("roles", nlohmann::json::array()))
                user.roleTemplateIds.push_back(roleId(role.get<std::string>(), userWhere));
            if (state.findUserByUpn(user.userPrincipalName))
                throw std::invalid_argument(userWhere + " repeats " + user.userPrincipalName);
            state.users.push_back(std::move(user));
        }
        state.tenants.push_back(tenant);
        addResourceServicePrincipals(state, state.tenants.back(), now);
    }
    const nlohmann::json clients = seed.value("publicClients", defaultSeed()["publicClients"]);
    for (const auto& entry : clients) {
        PublicClient client;
        client.appId = requiredString(entry, "appId", "seed.publicClients[]");
        client.displayName = optionalString(entry, "displayName", "seed.publicClients[]");
        for (const auto& scope : entry.value("defaultScopes", nlohmann::json::array()))
            client.defaultScopes.push_back(scope.get<std::string>());
        state.publicClients.push_back(std::move(client));
    }
}

} // namespace emu
