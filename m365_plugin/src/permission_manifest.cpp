#include "permission_manifest.h"

#include "embedded_data.h"
#include "json_util.h"

#include <wp/plugin.hpp>

#include <algorithm>

namespace m365 {

namespace {

std::vector<Permission> parsePermissions(const Poco::JSON::Array::Ptr& array) {
    std::vector<Permission> permissions;
    if (!array)
        return permissions;
    for (unsigned i = 0; i < array->size(); ++i) {
        auto entry = array->getObject(i);
        Permission permission;
        permission.name = json::str(entry, "name");
        permission.resource = json::str(entry, "resource");
        permission.expectedId = json::optStr(entry, "id");
        permission.why = json::str(entry, "why");
        permission.supersedes = json::optStr(entry, "supersedes");
        permissions.push_back(std::move(permission));
    }
    return permissions;
}

std::string joinOr(const std::vector<std::string>& names) {
    std::string text;
    for (std::size_t i = 0; i < names.size(); ++i) {
        if (i > 0)
            text += i + 1 == names.size() ? " or " : ", ";
        text += names[i];
    }
    return text;
}

} // namespace

const PermissionManifest& PermissionManifest::builtIn() {
    static const PermissionManifest manifest = parse(std::string(data::permissionsJson()));
    return manifest;
}

PermissionManifest PermissionManifest::parse(const std::string& jsonText) {
    auto root = json::parseObject(jsonText, "permissions.json");
    PermissionManifest manifest;
    auto resources = json::object(root, "resources");
    std::vector<std::string> names;
    resources->getNames(names);
    for (const auto& key : names) {
        auto entry = json::object(resources, key);
        manifest._resources[key] = Resource{key, json::str(entry, "display_name"), json::str(entry, "app_id"),
                                            json::strings(json::optArray(entry, "granting_roles"))};
    }
    auto roles = json::object(root, "directory_roles");
    names.clear();
    roles->getNames(names);
    for (const auto& name : names) {
        if (name != "comment")
            manifest._directoryRoles[name] = json::str(roles, name);
    }
    manifest._creatingRoles = json::strings(json::array(root, "creating_roles"));
    manifest._adminScopes = json::strings(json::array(root, "admin_scopes"));
    auto workloads = json::object(root, "workloads");
    names.clear();
    workloads->getNames(names);
    for (const auto& name : names) {
        auto entry = json::object(workloads, name);
        Workload workload{json::optStr(entry, "summary"), parsePermissions(json::optArray(entry, "backup")),
                          parsePermissions(json::optArray(entry, "restore"))};
        for (const auto* list : {&workload.backup, &workload.restore}) {
            for (const auto& permission : *list) {
                if (!manifest._resources.count(permission.resource))
                    throw wp::Error(WP_E_INTERNAL, "m365.manifest_invalid",
                                    "Permission " + permission.name + " names unknown resource " +
                                        permission.resource + ".");
            }
        }
        manifest._workloads[name] = std::move(workload);
    }
    // Stable, documented order: exchange, onedrive, sharepoint, teams (Poco sorts names alphabetically).
    manifest._workloadOrder = names;
    return manifest;
}

std::vector<std::string> PermissionManifest::workloads() const {
    return _workloadOrder;
}

bool PermissionManifest::hasWorkload(const std::string& name) const {
    return _workloads.count(name) != 0;
}

const Resource& PermissionManifest::resource(const std::string& key) const {
    auto found = _resources.find(key);
    if (found == _resources.end())
        throw wp::Error(WP_E_INTERNAL, "m365.resource_unknown", "Unknown resource '" + key + "'.");
    return found->second;
}

std::string PermissionManifest::summary(const std::string& workload) const {
    auto found = _workloads.find(workload);
    return found == _workloads.end() ? std::string() : found->second.summary;
}

std::vector<Permission> PermissionManifest::required(const std::vector<std::string>& workloads,
                                                     bool includeRestore) const {
    std::vector<Permission> result;
    auto add = [&result](const Permission& permission, const std::string& workload) {
        auto same = std::find_if(result.begin(), result.end(),
                                 [&](const Permission& p) { return p.id() == permission.id(); });
        if (same == result.end()) {
            result.push_back(permission);
            result.back().workloads = {workload};
        } else if (std::find(same->workloads.begin(), same->workloads.end(), workload) ==
                   same->workloads.end()) {
            same->workloads.push_back(workload);
        }
    };
    for (const auto& name : _workloadOrder) {
        if (std::find(workloads.begin(), workloads.end(), name) == workloads.end())
            continue;
        const auto& workload = _workloads.at(name);
        for (const auto& permission : workload.backup)
            add(permission, name);
        if (includeRestore) {
            for (const auto& permission : workload.restore)
                add(permission, name);
        }
    }
    if (includeRestore) {
        // Least privilege: a read role is dropped when the same resource's write role covers it.
        std::set<std::string> superseded;
        for (const auto& permission : result) {
            if (!permission.supersedes.empty())
                superseded.insert(permission.resource + ":" + permission.supersedes);
        }
        result.erase(std::remove_if(result.begin(), result.end(),
                                    [&](const Permission& p) { return superseded.count(p.id()) != 0; }),
                     result.end());
    }
    return result;
}

std::string PermissionManifest::directoryRoleId(const std::string& roleName) const {
    auto found = _directoryRoles.find(roleName);
    return found == _directoryRoles.end() ? std::string() : found->second;
}

std::string PermissionManifest::missingAdminRole(const std::set<std::string>& wids,
                                                 const std::vector<Permission>& permissions) const {
    auto holdsAny = [&](const std::vector<std::string>& roles) {
        return std::any_of(roles.begin(), roles.end(),
                           [&](const std::string& role) { return wids.count(directoryRoleId(role)) != 0; });
    };
    if (!holdsAny(_creatingRoles))
        return "Creating the application needs the directory role " + joinOr(_creatingRoles) + ".";
    std::set<std::string> checked;
    for (const auto& permission : permissions) {
        if (!checked.insert(permission.resource).second)
            continue;
        const auto& resource = this->resource(permission.resource);
        if (!holdsAny(resource.grantingRoles))
            return "Granting " + resource.displayName + " application permissions (" + permission.name +
                   ") needs the directory role " + joinOr(resource.grantingRoles) + ".";
    }
    return {};
}

} // namespace m365
