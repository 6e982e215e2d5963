#include "remove.h"

#include "admin_session.h"
#include "app_registration.h"
#include "graph_client.h"
#include "instance_record.h"
#include "journal.h"
#include "permission_manifest.h"
#include "progress.h"
#include "recovery.h"

#include <Poco/String.h>

#include <optional>

namespace m365 {

namespace {

/// Deletes every local trace of the instance: the record first (the instance stops being configured),
/// then its secrets, then the rest (validation state, journal).
void forgetLocally(const wp::Host& host) {
    host.config().removeIf(keys::instance);
    for (const auto& key : host.secrets().list())
        host.secrets().removeIf(key);
    for (const auto& key : host.config().list())
        host.config().removeIf(key);
}

} // namespace

void runRemove(const ActionContext& context, const RemoveSettings& settings) {
    const auto& host = context.host;
    Progress progress(host, context.call);
    std::optional<InstanceRecord> record;
    if (auto stored = host.config().get(keys::instance)) {
        try {
            record = InstanceRecord::fromJson(stored->value);
        } catch (const wp::Error&) {
            if (!settings.localOnly)
                throw;
        }
    }
    Journal journal(host.config());
    auto interrupted = journal.peek();
    if (!record && !interrupted && !settings.localOnly) {
        progress.info("Nothing to remove: this instance is not configured.");
        context.call.event("{\"event\":\"result\",\"action\":\"remove\",\"removed\":false}");
        return;
    }
    if (settings.localOnly) {
        auto step = progress.step("forget", "Forgetting the instance locally (the tenant is not touched)");
        if (record)
            progress.warn("application " + record->appId + " stays in tenant " + record->tenantId +
                          "; delete it in the Entra admin center if it is no longer needed");
        forgetLocally(host);
        step.done();
        context.call.event(
            "{\"event\":\"result\",\"action\":\"remove\",\"removed\":true,\"local_only\":true}");
        return;
    }

    AdminSignIn signIn;
    if (record) {
        signIn = {record->tenantId, record->cloud, record->signInClientId};
    } else {
        signIn = {interrupted->tenant, interrupted->cloud, interrupted->signInClientId};
    }
    if (!settings.clientId.empty())
        signIn.clientId = settings.clientId;
    auto caFile = !settings.caFile.empty() ? settings.caFile : record ? record->caFile : interrupted->caFile;
    // An interrupted setup's journal has no proxy settings: the environment's proxy applies then.
    auto transport = makeTransport(caFile, "m365-plugin/" + std::string(host.hostName()),
                                   record ? record->proxy : ProxyConfig{});
    SignedInAdmin admin;
    {
        auto step = progress.step("sign_in", "Signing in the administrator (device code)");
        admin = signInAdmin(transport, signIn, PermissionManifest::builtIn(), context.call);
        step.done(admin.userPrincipalName);
    }
    if (record && Poco::icompare(admin.tenantId, record->tenantId) != 0)
        throw wp::Error(WP_E_PERMISSION_DENIED, "auth.wrong_tenant",
                        "The administrator signed in to tenant " + admin.tenantId +
                            ", but this instance belongs to " + record->tenantId + ".",
                        "Sign in with an account of the configured tenant.");
    auto runId = randomGuid();
    GraphClient graph(transport, signIn.cloud.graphBase(), admin.token.token, runId, &context.call);
    graph.onRetry(
        [&](const std::string& what, std::chrono::milliseconds wait) { progress.waiting(what, wait); });
    graph.onTrace([&](const std::string& line) { host.log(wp::LogLevel::Trace, line); });
    recoverInterrupted(graph, admin.tenantId, host, progress);
    if (record) {
        auto step =
            progress.step("delete_application", "Deleting application " + record->appId + " from the tenant");
        deleteApplication(graph, record->applicationObjectId, record->servicePrincipalId);
        step.done();
    }
    {
        auto step = progress.step("forget", "Removing the instance's configuration and secrets");
        forgetLocally(host);
        step.done();
    }
    context.call.event("{\"event\":\"result\",\"action\":\"remove\",\"removed\":true,\"local_only\":false}");
}

} // namespace m365
