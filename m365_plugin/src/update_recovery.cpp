// Settling journals for update: an earlier operation's (before an update starts its own), an update's left
// by a host that died mid-way, and as the last step of a successful update (the replaced key and secret go
// once the instance record names the new ones).
#include "admin_access.h"
#include "app_registration.h"
#include "application_state.h"
#include "instance_record.h"
#include "recovery.h"
#include "rotate.h"
#include "rotation_support.h"
#include "update.h"
#include "update_session.h"

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

void settleEarlierOperation(const ActionContext& context, UpdateSession& session, Progress& progress,
                            std::chrono::milliseconds budget) {
    Journal journal(context.host.config());
    auto entry = journal.peek();
    if (!entry)
        return;
    if (entry->operation == "rotate") {
        settleRotationJournal(context, progress, budget);
        return;
    }
    if (entry->operation != "update") {
        recoverInterrupted(session.graph(), session.admin().tenantId, context.host, progress);
        return;
    }
    if (journalOwnerAlive(*entry))
        throw wp::Error(WP_E_CONFLICT, "journal.busy",
                        "Another update of this instance (run " + entry->runId + ", " + entry->owner +
                            ") is in progress.",
                        "Wait for it to finish, then run update again.");
    if (!journal.resume())
        return;
    auto step = progress.step("recover", "Settling an interrupted update (run " + entry->runId + ")");
    GraphClient undo = adminGraph(session.transport(), session.record().cloud, session.admin(),
                                  session.runId(), progress, nullptr);
    undoOrFinishUpdate(undo, journal, context.host, progress, session.now());
    step.done();
}

} // namespace m365
