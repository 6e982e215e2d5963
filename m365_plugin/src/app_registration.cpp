#include "app_registration.h"

#include "instance_record.h"
#include "json_util.h"
#include "retry_policy.h"

#include <wp/plugin.hpp>

#include <Poco/String.h>

#include <algorithm>
#include <map>
#include <optional>
#include <thread>

namespace m365 {

Poco::JSON::Array::Ptr requiredResourceAccessJson(const std::vector<ResolvedPermission>& permissions) {
    // Exactly the chosen roles, grouped per resource in first-seen order.
    std::map<std::string, Poco::JSON::Array::Ptr> perResource;
    std::vector<std::string> order;
    for (const auto& resolved : permissions) {
        auto& access = perResource[resolved.resourceAppId];
        if (!access) {
            access = new Poco::JSON::Array;
            order.push_back(resolved.resourceAppId);
        }
        Poco::JSON::Object::Ptr role = new Poco::JSON::Object;
        role->set("id", resolved.appRoleId);
        role->set("type", "Role");
        access->add(role);
    }
    Poco::JSON::Array::Ptr required = new Poco::JSON::Array;
    for (const auto& appId : order) {
        Poco::JSON::Object::Ptr entry = new Poco::JSON::Object;
        entry->set("resourceAppId", appId);
        entry->set("resourceAccess", perResource[appId]);
        required->add(entry);
    }
    return required;
}

Poco::JSON::Object::Ptr keyCredentialJson(const CertificateInfo& certificate, const std::string& keyId) {
    Poco::JSON::Object::Ptr key = new Poco::JSON::Object;
    key->set("type", "AsymmetricX509Cert");
    key->set("usage", "Verify");
    key->set("key", certificate.derBase64);
    if (!keyId.empty())
        key->set("keyId", keyId);
    key->set("displayName", certificate.subject.substr(0, 90));
    key->set("startDateTime", isoTime(certificate.notBefore));
    key->set("endDateTime", isoTime(certificate.notAfter));
    return key;
}

namespace {

Poco::JSON::Object::Ptr applicationBody(const ApplicationSpec& spec) {
    Poco::JSON::Object::Ptr body = new Poco::JSON::Object;
    body->set("displayName", spec.displayName);
    body->set("signInAudience", "AzureADMyOrg");
    body->set("notes", spec.notes);
    body->set("tags", json::toArray({"wp-m365", spec.marker}));
    body->set("requiredResourceAccess", requiredResourceAccessJson(*spec.permissions));
    Poco::JSON::Array::Ptr keys = new Poco::JSON::Array;
    keys->add(keyCredentialJson(*spec.certificate, {}));
    body->set("keyCredentials", keys);
    return body;
}

Poco::JSON::Object::Ptr grantBody(const std::string& servicePrincipalId,
                                  const ResolvedPermission& permission) {
    Poco::JSON::Object::Ptr body = new Poco::JSON::Object;
    body->set("principalId", servicePrincipalId);
    body->set("resourceId", permission.resourceSpId);
    body->set("appRoleId", permission.appRoleId);
    return body;
}

std::string grantPath(const ResolvedPermission& permission) {
    return "/servicePrincipals/" + permission.resourceSpId + "/appRoleAssignedTo";
}

/// "Permission being assigned already exists on the object": the grant is there (entra-facts 3.4).
bool alreadyGranted(const ServiceError& error) {
    return error.httpStatus() == 400 &&
           Poco::toLower(std::string(error.what())).find("already exists") != std::string::npos;
}

std::string permissionLabel(const ResolvedPermission& resolved) {
    return resolved.permission.name + " (" + resolved.permission.resource + ")";
}

/// One round of $batch requests for the pending grants. Returns false if $batch itself is unavailable.
bool batchRound(GraphClient& graph, const std::string& servicePrincipalId, std::vector<Grant>& grants,
                std::vector<std::size_t>& pending, std::optional<ServiceError>& lastRetryable) {
    std::vector<std::size_t> stillPending;
    for (std::size_t offset = 0; offset < pending.size(); offset += 20) {
        Poco::JSON::Array::Ptr requests = new Poco::JSON::Array;
        auto end = std::min(pending.size(), offset + 20);
        for (auto i = offset; i < end; ++i) {
            const auto& resolved = *grants[pending[i]].permission;
            Poco::JSON::Object::Ptr request = new Poco::JSON::Object;
            request->set("id", std::to_string(pending[i]));
            request->set("method", "POST");
            request->set("url", grantPath(resolved));
            Poco::JSON::Object::Ptr headers = new Poco::JSON::Object;
            headers->set("Content-Type", "application/json");
            request->set("headers", headers);
            request->set("body", grantBody(servicePrincipalId, resolved));
            requests->add(request);
        }
        Poco::JSON::Object::Ptr batch = new Poco::JSON::Object;
        batch->set("requests", requests);
        GraphResult result;
        try {
            result = graph.post("/$batch", batch);
        } catch (const ServiceError& e) {
            if (e.httpStatus() == 404 || e.httpStatus() == 405 || e.httpStatus() == 501)
                return false; // no $batch here: the caller falls back to single requests
            throw;
        }
        auto responses = json::optArray(result.body, "responses");
        if (!responses)
            return false;
        std::map<std::size_t, Poco::JSON::Object::Ptr> byIndex;
        for (unsigned r = 0; r < responses->size(); ++r) {
            auto response = responses->getObject(r);
            byIndex[static_cast<std::size_t>(std::stoul(json::optStr(response, "id", "0")))] = response;
        }
        for (auto i = offset; i < end; ++i) {
            auto index = pending[i];
            auto found = byIndex.find(index);
            if (found == byIndex.end()) {
                stillPending.push_back(index);
                continue;
            }
            int status = static_cast<int>(json::optInteger(found->second, "status", 0));
            auto body = json::optObject(found->second, "body");
            if (status >= 200 && status < 300) {
                grants[index].assignmentId = json::optStr(body, "id");
                continue;
            }
            HttpResponse inner;
            inner.status = status;
            inner.body = body ? json::stringify(body) : std::string();
            if (auto headers = json::optObject(found->second, "headers"))
                inner.headers.add("Retry-After", json::optStr(headers, "Retry-After"));
            auto error = graphError(inner, "granting " + permissionLabel(*grants[index].permission));
            if (alreadyGranted(error))
                continue;
            if (auto kind = classifyFailure(error).kind;
                kind == FailureKind::Transient || kind == FailureKind::Replication) {
                lastRetryable.emplace(error);
                stillPending.push_back(index);
                continue;
            }
            throw error;
        }
    }
    pending = stillPending;
    return true;
}

} // namespace

CreatedApplication createApplication(GraphClient& graph, const ApplicationSpec& spec) {
    // A lost answer must not leave a second application: before sending again, look for the marker.
    auto findExisting = [&]() -> std::optional<GraphResult> {
        auto ids = findApplicationsByMarker(graph, spec.displayName, spec.marker);
        if (ids.empty())
            return std::nullopt;
        return graph.get("/applications/" + ids.front() + "?$select=id,appId,keyCredentials");
    };
    auto result = graph.create("/applications", applicationBody(spec), findExisting);
    CreatedApplication created;
    created.objectId = json::str(result.body, "id");
    created.appId = json::str(result.body, "appId");
    if (auto keys = json::optArray(result.body, "keyCredentials")) {
        if (keys->size() > 0)
            created.keyId = json::optStr(keys->getObject(0), "keyId");
    }
    return created;
}

std::string createServicePrincipal(GraphClient& graph, const std::string& appId,
                                   std::chrono::milliseconds budget) {
    Poco::JSON::Object::Ptr body = new Poco::JSON::Object;
    body->set("appId", appId);
    auto findExisting = [&]() -> std::optional<GraphResult> {
        auto found = graph.get(withQuery(
            "/servicePrincipals", {{"$filter", "appId eq " + odataQuote(appId)}, {"$select", "id,appId"}}));
        auto value = json::optArray(found.body, "value");
        if (!value || value->size() == 0)
            return std::nullopt;
        found.body = value->getObject(0);
        return found;
    };
    auto result = graph.create("/servicePrincipals", body, findExisting, {RetryOn::Replication, budget});
    return json::str(result.body, "id");
}

std::vector<Grant> grantPermissions(GraphClient& graph, const std::string& servicePrincipalId,
                                    const std::vector<ResolvedPermission>& permissions,
                                    std::chrono::milliseconds budget, Progress& progress) {
    std::vector<Grant> grants;
    for (const auto& permission : permissions)
        grants.push_back({&permission, {}});
    std::vector<std::size_t> pending;
    for (std::size_t i = 0; i < grants.size(); ++i)
        pending.push_back(i);

    Retrier retrier(&progress.call(), budget);
    bool useBatch = true;
    while (!pending.empty()) {
        std::optional<ServiceError> lastRetryable;
        if (useBatch)
            useBatch = batchRound(graph, servicePrincipalId, grants, pending, lastRetryable);
        if (!useBatch) {
            for (auto index : pending) {
                try {
                    auto result = graph.post(grantPath(*grants[index].permission),
                                             grantBody(servicePrincipalId, *grants[index].permission),
                                             {RetryOn::Replication, budget});
                    grants[index].assignmentId = json::optStr(result.body, "id");
                } catch (const ServiceError& e) {
                    if (!alreadyGranted(e))
                        throw;
                }
            }
            pending.clear();
        }
        if (pending.empty())
            break;
        auto announce = [&](std::chrono::milliseconds wait) {
            progress.waiting(std::to_string(pending.size()) + " grant(s) not accepted yet (" +
                                 (lastRetryable ? lastRetryable->code() : std::string("no answer")) + ")",
                             wait);
        };
        if (!retrier.pause(lastRetryable ? lastRetryable->retryAfter() : std::nullopt, announce)) {
            if (lastRetryable)
                throw *lastRetryable;
            throw wp::Error(WP_E_UNAVAILABLE, "graph.batch_incomplete",
                            "Graph did not answer every grant of the batch request.");
        }
    }
    return grants;
}

void revokeGrant(GraphClient& graph, const std::string& resourceSpId, const std::string& assignmentId) {
    graph.remove("/servicePrincipals/" + resourceSpId + "/appRoleAssignedTo/" + assignmentId, true);
}

void deleteApplication(GraphClient& graph, const std::string& objectId,
                       const std::string& servicePrincipalId) {
    if (!servicePrincipalId.empty())
        graph.remove("/servicePrincipals/" + servicePrincipalId, true);
    if (!objectId.empty())
        graph.remove("/applications/" + objectId, true);
}

std::vector<std::string> findApplicationsByMarker(GraphClient& graph, const std::string& displayName,
                                                  const std::string& marker) {
    auto result =
        graph.get(withQuery("/applications", {{"$filter", "displayName eq " + odataQuote(displayName)},
                                              {"$select", "id,appId,tags"}}));
    std::vector<std::string> ids;
    auto value = json::optArray(result.body, "value");
    for (unsigned i = 0; value && i < value->size(); ++i) {
        auto app = value->getObject(i);
        auto tags = json::strings(json::optArray(app, "tags"));
        // Only the application this run created carries its marker.
        if (std::find(tags.begin(), tags.end(), marker) != tags.end())
            ids.push_back(json::str(app, "id"));
    }
    return ids;
}

} // namespace m365
