// Finishing or undoing a rotation: after a failure in this process, or after a host that was killed
// mid-way (found by the next rotate or validate of the instance).
#include "key_rollover.h"
#include "progress.h"
#include "recovery.h"
#include "retry_policy.h"
#include "rotate.h"
#include "rotation_support.h"

namespace m365 {

std::string resolveRotation(const wp::Host& host, Journal& journal, Progress& progress) {
    const auto& entry = journal.entry();
    auto current = loadCurrentInstance(host);
    const auto& record = current.record();
    const auto& credential = *current.credential;
    bool switched = record.certificate.secretKey == entry.secretKey;
    // The current certificate signs the proof either way: the new one once switched, else the old one.
    AppGraph app(credential.transport(), record, credential.client(), entry.runId, nullptr);
    ProofSigner signer{*credential.key(), credential.certificate()};
    if (switched) {
        if (!entry.replacedKeyId.empty() && entry.replacedKeyId != record.certificate.keyId &&
            removeKeyCredential(app.graph(), record.applicationObjectId, entry.replacedKeyId, signer))
            progress.info("removed the replaced key " + entry.replacedKeyId + " from the application");
        if (!entry.replacedSecret.empty() && entry.replacedSecret != record.certificate.secretKey)
            host.secrets().removeIf(entry.replacedSecret);
        journal.finish();
        return "finished";
    }
    if (!entry.addedKeyId.empty() && entry.addedKeyId != record.certificate.keyId &&
        removeKeyCredential(app.graph(), record.applicationObjectId, entry.addedKeyId, signer))
        progress.info("removed the added key " + entry.addedKeyId + " from the application");
    if (!entry.secretKey.empty() && entry.secretKey != record.certificate.secretKey)
        host.secrets().removeIf(entry.secretKey);
    journal.finish();
    return "undone";
}

bool settleRotationJournal(const ActionContext& context, Progress& progress,
                           std::chrono::milliseconds budget) {
    const auto& host = context.host;
    // Polling a live owner is a wait like any other: the one retry policy paces it (backoff with jitter,
    // bounded by the budget, cancellable).
    BackoffSettings pace;
    pace.first = std::chrono::milliseconds(100);
    pace.cap = std::chrono::milliseconds(2'000);
    pace.floor = std::chrono::milliseconds(50);
    Retrier retrier(&context.call, budget, pace);
    for (bool settled = false;;) {
        Journal journal(host.config());
        auto entry = journal.peek();
        if (!entry)
            return settled;
        if (entry->operation == "setup" && settleCommittedSetup(host)) {
            settled = true;
            continue;
        }
        if (entry->operation != "rotate")
            throw wp::Error(WP_E_CONFLICT, "journal.busy",
                            "An interrupted or running " + entry->operation +
                                " of this instance is recorded.",
                            "Run configure --action " + entry->operation +
                                " (or remove) again to clean it up, then rotate.");
        if (!journalOwnerAlive(*entry)) {
            // Take the journal over with compare-and-swap: of several processes finding it, one proceeds.
            settled = true;
            if (!journal.resume() || journal.entry().runId != entry->runId)
                continue;
            try {
                journal.record([](JournalEntry& e) { e.owner = processOwnerId(); });
            } catch (const wp::Error& e) {
                if (e.status() != WP_E_CONFLICT)
                    throw;
                continue;
            }
            RunningOperation running(entry->runId);
            auto step =
                progress.step("recover_rotation",
                              "Completing an interrupted certificate rotation (run " + entry->runId + ")");
            step.done(resolveRotation(host, journal, progress));
            return true;
        }
        settled = true;
        if (!retrier.pause(std::nullopt, [&](std::chrono::milliseconds wait) {
                progress.waiting("another rotation of this instance (run " + entry->runId + ") to finish",
                                 wait);
            }))
            throw wp::Error(WP_E_CONFLICT, "rotate.busy",
                            "Another rotation of this instance (run " + entry->runId + ", " + entry->owner +
                                ") is still running.",
                            "Wait for it to finish, then check with validate.");
    }
}

} // namespace m365
