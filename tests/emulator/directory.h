// The in-memory directory: tenants, users, public clients, applications, service principals, app role
// assignments, directory role assignments and pending device codes. One mutex guards it all:
// `auto d = directory.lock(); d->findApplication(id) ...` (the lock lives as long as `d`).
//
// Replication: each created object (and each new key credential or role assignment) gets
// `visibleAt = clock.now() + replicationDelay` (see Directory::newVisibleAt). Graph's own reads see
// objects at once (read-your-writes on the same endpoint is what the plugin relies on), while the
// token endpoint and role grants referencing a principal only see objects with visibleAt <= now
// (isVisible), like Entra's eventually consistent replicas.
#pragma once

#include "clock.h"
#include "crypto.h"

#include <nlohmann/json.hpp>

#include <atomic>
#include <chrono>
#include <map>
#include <mutex>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace emu {

/// Directory role template ids (facts 3.5).
namespace roles {
inline constexpr std::string_view kGlobalAdministrator = "62e90394-69f5-4237-9190-012177145e10";
inline constexpr std::string_view kPrivilegedRoleAdministrator = "e8611ab8-c189-46e8-94e1-60213ab1f814";
inline constexpr std::string_view kCloudApplicationAdministrator = "158c047a-c907-4556-b7ef-446551a6b5f7";
inline constexpr std::string_view kApplicationAdministrator = "9b895d92-2cd3-44c7-9d02-a6ac2d5ea5c3";
inline constexpr std::string_view kGlobalReader = "f2ef992c-3afb-46b9-b7cf-a126ee74c451";
/// Role template id for a display name ("Global Administrator"), nullopt if unknown.
std::optional<std::string> templateIdForName(std::string_view displayName);
} // namespace roles

struct Tenant {
    std::string id;                   ///< GUID
    std::string displayName;          ///< "Contoso"
    std::vector<std::string> domains; ///< domains[0] is the initial "<name>.onmicrosoft.com"
    const std::string& initialDomain() const { return domains.front(); }
    /// "<name>.sharepoint.com" derived from the initial domain (facts 3.8).
    std::string sharePointHost() const;
};

struct User {
    std::string id;
    std::string tenantId;
    std::string userPrincipalName; ///< "admin@contoso.onmicrosoft.com"
    std::string displayName;
    std::vector<std::string> roleTemplateIds; ///< active directory roles (token claim "wids")
};

/// A public client allowed to use the device code flow (e.g. Microsoft Graph Command Line Tools).
struct PublicClient {
    std::string appId;
    std::string displayName;
    /// Delegated Graph permissions a "<resource>/.default" request yields (what admins consented to).
    std::vector<std::string> defaultScopes;
};

struct KeyCredential {
    std::string keyId; ///< GUID
    std::string type = "AsymmetricX509Cert";
    std::string usage = "Verify";
    Bytes key;                 ///< certificate DER (Graph "key" is base64 of this)
    Bytes customKeyIdentifier; ///< defaults to the SHA-1 thumbprint (20 bytes)
    std::string displayName;   ///< e.g. "CN=contoso-backup"
    TimePoint startDateTime;
    TimePoint endDateTime;
    TimePoint visibleAt; ///< replication: usable at the token endpoint from then on
};

struct ResourceAccess {
    std::string id;   ///< app role id (type "Role") or delegated scope id (type "Scope")
    std::string type; ///< "Role" | "Scope"
};

struct RequiredResourceAccess {
    std::string resourceAppId;
    std::vector<ResourceAccess> resourceAccess;
};

struct Application {
    std::string id;    ///< object id
    std::string appId; ///< client id
    std::string tenantId;
    std::string displayName;
    std::string signInAudience = "AzureADMyOrg";
    bool isFallbackPublicClient = false;
    std::vector<RequiredResourceAccess> requiredResourceAccess;
    std::vector<KeyCredential> keyCredentials;
    nlohmann::json otherProperties = nlohmann::json::object(); ///< properties the emulator only echoes
    TimePoint createdAt;
    TimePoint visibleAt;
};

struct AppRole {
    std::string id;
    std::string value; ///< "User.Read.All"
    std::string displayName;
    std::vector<std::string> allowedMemberTypes{"Application"};
    bool isEnabled = true;
};

struct ServicePrincipal {
    std::string id; ///< object id (principalId / resourceId of assignments)
    std::string appId;
    std::string tenantId;
    std::string displayName;
    std::string servicePrincipalType = "Application";
    std::vector<AppRole> appRoles;
    TimePoint createdAt;
    TimePoint visibleAt;
    const AppRole* findAppRole(std::string_view appRoleId) const;
};

struct AppRoleAssignment {
    std::string id;
    std::string tenantId;
    std::string principalId; ///< the client's service principal
    std::string resourceId;  ///< the resource's service principal
    std::string appRoleId;
    TimePoint createdAt;
    TimePoint visibleAt;
};

/// A directory role given to a principal (POST /roleManagement/directory/roleAssignments).
struct DirectoryRoleAssignment {
    std::string id;
    std::string tenantId;
    std::string principalId;
    std::string roleDefinitionId; ///< role template id
    std::string directoryScopeId = "/";
    TimePoint createdAt;
    TimePoint visibleAt;
};

enum class DeviceCodeStatus { Pending, Approved, Denied };

/// One device authorization (RFC 8628). `deviceCode` is a secret: never log it.
struct DeviceCodeGrant {
    std::string deviceCode;
    std::string userCode; ///< shown to the person, e.g. "LSNKHUE76"
    std::string clientId;
    std::string tenantSegment; ///< the {tenant} path value used (polls must use the same)
    std::string tenantId;      ///< resolved tenant; empty for "organizations"/"common" until approval
    std::string scope;         ///< as requested (space separated)
    DeviceCodeStatus status = DeviceCodeStatus::Pending;
    std::string userId; ///< the approving user, once approved
    TimePoint createdAt;
    TimePoint expiresAt;
    std::chrono::seconds interval{5};
    std::optional<TimePoint> lastPollAt;
    bool redeemed = false;
};

const char* toString(DeviceCodeStatus status); ///< "pending" | "approved" | "denied"

/// The directory's data and queries. Reach it only through Directory::lock().
class DirectoryState {
public:
    std::vector<Tenant> tenants;
    std::vector<User> users;
    std::vector<PublicClient> publicClients;
    std::map<std::string, Application, std::less<>> applications;                         ///< by object id
    std::map<std::string, ServicePrincipal, std::less<>> servicePrincipals;               ///< by object id
    std::map<std::string, AppRoleAssignment, std::less<>> appRoleAssignments;             ///< by id
    std::map<std::string, DirectoryRoleAssignment, std::less<>> directoryRoleAssignments; ///< by id
    std::map<std::string, DeviceCodeGrant, std::less<>> deviceCodes;                      ///< by device code

    /// By GUID or any of its domains (case-insensitive); nullptr if unknown.
    const Tenant* findTenant(std::string_view idOrDomain) const;
    const Tenant* defaultTenant() const;                   ///< the first tenant
    const User* findUserByUpn(std::string_view upn) const; ///< case-insensitive
    const User* findUser(std::string_view id) const;
    const PublicClient* findPublicClient(std::string_view appId) const;

    Application* findApplication(std::string_view objectId);
    Application* findApplicationByAppId(std::string_view tenantId, std::string_view appId);
    ServicePrincipal* findServicePrincipal(std::string_view objectId);
    ServicePrincipal* findServicePrincipalByAppId(std::string_view tenantId, std::string_view appId);
    DeviceCodeGrant* findDeviceCodeByUserCode(std::string_view userCode); ///< case-insensitive, ignores '-'

    /// Deletes the application, its service principal(s) and their role assignments (both directions).
    bool deleteApplication(std::string_view objectId);
    /// Deletes the service principal and every role assignment it is principal or resource of.
    bool deleteServicePrincipal(std::string_view objectId);

    /// Assignments whose principal is `principalId` on resource `resourceId`.
    std::vector<const AppRoleAssignment*> assignmentsOf(std::string_view principalId,
                                                        std::string_view resourceId) const;
};

class Directory {
public:
    explicit Directory(const Clock& clock) : _clock(clock) {}

    /// Exclusive access to the directory for as long as the returned object lives.
    class Locked {
    public:
        Locked(std::mutex& mutex, DirectoryState& state) : _lock(mutex), _state(&state) {}
        DirectoryState* operator->() const { return _state; }
        DirectoryState& operator*() const { return *_state; }

    private:
        std::unique_lock<std::mutex> _lock;
        DirectoryState* _state;
    };
    Locked lock() { return Locked(_mutex, _state); }

    const Clock& clock() const { return _clock; }
    std::chrono::milliseconds replicationDelay() const {
        return std::chrono::milliseconds(_replicationDelayMs.load());
    }
    void setReplicationDelay(std::chrono::milliseconds delay) { _replicationDelayMs.store(delay.count()); }
    /// visibleAt for an object created now: clock.now() + replicationDelay.
    TimePoint newVisibleAt() const { return _clock.now() + replicationDelay(); }
    /// true once `visibleAt` has passed on the emulator clock.
    bool isVisible(TimePoint visibleAt) const { return _clock.now() >= visibleAt; }

private:
    const Clock& _clock;
    std::mutex _mutex;
    DirectoryState _state;
    std::atomic<std::chrono::milliseconds::rep> _replicationDelayMs{0};
};

/// Seeds a tenant's resource service principals (Microsoft Graph, Office 365 Exchange Online,
/// Office 365 SharePoint Online) with their real app role ids and values (facts section 4).
void addResourceServicePrincipals(DirectoryState& state, const Tenant& tenant, TimePoint now);

} // namespace emu
