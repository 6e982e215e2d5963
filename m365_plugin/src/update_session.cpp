#include "update_session.h"

#include "admin_access.h"
#include "admin_session.h"
#include "jwt.h"
#include "token_client.h"

#include <Poco/String.h>

#include <algorithm>

namespace m365 {

UpdateSession::UpdateSession(const ActionContext& context, const UpdateSettings& settings, Progress& progress)
    : _settings(settings), _progress(progress) {
    const auto& host = context.host;
    auto stored = host.config().get(keys::instance);
    if (!stored)
        throw wp::Error(WP_E_NOT_FOUND, "config.not_configured", "This instance is not configured.",
                        "Run configure --action setup first.");
    _revision = stored->revision;
    _record = InstanceRecord::fromJson(stored->value);
    const auto& target = settings.target;
    const auto& tenant = target.connection.tenant;
    if (Poco::icompare(tenant, _record.tenantDomain) != 0 && Poco::icompare(tenant, _record.tenantId) != 0)
        throw wp::Error(WP_E_INVALID_CONFIG, "update.tenant_mismatch",
                        "This instance is configured for tenant " + _record.tenantDomain + " (" +
                            _record.tenantId + "), not " + tenant + ".",
                        "Set tenant to the instance's tenant, or configure another instance.");
    try {
        _current = AppCredential::load(host);
    } catch (const wp::Error& e) {
        progress.warn(std::string("the stored certificate cannot be used (") + e.code() +
                      "); update replaces it");
    }
    _workloads = settings.given.count("workloads") ? target.workloads : _record.workloads;
    _includeRestore =
        settings.given.count("include_restore") ? target.includeRestore : _record.includeRestore;
    _keyBits =
        settings.given.count("key_bits") ? target.keyBits : std::max(_record.certificate.keyBits, 2048);

    const auto& manifest = PermissionManifest::builtIn();
    // The instance's proxy unless this run sets one (the admin signs in from the same network).
    bool proxyGiven = settings.given.count("proxy") || settings.given.count("proxy_user") ||
                      settings.given.count("proxy_password_env") || settings.given.count("no_proxy");
    _transport = makeTransport(target.connection.caFile, "m365-plugin/" + std::string(host.hostName()),
                               proxyGiven ? target.connection.proxy : _record.proxy);
    {
        auto step = progress.step("sign_in", "Signing in the administrator (device code)");
        AdminSignIn signIn;
        signIn.tenant = tenant;
        signIn.cloud = target.connection.cloud;
        signIn.clientId = target.connection.clientId;
        signIn.deviceCodeAttempts = target.connection.deviceCodeAttempts;
        _admin = signInAdmin(_transport, signIn, manifest, context.call);
        step.done(_admin.userPrincipalName.empty() ? "tenant " + _admin.tenantId : _admin.userPrincipalName);
    }
    if (Poco::icompare(_admin.tenantId, _record.tenantId) != 0)
        throw wp::Error(WP_E_PERMISSION_DENIED, "update.other_tenant",
                        "The administrator signed in to tenant " + _admin.tenantId +
                            ", but this instance belongs to tenant " + _record.tenantId + ".",
                        "Sign in with an administrator of the instance's tenant.");
    _runId = randomGuid();
    _graph.emplace(adminGraph(_transport, target.connection.cloud, _admin, _runId, progress, &context.call));
}

int64_t UpdateSession::now() const noexcept {
    return unixNow() + _settings.nowOffsetSeconds;
}

void UpdateSession::inspect() {
    const auto& manifest = PermissionManifest::builtIn();
    auto step = _progress.step("inspect", "Comparing the tenant's application with the selected workloads");
    _permissions = manifest.required(_workloads, _includeRestore);
    bool needsSharepoint = std::any_of(_permissions.begin(), _permissions.end(),
                                       [](const Permission& p) { return p.resource == "sharepoint"; });
    if (needsSharepoint && _record.sharepointHost.empty())
        throw wp::Error(WP_E_INVALID_CONFIG, "config.sharepoint_host_missing",
                        "The instance has no SharePoint host to verify SharePoint permissions with.",
                        "Run remove and setup with sharepoint_host set.");
    if (_record.servicePrincipalId.empty())
        throw wp::Error(
            WP_E_INVALID_CONFIG, "update.service_principal_unknown",
            "The instance record does not name the application's service principal, so its grants "
            "cannot be compared.",
            "Manage this application's permissions where it was registered.");
    _needed = resolvePermissions(*_graph, manifest, _permissions, _progress);
    _state = readApplicationState(*_graph, manifest, _record.applicationObjectId, _record.servicePrincipalId);
    _changes =
        compareWithTenant({_record, _needed, _state, _current != nullptr, now(), _settings.renewWithinDays});
    step.done(_changes.none() ? "no differences"
                              : std::to_string(_changes.grants.size()) + " to grant, " +
                                    std::to_string(_changes.revokes.size()) + " to revoke" +
                                    (_changes.key.replace ? ", certificate to replace" : ""));
}

std::vector<Permission> UpdateSession::touchedPermissions() const {
    const auto& manifest = PermissionManifest::builtIn();
    std::vector<Permission> touched;
    for (const auto& grant : _changes.grants)
        touched.push_back(grant.permission);
    for (const auto& revoke : _changes.revokes) {
        if (!manifest.resources().count(revoke.resource))
            continue; // a foreign resource: the manifest cannot say which role may revoke it; Graph will
        Permission permission;
        permission.name = revoke.name;
        permission.resource = revoke.resource;
        touched.push_back(permission);
    }
    return touched;
}

std::string UpdateSession::missingAdminRole() const {
    return PermissionManifest::builtIn().missingAdminRole(roleSet(_admin), touchedPermissions());
}

void UpdateSession::requireAdminRoles() const {
    m365::requireAdminRoles(_admin, PermissionManifest::builtIn(), touchedPermissions(), "update");
}

} // namespace m365
