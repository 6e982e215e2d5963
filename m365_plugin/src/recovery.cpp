#include "recovery.h"

#include "app_registration.h"
#include "instance_record.h"
#include "json_util.h"
#include "rotation_support.h"

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

/// Whether the journal is of a setup that committed its instance record (the host died before it could
/// clear the journal): the record names the journal's application.
bool committedSetup(const wp::Host& host, const JournalEntry& entry) {
    if (entry.operation != "setup" || entry.applicationObjectId.empty())
        return false;
    auto stored = host.config().get(keys::instance);
    if (!stored)
        return false;
    try {
        return InstanceRecord::fromJson(stored->value).applicationObjectId == entry.applicationObjectId;
    } catch (const wp::Error&) {
        return true; // unreadable record: never delete what it may describe
    }
}

/// The service principal a create may have made although its id was not recorded (the answer was lost or
/// the host died before recording it), or "".
std::string unrecordedServicePrincipal(GraphClient& graph, const JournalEntry& entry) {
    if (!entry.servicePrincipalId.empty() || entry.appId.empty() ||
        entry.pendingStep != "create_service_principal")
        return {};
    auto found = graph.get(withQuery(
        "/servicePrincipals", {{"$filter", "appId eq " + odataQuote(entry.appId)}, {"$select", "id,appId"}}));
    auto value = json::optArray(found.body, "value");
    return value && value->size() > 0 ? json::optStr(value->getObject(0), "id") : std::string();
}

/// Deletes the journal's application (found by its marker tag when the create's answer was lost) and its
/// service principal (with the service principal go its app role assignments). Missing objects are fine.
void deleteJournaledObjects(GraphClient& graph, const JournalEntry& entry, Progress& progress) {
    std::vector<std::string> applications;
    if (!entry.applicationObjectId.empty())
        applications.push_back(entry.applicationObjectId);
    else if (entry.pendingStep == "create_application")
        applications = findApplicationsByMarker(graph, entry.displayName, entry.marker());
    auto servicePrincipalId = entry.servicePrincipalId.empty() ? unrecordedServicePrincipal(graph, entry)
                                                               : entry.servicePrincipalId;
    for (const auto& objectId : applications) {
        bool ours = objectId == entry.applicationObjectId;
        deleteApplication(graph, objectId, ours ? servicePrincipalId : std::string());
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
    if (committedSetup(host, journal.entry())) {
        progress.info("the interrupted setup had committed its configuration; keeping its application");
        journal.finish();
        return;
    }
    deleteJournaledObjects(graph, journal.entry(), progress);
    forgetJournaled(journal, host);
}

bool settleCommittedSetup(const wp::Host& host) {
    Journal journal(host.config());
    if (!journal.resume() || !committedSetup(host, journal.entry()))
        return false;
    journal.finish();
    return true;
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
    // A journal whose process still runs is not interrupted: undoing it would pull that run's application
    // from under it.
    if (auto running = journal.peek(); running && journalOwnerAlive(*running))
        throw wp::Error(WP_E_CONFLICT, "journal.busy",
                        "Another " + running->operation + " of this instance (run " + running->runId + ", " +
                            running->owner + ") is in progress.",
                        "Wait for it to finish, then run the action again.");
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
