#include "device_code.h"

#include "cloud_profile.h"
#include "errors.h"
#include "token_issuer.h"

#include <algorithm>

namespace emu {

namespace {
constexpr std::string_view kUserCodeAlphabet = "ABCDEFGHJKLMNPQRSTUVWXYZ23456789"; // no 0/O, 1/I

std::string newUserCode() {
    Bytes random = randomBytes(9);
    std::string code;
    for (auto byte : random)
        code += kUserCodeAlphabet[byte % kUserCodeAlphabet.size()];
    return code;
}

// The public client `clientId` as seen from `tenantId` (empty: any tenant, for organizations/common):
// a seeded first-party client, or an application registered with isFallbackPublicClient.
std::optional<PublicClient> findPublicClient(DirectoryState& state, const Directory& directory,
                                             const std::string& tenantId, const std::string& clientId) {
    if (const PublicClient* client = state.findPublicClient(clientId))
        return *client;
    for (const auto& [id, app] : state.applications)
        if (app.appId == clientId && app.isFallbackPublicClient && directory.isVisible(app.visibleAt) &&
            (tenantId.empty() || app.tenantId == tenantId))
            return PublicClient{app.appId, app.displayName, {}};
    return std::nullopt;
}

bool isConfidentialApp(DirectoryState& state, const std::string& clientId) {
    return std::any_of(state.applications.begin(), state.applications.end(),
                       [&](const auto& entry) { return entry.second.appId == clientId; });
}

Response unknownClient(const Request& request, const std::string& clientId, const std::string& tenantName) {
    return entraError(
        400, "unauthorized_client", 700016,
        "Application with identifier '" + clientId + "' was not found in the directory '" + tenantName +
            "'. This can happen if the application has not been installed by the administrator of "
            "the tenant or consented to by any user in the tenant. You may have sent your "
            "authentication request to the wrong tenant.",
        request);
}

Response invalidDeviceCode(const Request& request) {
    return entraError(400, "invalid_grant", 70000,
                      "The provided value for the input parameter 'device_code' is not valid.", request);
}

std::string tenantName(const TenantSegment& tenant, const std::string& segment) {
    return tenant.tenant ? tenant.tenant->displayName : segment;
}
} // namespace

Response deviceAuthorization(ServiceContext& context, const IdentityOptions& options,
                             const Request& request) {
    const std::string segment = request.param("tenant");
    TenantSegment tenant = resolveTenantSegment(context.directory, segment);
    if (tenant.kind == TenantSegment::Kind::Unknown)
        return unknownTenant(request, segment);
    const StringMap form = request.formFields();
    const std::string clientId = form.count("client_id") ? form.at("client_id") : "";
    if (clientId.empty())
        return missingParameter(request, "client_id");
    const std::string scope = form.count("scope") ? form.at("scope") : "";
    if (scope.empty())
        return missingParameter(request, "scope");

    ParsedScope parsed = parseScope(scope);
    const auto resources = distinctResources(parsed);
    if (resources.size() > 1)
        return entraError(
            400, "invalid_scope", 700022,
            "The provided value for the input parameter scope is not valid because it contains more "
            "than one resource. Scope " +
                scope + " is not valid.",
            request);
    if (!resources.empty() && tenant.tenant && !resolveResource(*tenant.tenant, resources.front()))
        return entraError(400, "invalid_resource", 500011,
                          "The resource principal named " + resources.front() +
                              " was not found in the tenant named " + tenant.tenant->displayName + ".",
                          request);

    const std::string tenantId = tenant.tenant ? tenant.tenant->id : "";
    DeviceCodeGrant grant;
    {
        auto state = context.directory.lock();
        if (!findPublicClient(*state, context.directory, tenantId, clientId)) {
            if (isConfidentialApp(*state, clientId))
                return entraError(
                    401, "invalid_client", 7000218,
                    "The request body must contain the following parameter: 'client_assertion' or "
                    "'client_secret'.",
                    request);
            return unknownClient(request, clientId, tenantName(tenant, segment));
        }
        grant.deviceCode = "DAQABIQEAAAD" + base64UrlEncode(randomBytes(48));
        grant.userCode = newUserCode();
        grant.clientId = clientId;
        grant.tenantSegment = segment;
        grant.tenantId = tenantId;
        grant.scope = scope;
        grant.createdAt = context.clock.now();
        grant.expiresAt = grant.createdAt + options.deviceCodeLifetime;
        grant.interval = options.deviceCodeInterval;
        // Forget codes that expired long ago so a long-running emulator does not grow without bound.
        std::erase_if(state->deviceCodes, [&](const auto& entry) {
            return entry.second.expiresAt + std::chrono::hours(1) < grant.createdAt;
        });
        state->deviceCodes.emplace(grant.deviceCode, grant);
    }
    const std::string verificationUri = request.baseUrl + "/devicelogin";
    Response response =
        Response::json(200, {{"user_code", grant.userCode},
                             {"device_code", grant.deviceCode},
                             {"verification_uri", verificationUri},
                             {"expires_in", options.deviceCodeLifetime.count()},
                             {"interval", options.deviceCodeInterval.count()},
                             {"message", "To sign in, use a web browser to open the page " + verificationUri +
                                             " and enter the code " + grant.userCode + " to authenticate."}});
    response.statsKey = "POST devicecode";
    return response;
}

DeviceCodeDecision decideDeviceCode(ServiceContext& context, std::string_view userCode, bool approve,
                                    std::string_view upn) {
    DeviceCodeDecision decision;
    auto state = context.directory.lock();
    DeviceCodeGrant* grant = state->findDeviceCodeByUserCode(userCode);
    if (!grant || userCode.empty()) {
        decision.httpStatus = 404;
        decision.message = "That code didn't work. Check the code and try again.";
        return decision;
    }
    if (context.clock.now() >= grant->expiresAt) {
        decision.httpStatus = 409;
        decision.message =
            "The code you entered has expired. Get a new code from the device you're trying to sign "
            "in to and try again.";
        return decision;
    }
    if (grant->status != DeviceCodeStatus::Pending) {
        decision.httpStatus = 409;
        decision.message = "This request was already authorized or declined.";
        return decision;
    }
    if (const PublicClient* client = state->findPublicClient(grant->clientId))
        decision.clientName = client->displayName;
    else if (auto it = std::find_if(state->applications.begin(), state->applications.end(),
                                    [&](const auto& e) { return e.second.appId == grant->clientId; });
             it != state->applications.end())
        decision.clientName = it->second.displayName;
    if (!approve) {
        grant->status = DeviceCodeStatus::Denied;
        decision.ok = true;
        decision.message = "You have declined to sign in to " + decision.clientName + " on your device.";
        return decision;
    }
    const User* user = state->findUserByUpn(upn);
    if (!user || (!grant->tenantId.empty() && user->tenantId != grant->tenantId)) {
        decision.httpStatus = 400;
        decision.message = "This account does not exist in the tenant the application asked for.";
        return decision;
    }
    grant->status = DeviceCodeStatus::Approved;
    grant->userId = user->id;
    grant->tenantId = user->tenantId;
    decision.ok = true;
    decision.upn = user->userPrincipalName;
    decision.message = "You have signed in to the " + decision.clientName +
                       " application on your device as " + user->userPrincipalName +
                       ". You may now close this window.";
    return decision;
}

Response deviceCodeTokenGrant(ServiceContext& context, const IdentityOptions& options, const Request& request,
                              const StringMap& form) {
    auto field = [&form](const char* name) { return form.count(name) ? form.at(name) : std::string(); };
    const std::string segment = request.param("tenant");
    TenantSegment tenant = resolveTenantSegment(context.directory, segment);
    if (tenant.kind == TenantSegment::Kind::Unknown)
        return unknownTenant(request, segment);
    const std::string clientId = field("client_id");
    if (clientId.empty())
        return missingParameter(request, "client_id");
    if (!field("client_assertion").empty() || !field("client_secret").empty())
        return entraError(
            401, "invalid_client", 700025,
            "Client is public so neither 'client_assertion' nor 'client_secret' should be presented.",
            request);
    const std::string deviceCode = field("device_code");
    if (deviceCode.empty())
        return missingParameter(request, "device_code");

    DelegatedGrant issued;
    std::string grantedScope;
    bool wantsRefresh = false, wantsIdToken = false;
    {
        auto state = context.directory.lock();
        const std::string tenantId = tenant.tenant ? tenant.tenant->id : "";
        auto client = findPublicClient(*state, context.directory, tenantId, clientId);
        if (!client)
            return unknownClient(request, clientId, tenantName(tenant, segment));
        auto it = state->deviceCodes.find(deviceCode);
        if (it == state->deviceCodes.end() || it->second.clientId != clientId ||
            it->second.tenantSegment != segment)
            return invalidDeviceCode(request);
        DeviceCodeGrant& grant = it->second;
        const TimePoint now = context.clock.now();
        if (now >= grant.expiresAt)
            return entraError(
                400, "expired_token", 70020,
                "The provided value for the input parameter 'device_code' is not valid. This device "
                "code has expired.",
                request);
        if (grant.redeemed)
            return entraError(400, "invalid_grant", 54005,
                              "OAuth2 Authorization code was already redeemed, please "
                              "retry with a new valid code or use an existing refresh token.",
                              request);
        // RFC 8628 3.5: a client polling faster than `interval` is told to slow down (200 ms slack for
        // timers).
        const bool tooSoon =
            grant.lastPollAt && now - *grant.lastPollAt + std::chrono::milliseconds(200) < grant.interval;
        grant.lastPollAt = now;
        if (grant.status == DeviceCodeStatus::Denied)
            return entraError(400, "authorization_declined", 70000,
                              "The user declined the sign-in request (authorization_declined).", request);
        if (tooSoon && grant.status == DeviceCodeStatus::Pending) {
            grant.interval += std::chrono::seconds(5); // RFC 8628 3.5: +5 s for this and later polls
            return entraError(
                400, "slow_down", 70016,
                "OAuth 2.0 device flow error. Polling too frequently: wait for the interval before "
                "polling again.",
                request);
        }
        if (grant.status == DeviceCodeStatus::Pending)
            return entraError(400, "authorization_pending", 70016,
                              "OAuth 2.0 device flow error. Authorization is pending. Continue polling.",
                              request);

        const User* user = state->findUser(grant.userId);
        const Tenant* home = state->findTenant(grant.tenantId);
        if (!user || !home)
            return invalidDeviceCode(request);
        ParsedScope parsed = parseScope(grant.scope);
        const auto resources = distinctResources(parsed);
        auto resource =
            resolveResource(*home, resources.empty() ? activeCloud().graphResource : resources.front());
        if (!resource)
            return entraError(400, "invalid_resource", 500011,
                              "The resource principal named " + resources.front() +
                                  " was not found in the tenant named " + home->displayName + ".",
                              request);
        for (const auto& [res, permission] : parsed.permissions) {
            if (permission == ".default") {
                for (const auto& scope : client->defaultScopes)
                    if (std::find(issued.scopes.begin(), issued.scopes.end(), scope) == issued.scopes.end())
                        issued.scopes.push_back(scope);
            } else if (std::find(issued.scopes.begin(), issued.scopes.end(), permission) ==
                       issued.scopes.end()) {
                issued.scopes.push_back(permission);
            }
        }
        for (const auto& oidc : parsed.oidc) {
            wantsRefresh = wantsRefresh || oidc == "offline_access";
            wantsIdToken = wantsIdToken || oidc == "openid";
        }
        grant.redeemed = true;
        issued.user = *user;
        issued.tenantId = home->id;
        issued.clientId = clientId;
        issued.resource = *resource;
        for (const auto& scope : issued.scopes)
            grantedScope += (grantedScope.empty() ? "" : " ") +
                            (resource->isGraph() ? scope : resource->identifier + "/" + scope);
        for (const auto& oidc : parsed.oidc)
            if (oidc != "offline_access")
                grantedScope += (grantedScope.empty() ? "" : " ") + oidc;
    }
    nlohmann::json body = {
        {"token_type", "Bearer"},
        {"scope", grantedScope},
        {"expires_in", options.accessTokenLifetime.count()},
        {"ext_expires_in", options.accessTokenLifetime.count()},
        {"access_token", issueDelegatedAccessToken(context, request, issued, options.accessTokenLifetime)}};
    if (wantsRefresh)
        body["refresh_token"] = "0.AAAA" + base64UrlEncode(randomBytes(64)); // opaque; not redeemable here
    if (wantsIdToken)
        body["id_token"] = issueIdToken(context, request, issued, options.accessTokenLifetime);
    if (field("client_info") == "1")
        body["client_info"] = clientInfo(issued.user.id, issued.tenantId);
    Response response = Response::json(200, body);
    response.headers["Cache-Control"] = "no-store, no-cache";
    return response;
}

} // namespace emu
