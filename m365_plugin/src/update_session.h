// The part update and plan for=update share: the committed instance, the administrator signed in to its
// tenant, and the comparison of what the tenant holds with what the selected workloads need. Reads only.
#pragma once

#include "app_credential.h"
#include "application_state.h"
#include "device_code_flow.h"
#include "graph_client.h"
#include "http_transport.h"
#include "update.h"
#include "update_changes.h"

#include <cstdint>
#include <memory>
#include <optional>
#include <string>
#include <vector>

namespace m365 {

class UpdateSession {
public:
    /// Reads the instance (config.not_configured if there is none), checks the tenant setting against it
    /// (update.tenant_mismatch), signs the admin in (step sign_in) and checks the admin's tenant
    /// (update.other_tenant).
    UpdateSession(const ActionContext& context, const UpdateSettings& settings, Progress& progress);
    UpdateSession(const UpdateSession&) = delete;
    UpdateSession& operator=(const UpdateSession&) = delete;

    /// Resolves the needed permissions in the tenant and reads the application's state (step inspect).
    void inspect();

    const InstanceRecord& record() const noexcept { return _record; }
    uint64_t revision() const noexcept { return _revision; }
    /// The stored credential, or null when it cannot be loaded.
    const std::shared_ptr<AppCredential>& current() const noexcept { return _current; }
    const SignedInAdmin& admin() const noexcept { return _admin; }
    GraphClient& graph() noexcept { return *_graph; }
    const std::shared_ptr<HttpTransport>& transport() const noexcept { return _transport; }
    const std::string& runId() const noexcept { return _runId; }
    int64_t now() const noexcept; ///< the plugin's clock with the settings' offset

    // What the selected settings ask for (unset ones keep the instance's values).
    const std::vector<std::string>& workloads() const noexcept { return _workloads; }
    bool includeRestore() const noexcept { return _includeRestore; }
    int keyBits() const noexcept { return _keyBits; }

    // After inspect():
    const std::vector<ResolvedPermission>& needed() const noexcept { return _needed; }
    const ApplicationState& state() const noexcept { return _state; }
    const UpdateChanges& changes() const noexcept { return _changes; }
    /// "" when the admin's directory roles allow the changes, else the sentence naming the missing role.
    std::string missingAdminRole() const;
    /// Throws auth.role_missing (see requireAdminRoles) unless missingAdminRole() is empty.
    void requireAdminRoles() const;

private:
    std::vector<Permission> touchedPermissions() const;

    const UpdateSettings& _settings;
    Progress& _progress;
    InstanceRecord _record;
    uint64_t _revision = 0;
    std::shared_ptr<AppCredential> _current;
    std::shared_ptr<HttpTransport> _transport;
    SignedInAdmin _admin;
    std::string _runId;
    std::optional<GraphClient> _graph;
    std::vector<std::string> _workloads;
    bool _includeRestore = false;
    int _keyBits = 2048;
    std::vector<Permission> _permissions;
    std::vector<ResolvedPermission> _needed;
    ApplicationState _state;
    UpdateChanges _changes;
};

/// Settles what an earlier operation left in the journal before an update starts its own: an update whose
/// owner is gone (undoOrFinishUpdate), a rotation (settleRotationJournal), a setup (recoverInterrupted).
/// Throws wp::Error(WP_E_CONFLICT, "journal.busy") while another update's owner is alive.
void settleEarlierOperation(const ActionContext& context, UpdateSession& session, Progress& progress,
                            std::chrono::milliseconds budget);

} // namespace m365
