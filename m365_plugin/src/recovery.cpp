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

} // namespace

void undoJournaled(GraphClient& graph, Journal& journal, const wp::Host& host, Progress& progress) {
    const auto& entry = journal.entry();
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
    if (!entry.secretKey.empty() && !usedByInstance(host, entry.secretKey))
        host.secrets().removeIf(entry.secretKey);
    journal.finish();
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
