#include "recovery.h"

#include "app_registration.h"
#include "instance_record.h"

#include <Poco/String.h>

namespace m365 {

namespace {

bool usedByInstance(const wp::Host& host, const std::string& secretKey) {
    auto stored = host.config().get(keys::instance);
    if (!stored)
        return false;
    try {
        return InstanceRecord::fromJson(stored->value).certificate.secretKey == secretKey;
    } catch (const wp::Error&) {
        return true; // unreadable record: keep the secret rather than risk deleting a live one
    }
}

/// Deletes the journal's application (found by its marker tag when the create's answer was lost) and its
/// service principal (with the service principal go its app role assignments). Missing objects are fine.
void deleteJournaledObjects(GraphClient& graph, const JournalEntry& entry, Progress& progress) {
    std::vector<std::string> applications;
    if (!entry.applicationObjectId.empty())
        applications.push_back(entry.applicationObjectId);
    else if (entry.pendingStep == "create_application")
        applications = findApplicationsByMarker(graph, entry.displayName, entry.marker());
    for (const auto& objectId : applications) {
        bool ours = objectId == entry.applicationObjectId;
        deleteApplication(graph, objectId, ours ? entry.servicePrincipalId : std::string());
        progress.info("deleted application " + objectId +
                      (entry.appId.empty() || !ours ? "" : " (appId " + entry.appId + ")"));
    }
}

void forgetJournaled(Journal& journal, const wp::Host& host) {
    const auto& entry = journal.entry();
    if (!entry.secretKey.empty() && !usedByInstance(host, entry.secretKey))
        host.secrets().removeIf(entry.secretKey);
    journal.finish();
}

} // namespace

void undoJournaled(GraphClient& graph, Journal& journal, const wp::Host& host, Progress& progress) {
    deleteJournaledObjects(graph, journal.entry(), progress);
    forgetJournaled(journal, host);
}

void rollBackSetup(GraphClient& graph, Journal& journal, const wp::Host& host, Progress& progress) {
    // The tenant first: it needs nothing from the stores, so a store outage cannot leave objects behind.
    deleteJournaledObjects(graph, journal.entry(), progress);
    try {
        if (auto stored = host.config().get(keys::instance)) {
            const auto& ours = journal.entry().applicationObjectId;
            if (!ours.empty() && InstanceRecord::fromJson(stored->value).applicationObjectId == ours)
                host.config().removeIf(keys::instance, stored->revision);
        }
        forgetJournaled(journal, host);
    } catch (const wp::Error& e) {
        if (e.status() != WP_E_UNAVAILABLE)
            throw;
        progress.warn("the tenant is rolled back, but the store is unavailable (" + e.code() +
                      "): its journal of this run stays until the next configure or remove of the "
                      "instance clears it");
    }
}

void recoverInterrupted(GraphClient& graph, const std::string& signedInTenantId, const wp::Host& host,
                        Progress& progress) {
    Journal journal(host.config());
    if (!journal.resume())
        return;
    auto step = progress.step("recover", "Cleaning up after an interrupted " + journal.entry().operation +
                                             " (run " + journal.entry().runId + ")");
    if (!journal.entry().tenant.empty() && Poco::icompare(journal.entry().tenant, signedInTenantId) != 0)
        throw wp::Error(WP_E_CONFLICT, "journal.other_tenant",
                        "An interrupted operation of this instance belongs to tenant " +
                            journal.entry().tenant + ", not to the tenant signed in now.",
                        "Sign in to that tenant (configure --action remove) to clean it up first.");
    undoJournaled(graph, journal, host, progress);
    step.done();
}

} // namespace m365
