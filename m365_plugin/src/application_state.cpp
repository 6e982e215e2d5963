#include "application_state.h"

#include "instance_record.h"
#include "json_util.h"

#include <map>

namespace m365 {

namespace {

std::vector<AppKeyCredential> parseKeys(const Poco::JSON::Array::Ptr& credentials) {
    std::vector<AppKeyCredential> keys;
    for (unsigned i = 0; credentials && i < credentials->size(); ++i) {
        auto entry = credentials->getObject(i);
        if (!entry)
            continue;
        AppKeyCredential key;
        key.keyId = json::optStr(entry, "keyId");
        key.type = json::optStr(entry, "type", "AsymmetricX509Cert");
        key.usage = json::optStr(entry, "usage", "Verify");
        key.displayName = json::optStr(entry, "displayName");
        key.customKeyIdentifier = json::optStr(entry, "customKeyIdentifier");
        key.startDateTime = parseIsoTime(json::optStr(entry, "startDateTime"));
        key.endDateTime = parseIsoTime(json::optStr(entry, "endDateTime"));
        keys.push_back(std::move(key));
    }
    return keys;
}

RoleRefs parseRequiredResourceAccess(const Poco::JSON::Array::Ptr& required) {
    RoleRefs roles;
    for (unsigned i = 0; required && i < required->size(); ++i) {
        auto entry = required->getObject(i);
        auto access = json::optArray(entry, "resourceAccess");
        for (unsigned j = 0; access && j < access->size(); ++j) {
            auto role = access->getObject(j);
            if (json::optStr(role, "type") == "Role")
                roles.insert({json::optStr(entry, "resourceAppId"), json::optStr(role, "id")});
        }
    }
    return roles;
}

struct ResourceRoles {
    std::string appId;
    std::map<std::string, std::string> names; ///< app role id -> value
};

ResourceRoles fetchResourceRoles(GraphClient& graph, const std::string& resourceSpId) {
    auto result = graph.get("/servicePrincipals/" + resourceSpId + "?$select=id,appId,appRoles");
    ResourceRoles roles;
    roles.appId = json::optStr(result.body, "appId");
    if (auto list = json::optArray(result.body, "appRoles")) {
        for (unsigned i = 0; i < list->size(); ++i) {
            auto role = list->getObject(i);
            roles.names[json::optStr(role, "id")] = json::optStr(role, "value");
        }
    }
    return roles;
}

} // namespace

ApplicationState readApplicationState(GraphClient& graph, const PermissionManifest& manifest,
                                      const std::string& applicationObjectId,
                                      const std::string& servicePrincipalId) {
    ApplicationState state;
    auto application = graph.get("/applications/" + applicationObjectId +
                                 "?$select=id,keyCredentials,requiredResourceAccess");
    state.keys = parseKeys(json::optArray(application.body, "keyCredentials"));
    state.requiredResourceAccessJson = json::optArray(application.body, "requiredResourceAccess");
    if (!state.requiredResourceAccessJson)
        state.requiredResourceAccessJson = new Poco::JSON::Array;
    state.requiredResourceAccess = parseRequiredResourceAccess(state.requiredResourceAccessJson);

    std::map<std::string, std::string> resourceKeys; // resource app id -> manifest key
    for (const auto& [key, resource] : manifest.resources())
        resourceKeys[resource.appId] = key;
    std::map<std::string, ResourceRoles> resources; // resource SP id -> its roles
    auto assignments = graph.get("/servicePrincipals/" + servicePrincipalId + "/appRoleAssignments");
    auto value = json::optArray(assignments.body, "value");
    for (unsigned i = 0; value && i < value->size(); ++i) {
        auto entry = value->getObject(i);
        AppRoleGrant grant;
        grant.assignmentId = json::optStr(entry, "id");
        grant.resourceSpId = json::optStr(entry, "resourceId");
        grant.appRoleId = json::optStr(entry, "appRoleId");
        auto known = resources.find(grant.resourceSpId);
        if (known == resources.end())
            known =
                resources.emplace(grant.resourceSpId, fetchResourceRoles(graph, grant.resourceSpId)).first;
        grant.resourceAppId = known->second.appId;
        auto key = resourceKeys.find(grant.resourceAppId);
        grant.resource = key != resourceKeys.end() ? key->second : grant.resourceAppId;
        auto name = known->second.names.find(grant.appRoleId);
        grant.name = name != known->second.names.end() ? name->second : std::string();
        state.grants.push_back(std::move(grant));
    }
    return state;
}

Poco::JSON::Object::Ptr keptKeyCredentialJson(const AppKeyCredential& key) {
    // An entry naming an existing keyId without key material keeps that credential as it is. Sending the
    // certificate again would make Graph treat it as a new upload (the emulator then hides it for the
    // replication delay, failing tokens of processes still using it), so the key stays out.
    Poco::JSON::Object::Ptr entry = new Poco::JSON::Object;
    entry->set("keyId", key.keyId);
    entry->set("type", key.type);
    entry->set("usage", key.usage);
    return entry;
}

void replaceKeyCredentials(GraphClient& graph, const std::string& applicationObjectId,
                           const Poco::JSON::Array::Ptr& keys) {
    Poco::JSON::Object::Ptr body = new Poco::JSON::Object;
    body->set("keyCredentials", keys);
    graph.patch("/applications/" + applicationObjectId, body);
}

void replaceRequiredResourceAccess(GraphClient& graph, const std::string& applicationObjectId,
                                   const Poco::JSON::Array::Ptr& access) {
    Poco::JSON::Object::Ptr body = new Poco::JSON::Object;
    body->set("requiredResourceAccess", access);
    graph.patch("/applications/" + applicationObjectId, body);
}

Poco::JSON::Array::Ptr keysWithout(const std::vector<AppKeyCredential>& keys,
                                   const std::set<std::string>& dropKeyIds, int64_t now) {
    Poco::JSON::Array::Ptr kept = new Poco::JSON::Array;
    for (const auto& key : keys) {
        bool expired = key.endDateTime != 0 && key.endDateTime <= now;
        if (!expired && !dropKeyIds.count(key.keyId))
            kept->add(keptKeyCredentialJson(key));
    }
    return kept->size() == keys.size() ? nullptr : kept;
}

} // namespace m365
