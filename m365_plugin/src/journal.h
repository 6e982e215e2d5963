// The journal: a config-store record of an operation in flight, written BEFORE each object is created in
// the tenant, so a host killed mid-way leaves enough behind for the next configure or remove of the
// instance to delete what was created (see recovery.h).
//
// Life of a setup: begin() (no object yet) -> intend("create_application") -> created(app ids) ->
// intend("create_service_principal") -> created(sp id) -> ... -> finish() once the instance record is
// committed (or once rollback has deleted everything). Every write is a compare-and-swap on the journal's
// own revision: a second process working on the same instance loses with WP_E_CONFLICT instead of
// silently interleaving.
#pragma once

#include "cloud.h"

#include <wp/store.hpp>

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

namespace m365 {

struct JournalEntry {
    std::string operation; ///< "setup"
    std::string runId;     ///< random GUID; also the application's tag "wp-run-<runId>"
    std::string startedAt; ///< ISO-8601 UTC
    std::string host;
    // Enough to reach the tenant again without the instance record:
    std::string tenant;
    CloudEndpoints cloud;
    std::string caFile;
    std::string signInClientId;
    // What this run wrote or is about to write:
    std::string pendingStep;         ///< step whose object may exist although its id is not recorded
    std::string displayName;         ///< of the application (with the marker tag: finds a lost create)
    std::string secretKey;           ///< secret-store key written by this run, or ""
    std::string applicationObjectId; ///< once created
    std::string appId;
    std::string servicePrincipalId;
    std::vector<std::string> assignmentIds; ///< "<resourceSpId>/<assignmentId>"
    // Certificate rotation (operation "rotate", see rotate.h); applicationObjectId stays empty so that
    // undoJournaled never deletes the application of a rotation.
    std::string owner;          ///< "<machine>:<pid>" of the process running the operation
    std::string addedKeyId;     ///< keyId chosen for the new keyCredential (recorded before addKey)
    std::string replacedKeyId;  ///< keyId of the certificate being replaced
    std::string replacedSecret; ///< its secret-store key

    std::string marker() const { return "wp-run-" + runId; }
    std::string toJson() const;
    static JournalEntry fromJson(const std::string& text);
};

class Journal {
public:
    explicit Journal(const wp::Store& config) : _config(config) {}

    /// The entry left by an earlier run, if any.
    std::optional<JournalEntry> peek() const;
    /// Takes over the entry left by an earlier (interrupted) run so recovery can update and finish it;
    /// false if there is none.
    bool resume();
    /// Starts a new operation; throws wp::Error(WP_E_CONFLICT, "journal.busy") if one is recorded.
    void begin(const JournalEntry& entry);
    /// Records that `step` is about to create something.
    void intend(const std::string& step);
    /// Applies the mutation (e.g. fills in a created id), clears pendingStep, and writes.
    template <class Fn> void record(Fn&& mutate) {
        mutate(_entry);
        _entry.pendingStep.clear();
        write();
    }
    /// Removes the entry (the operation is complete or fully undone).
    void finish();

    const JournalEntry& entry() const noexcept { return _entry; }
    bool active() const noexcept { return _revision != 0; }

private:
    void write();

    const wp::Store& _config;
    JournalEntry _entry;
    uint64_t _revision = 0;
};

} // namespace m365
