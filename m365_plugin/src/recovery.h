// Undo: deletes what the journal says an operation created in the tenant, removes the secret it wrote,
// then clears the journal. The same code rolls back a failed or cancelled setup and cleans up after a
// host that was killed mid-way (found by the next configure or remove of the instance).
#pragma once

#include "graph_client.h"
#include "journal.h"
#include "progress.h"

#include <wp/plugin.hpp>

namespace m365 {

/// Deletes the journal's application (found by its marker tag when the create's answer was lost), its
/// service principal (looked up by appId when its create's answer was lost), and the run's secret unless
/// the committed instance record uses it; then finishes the journal. A setup that committed (the record
/// names its application) is left alone: only its journal goes. Throws (leaving the journal in place for a
/// later attempt) if the tenant cannot be cleaned. `graph` should not be cancellable: an undo that stops
/// half-way helps nobody.
void undoJournaled(GraphClient& graph, Journal& journal, const wp::Host& host, Progress& progress);

/// A setup journal whose application the committed instance record names is of a setup that completed
/// but died before clearing its journal: removes that journal (store only, nothing in the tenant changes)
/// and returns true; false for any other journal or none. undoJournaled applies the same rule.
bool settleCommittedSetup(const wp::Host& host);

/// Rolls back a setup that failed in this process: first deletes what the journal entry (as this process
/// knows it, also when the store could not record the last id) created in the tenant, which needs nothing
/// from the stores; then removes the instance record if it names that application, the run's secret and
/// the journal. When the stores are unreachable (often what failed the setup) the tenant is still cleaned
/// and the stored journal is left for the next configure or remove, which finds the objects gone.
/// Throws only if the tenant cannot be cleaned.
void rollBackSetup(GraphClient& graph, Journal& journal, const wp::Host& host, Progress& progress);

/// If an interrupted operation left a journal, cleans it up with the signed-in admin's Graph access.
/// Throws wp::Error(WP_E_CONFLICT, "journal.other_tenant") if the journal belongs to another tenant.
void recoverInterrupted(GraphClient& graph, const std::string& signedInTenantId, const wp::Host& host,
                        Progress& progress);

} // namespace m365
