// Settling an update journal: after a host died mid-way (found by the next update), and as the last step of
// a successful update (the replaced key and secret go once the instance record names the new ones).
#include "app_registration.h"
#include "application_state.h"
#include "instance_record.h"
#include "update.h"

#include <algorithm>

namespace m365 {

void undoOrFinishUpdate(GraphClient& graph, Journal& journal, const wp::Host& host, Progress& progress,
                        int64_t now) {
    const auto& entry = journal.entry();
    auto stored = host.config().get(keys::instance);
    if (!stored)
        throw wp::Error(WP_E_NOT_FOUND, "config.not_configured",
                        "The instance an interrupted update worked on is no longer configured.",
                        "Remove the 'journal' key after checking the application in the portal.");
    auto record = InstanceRecord::fromJson(stored->value);
    // The record names the run in its audit trail once the update committed.
    bool committed = std::any_of(record.audit.begin(), record.audit.end(),
                                 [&](const AuditEntry& audit) { return audit.runId == entry.runId; });
    auto state = readApplicationState(graph, PermissionManifest::builtIn(), record.applicationObjectId,
                                      record.servicePrincipalId);
    const auto& keyInUse = record.certificate.keyId;
    if (committed) {
        if (!entry.replacedKeyId.empty() && entry.replacedKeyId != keyInUse) {
            if (auto keys = keysWithout(state.keys, {entry.replacedKeyId}, now)) {
                replaceKeyCredentials(graph, record.applicationObjectId, keys);
                progress.info("removed the replaced key " + entry.replacedKeyId + " from the application");
            }
        }
        if (!entry.replacedSecret.empty() && entry.replacedSecret != record.certificate.secretKey)
            host.secrets().removeIf(entry.replacedSecret);
    } else {
        if (!entry.addedKeyId.empty() && entry.addedKeyId != keyInUse) {
            if (auto keys = keysWithout(state.keys, {entry.addedKeyId}, 0)) {
                replaceKeyCredentials(graph, record.applicationObjectId, keys);
                progress.info("removed the added key " + entry.addedKeyId + " from the application");
            }
        }
        for (const auto& assignment : entry.assignmentIds) {
            auto slash = assignment.find('/');
            if (slash == std::string::npos)
                continue;
            revokeGrant(graph, assignment.substr(0, slash), assignment.substr(slash + 1));
        }
        if (!entry.secretKey.empty() && entry.secretKey != record.certificate.secretKey)
            host.secrets().removeIf(entry.secretKey);
    }
    journal.finish();
}

} // namespace m365
