#include "verify.h"

#include "entra_error.h"
#include "jwt.h"
#include "retry_policy.h"

#include <wp/plugin.hpp>

#include <algorithm>

namespace m365 {

namespace {

/// Token-endpoint errors that a just-created application or key produces until it has replicated.
bool replicationSymptom(const wp::Error& error) {
    static const char* const codes[] = {"aad.AADSTS700016",  "aad.AADSTS7000215",  "aad.AADSTS700027",
                                        "aad.AADSTS7000112", "aad.invalid_client", "aad.unauthorized_client"};
    if (error.status() == WP_E_UNAVAILABLE)
        return true;
    // A refusal whose body could not be read (aad.http_<status>: a cut or garbled answer) may well be one
    // of the symptoms above: waited out like them within the budget, then reported as it is.
    static const std::string unreadable = std::string("aad") + ".http_"; // aad.http_<status>, errors.md
    if (error.code().rfind(unreadable, 0) == 0)
        return true;
    return std::any_of(std::begin(codes), std::end(codes),
                       [&](const char* code) { return error.code() == code; });
}

} // namespace

std::set<std::string> tokenRoles(const AccessToken& token) {
    auto claims = decodeJwtUnverified(token.token.view());
    auto roles = claims.strings("roles");
    return {roles.begin(), roles.end()};
}

std::vector<std::string> missingRoles(const std::set<std::string>& expected,
                                      const std::set<std::string>& actual) {
    std::vector<std::string> missing;
    std::set_difference(expected.begin(), expected.end(), actual.begin(), actual.end(),
                        std::back_inserter(missing));
    return missing;
}

void verifyCredential(const ConfidentialClient& client, const std::vector<VerifyTarget>& targets,
                      std::chrono::milliseconds budget, Progress& progress, const RevokedRoles& revoked) {
    const auto& call = progress.call();
    // Replication is waited out like throttling: the one retry policy paces the polls (backoff with
    // jitter from 250 ms up to 8 s, bounded by the budget, cancellable).
    BackoffSettings pace;
    pace.first = std::chrono::milliseconds(250);
    pace.cap = std::chrono::milliseconds(8'000);
    Retrier retrier(&call, budget, pace);
    std::map<std::string, std::vector<std::string>> missing; // resource -> permissions not yet in the token
    std::optional<wp::Error> lastError;
    std::vector<const VerifyTarget*> pending;
    for (const auto& target : targets)
        pending.push_back(&target);

    while (!pending.empty()) {
        std::vector<const VerifyTarget*> next;
        for (const auto* target : pending) {
            try {
                auto token = client.acquire(target->scope, &call);
                auto roles = tokenRoles(token);
                if (progress.host().logs(wp::LogLevel::Trace)) {
                    std::string names;
                    for (const auto& role : roles)
                        names += (names.empty() ? "" : " ") + role;
                    progress.host().log(wp::LogLevel::Trace, "app-only token for " + target->resource +
                                                                 " carries roles: " + names);
                }
                auto absent = missingRoles(target->roles, roles);
                if (auto gone = revoked.find(target->resource); gone != revoked.end())
                    for (const auto& role : gone->second)
                        if (roles.count(role))
                            absent.push_back(role + " (revoked, still in the token)");
                if (absent.empty()) {
                    missing.erase(target->resource);
                    progress.debug("token for " + target->resource + " carries all " +
                                   std::to_string(target->roles.size()) + " role(s)");
                    continue;
                }
                missing[target->resource] = absent;
                lastError.reset();
            } catch (const wp::Error& e) {
                if (e.status() == WP_E_CANCELLED || !replicationSymptom(e))
                    throw;
                lastError.emplace(e);
            }
            next.push_back(target);
        }
        pending = next;
        if (pending.empty())
            return;
        std::string what = lastError ? "the new credential is not accepted yet (" + lastError->code() + ")"
                                     : "granted roles are not in the token yet";
        if (!retrier.pause(std::nullopt,
                           [&](std::chrono::milliseconds wait) { progress.waiting(what, wait); }))
            break;
    }
    if (lastError && missing.empty())
        throw wp::Error(lastError->status(), lastError->code(),
                        std::string("The new credential was still rejected after waiting for replication: ") +
                            lastError->what(),
                        "Run setup again later; directory replication can take minutes.");
    std::string report;
    for (const auto& [resource, names] : missing) {
        for (const auto& name : names)
            report += (report.empty() ? "" : ", ") + name + " (" + resource + ")";
    }
    throw wp::Error(
        WP_E_TIMEOUT, "verify.roles_missing",
        "Granted permissions did not appear in the application's token in time: " + report + ".",
        "Run setup again later (replication can take minutes), or check the grants in the portal.");
}

} // namespace m365
