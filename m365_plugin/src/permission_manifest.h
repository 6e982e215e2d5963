// The permission manifest (data/permissions.json): which app roles each workload needs, on which resource,
// and why; which directory roles may create the application and grant the roles.
#pragma once

#include <map>
#include <set>
#include <string>
#include <vector>

namespace m365 {

struct Resource {
    std::string key;                        ///< "graph", "exchange" or "sharepoint"
    std::string displayName;                ///< "Microsoft Graph"
    std::string appId;                      ///< resource application id, identical in every tenant
    std::vector<std::string> grantingRoles; ///< directory roles allowed to grant its app roles
};

struct Permission {
    std::string name;                   ///< app role value, e.g. "Mail.Read"
    std::string resource;               ///< Resource::key
    std::string expectedId;             ///< documented app role id (cross-check; the tenant's appRoles win)
    std::string why;                    ///< why the workload needs it
    std::string supersedes;             ///< restore permissions: the read permission they replace, or ""
    std::vector<std::string> workloads; ///< which selected workloads asked for it

    /// "graph:Mail.Read": unique per resource.
    std::string id() const { return resource + ":" + name; }
};

class PermissionManifest {
public:
    /// The manifest compiled into the plugin.
    static const PermissionManifest& builtIn();
    /// Parses manifest text (tests use their own).
    static PermissionManifest parse(const std::string& jsonText);

    std::vector<std::string> workloads() const;
    bool hasWorkload(const std::string& name) const;
    const Resource& resource(const std::string& key) const;
    const std::map<std::string, Resource>& resources() const { return _resources; }

    /// The permissions the workloads need, deduplicated per (resource, name), in manifest order; with
    /// includeRestore the restore permissions are added and the read permissions they supersede dropped.
    std::vector<Permission> required(const std::vector<std::string>& workloads, bool includeRestore) const;

    /// Template id of a directory role by display name ("" if unknown).
    std::string directoryRoleId(const std::string& roleName) const;
    /// Roles allowed to create applications.
    const std::vector<std::string>& creatingRoles() const { return _creatingRoles; }
    /// Delegated Graph scopes (names) the admin sign-in asks for.
    const std::vector<std::string>& adminScopes() const { return _adminScopes; }
    /// Short summary of a workload.
    std::string summary(const std::string& workload) const;

    /// The first requirement the admin's directory role ids (wids) do not meet, as a readable sentence
    /// naming the missing role; "" when they suffice for creating the app and granting every permission.
    std::string missingAdminRole(const std::set<std::string>& wids,
                                 const std::vector<Permission>& permissions) const;

private:
    struct Workload {
        std::string summary;
        std::vector<Permission> backup;
        std::vector<Permission> restore;
    };
    std::vector<std::string> _workloadOrder;
    std::map<std::string, Workload> _workloads;
    std::map<std::string, Resource> _resources;
    std::map<std::string, std::string> _directoryRoles;
    std::vector<std::string> _creatingRoles;
    std::vector<std::string> _adminScopes;
};

} // namespace m365
