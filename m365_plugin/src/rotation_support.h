// Pieces shared by rotate.cpp (the rotation) and rotation_recovery.cpp (finishing or undoing one that was
// interrupted): the current instance with its store revision, and who owns a rotation journal.
#pragma once

#include "app_credential.h"
#include "journal.h"

#include <wp/plugin.hpp>

#include <cstdint>
#include <memory>
#include <string>

namespace m365 {

/// The committed instance record, the revision it was read at (for compare-and-swap) and its credential.
struct CurrentInstance {
    uint64_t revision = 0;
    std::shared_ptr<AppCredential> credential;
    const InstanceRecord& record() const { return credential->record(); }
};

/// Reads the instance record and its secret. Throws like AppCredential::load.
CurrentInstance loadCurrentInstance(const wp::Host& host);

/// "<machine>:<pid>" of this process.
std::string processOwnerId();

/// Whether the process that owns the journal entry may still be working on it: a process on this machine
/// that still exists (in this process: an operation that is still registered as running), or an entry of
/// another machine younger than 15 minutes.
bool journalOwnerAlive(const JournalEntry& entry);

/// Registers a run (setup, rotate, update) as running in this process for its lifetime (see
/// journalOwnerAlive).
class RunningOperation {
public:
    explicit RunningOperation(std::string runId);
    ~RunningOperation();
    RunningOperation(const RunningOperation&) = delete;
    RunningOperation& operator=(const RunningOperation&) = delete;

private:
    std::string _runId;
};

} // namespace m365

namespace m365 {

class Progress;

/// Brings a rotation journal to an end, decided by the committed instance record: if the record already
/// names the journal's new certificate, the rotation is finished (old key removed from the application,
/// old secret deleted); otherwise it is undone (added key removed, new secret deleted). Then the journal
/// is finished. Not cancellable. Returns "finished" or "undone". Throws (journal kept) if the tenant
/// cannot be reached.
std::string resolveRotation(const wp::Host& host, Journal& journal, Progress& progress);

} // namespace m365
