// POST /v1.0/applications/{id}/addKey and /removeKey, also addressed by (appId='...') (facts 3.7):
// self-service certificate rotation guarded by a proof-of-possession JWT (graph_proof.cpp).
#include "crypto.h"
#include "graph_authorization.h"
#include "graph_common.h"
#include "graph_handlers.h"
#include "graph_json.h"
#include "graph_key_credentials.h"
#include "graph_proof.h"

#include <algorithm>

namespace emu::graph {

namespace {

/// Finds the addressed application and checks the caller: the application itself with an app-only token
/// ("An application does not need any specific permission to roll its own keys"), or an administrator
/// allowed to write applications.
Application& addressedApplication(DirectoryState& directory, const Request& request,
                                  const AccessTokenClaims& caller, bool byAppId) {
    std::string key = byAppId ? request.param("appId") : request.param("id");
    Application* application =
        byAppId ? directory.findApplicationByAppId(caller.tenantId, key) : directory.findApplication(key);
    bool self = application && isApplicationItself(caller, application->appId);
    if (!self && !isAllowed(caller, Operation::WriteApplications))
        throwForbidden();
    if (!application)
        throwNotFound(key);
    requireSameTenant(caller, application->tenantId, key);
    return *application;
}

std::string requireProof(const nlohmann::json& body) {
    auto proof = optionalString(body, "proof", "Application");
    if (!proof || proof->empty())
        throw GraphError(401, "Authentication_MissingOrMalformed", std::string(messages::kProofInvalid));
    return *proof;
}

Response addKey(ServiceContext& context, const Request& request, const AccessTokenClaims& caller,
                bool byAppId) {
    nlohmann::json body = requireJsonObject(request);
    auto directory = context.directory.lock();
    Application& application = addressedApplication(*directory, request, caller, byAppId);
    verifyProof(requireProof(body), application, context.clock.now());

    auto password = body.find("passwordCredential");
    if (password != body.end() && !password->is_null())
        throw GraphError(400, "Request_BadRequest", "The emulator does not support password credentials.");
    auto json = body.find("keyCredential");
    if (json == body.end() || json->is_null())
        throwInvalidProperty("keyCredential", "Application");
    KeyCredential credential = parseNewKeyCredential(*json, context.directory.newVisibleAt());
    bool duplicate =
        std::any_of(application.keyCredentials.begin(), application.keyCredentials.end(),
                    [&](const KeyCredential& existing) { return existing.keyId == credential.keyId; });
    if (duplicate)
        throw GraphError(400, "Request_BadRequest", "keyCredentials contains duplicate keyId values.");
    application.keyCredentials.push_back(credential);

    nlohmann::json result = toJson(credential, false);
    result["@odata.context"] = odataContext(request, "microsoft.graph.keyCredential");
    return Response::json(200, result);
}

Response removeKey(ServiceContext& context, const Request& request, const AccessTokenClaims& caller,
                   bool byAppId) {
    nlohmann::json body = requireJsonObject(request);
    auto directory = context.directory.lock();
    Application& application = addressedApplication(*directory, request, caller, byAppId);
    verifyProof(requireProof(body), application, context.clock.now());

    auto keyId = optionalString(body, "keyId", "Application");
    if (!keyId || !isGuid(*keyId))
        throwInvalidProperty("keyId", "Application");
    auto& credentials = application.keyCredentials;
    auto it = std::find_if(credentials.begin(), credentials.end(),
                           [&](const KeyCredential& credential) { return credential.keyId == *keyId; });
    if (it == credentials.end())
        throw GraphError(400, "Request_BadRequest",
                         "No key credential with keyId '" + *keyId + "' exists on the application.");
    // Graph lets an application remove any of its keys, even the one that signed this proof.
    credentials.erase(it);
    return Response::noContent();
}

} // namespace

void registerKeyRolloverRoutes(Router& router, ServiceContext& context) {
    auto& ctx = context;
    for (bool byAppId : {false, true}) {
        std::string base = byAppId ? "/v1.0/applications(appId='{appId}')" : "/v1.0/applications/{id}";
        addGraphRoute(router, ctx, "POST", base + "/addKey",
                      [&ctx, byAppId](const Request& r, const AccessTokenClaims& c) {
                          return addKey(ctx, r, c, byAppId);
                      });
        addGraphRoute(router, ctx, "POST", base + "/removeKey",
                      [&ctx, byAppId](const Request& r, const AccessTokenClaims& c) {
                          return removeKey(ctx, r, c, byAppId);
                      });
    }
}

} // namespace emu::graph
