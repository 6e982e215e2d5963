// device_code_flow.cpp -- see device_code_flow.h.
#include "device_code_flow.h"

#include "entra_error.h"
#include "json_scan.h"
#include "jwt.h"
#include "retry_policy.h"

#include <wp/error.hpp>

#include <algorithm>

namespace m365 {

/// The answer to the device authorization request (RFC 8628 section 3.2).
struct DeviceAuthorization {
    SecretBuffer deviceCode; ///< a secret: whoever has it can collect the admin's token
    wp::DeviceCode shown;
    int64_t expiresInMs = 0;
    int64_t deadlineMs = 0;    ///< monotonic time at which the code expires
    int64_t intervalMs = 5000; ///< when the server sends none
};

namespace {

constexpr int64_t kSlowDownStepMs = 5000; // RFC 8628 section 3.5
constexpr std::chrono::milliseconds kWaitSlice{250};

struct WipeOnExit {
    std::string& text;
    ~WipeOnExit() { wipeString(text); }
};

DeviceAuthorization parseAuthorization(std::string_view body, int64_t nowUnix) {
    // Scanned in place (json_scan.h): the device code goes from the body, which the caller wipes,
    // straight into a SecretBuffer.
    std::vector<JsonMember> members = scanJsonObject(body).value_or(std::vector<JsonMember>());
    auto text = [&](std::string_view name) {
        const JsonMember* member = findMember(members, name);
        if (member == nullptr || member->kind != JsonMember::Kind::String)
            return std::string();
        return unescapeJsonString(member->raw).value_or(std::string());
    };
    auto number = [&](std::string_view name, int64_t fallback) {
        const JsonMember* member = findMember(members, name);
        return member != nullptr ? memberInteger(*member).value_or(fallback) : fallback;
    };
    DeviceAuthorization authorization;
    authorization.deviceCode = SecretBuffer::adopt(text("device_code"));
    authorization.shown.userCode = text("user_code");
    authorization.shown.verificationUri = text("verification_uri");
    if (authorization.shown.verificationUri.empty())
        authorization.shown.verificationUri = text("verification_url"); // the v1 spelling
    authorization.shown.message = text("message");
    int64_t expiresIn = number("expires_in", 0);
    if (authorization.deviceCode.empty() || authorization.shown.userCode.empty() ||
        authorization.shown.verificationUri.empty() || expiresIn <= 0)
        throw wp::Error(WP_E_UNAVAILABLE, "aad.bad_device_code_response",
                        "Microsoft Entra ID sent an unusable device code response",
                        "Retry later; if it persists, check the authority host setting.");
    if (authorization.shown.message.empty())
        authorization.shown.message = "To sign in, open " + authorization.shown.verificationUri +
                                      " and enter the code " + authorization.shown.userCode + ".";
    authorization.expiresInMs = expiresIn * 1000;
    authorization.intervalMs = std::max<int64_t>(1, number("interval", 5)) * 1000;
    authorization.shown.expiresAtUnix = nowUnix + expiresIn;
    return authorization;
}

[[noreturn]] void throwCancelled() {
    throw wp::Error(WP_E_CANCELLED, "call.cancelled", "the sign-in was cancelled");
}

[[noreturn]] void throwExpired(int codes) {
    throw wp::Error(WP_E_TIMEOUT, "auth.device_code_expired",
                    codes == 1
                        ? std::string("the sign-in code expired before anyone used it")
                        : "all " + std::to_string(codes) + " sign-in codes expired before anyone used them",
                    "Run the action again and complete the sign-in within the time shown "
                    "(setting device_code_attempts allows more codes).");
}

void announceNewCode(const wp::Call& call, int next, int of) {
    std::string message =
        "code expired; new code requested (" + std::to_string(next) + " of " + std::to_string(of) + ")";
    call.event("{\"event\":\"device_code_expired\",\"attempt\":" + std::to_string(next) +
               ",\"of\":" + std::to_string(of) + ",\"message\":\"" + message + "\"}");
}

std::string joinScopes(const std::vector<std::string>& scopes) {
    std::string joined;
    for (const auto& scope : scopes)
        joined += (joined.empty() ? "" : " ") + scope;
    return joined;
}

} // namespace

DeviceCodeFlow::DeviceCodeFlow(std::shared_ptr<HttpTransport> transport, DeviceCodeSettings settings)
    : _transport(std::move(transport)), _settings(std::move(settings)) {
    if (!_transport)
        throw wp::Error(WP_E_INVALID_ARGUMENT, "auth.no_transport", "the sign-in needs a transport");
    if (_settings.scopes.empty())
        throw wp::Error(WP_E_INVALID_ARGUMENT, "auth.bad_scopes", "the sign-in needs at least one scope");
    for (const auto& scope : _settings.scopes)
        if (scope == "offline_access")
            throw wp::Error(WP_E_INVALID_ARGUMENT, "auth.bad_scopes",
                            "offline_access is not requested: the sign-in must not produce a refresh token");
    if (_settings.authority.empty() || _settings.tenant.empty() || _settings.clientId.empty())
        throw wp::Error(WP_E_INVALID_ARGUMENT, "auth.bad_settings",
                        "authority, tenant and client id are required");
    while (!_settings.authority.empty() && _settings.authority.back() == '/')
        _settings.authority.pop_back();
}

std::string DeviceCodeFlow::deviceCodeEndpoint() const {
    return _settings.authority + "/" + formEncode(_settings.tenant) + "/oauth2/v2.0/devicecode";
}

std::string DeviceCodeFlow::tokenEndpoint() const {
    return _settings.authority + "/" + formEncode(_settings.tenant) + "/oauth2/v2.0/token";
}

int64_t DeviceCodeFlow::monotonicMs() const {
    if (_settings.monotonicMs)
        return _settings.monotonicMs();
    return std::chrono::duration_cast<std::chrono::milliseconds>(
               std::chrono::steady_clock::now().time_since_epoch())
        .count();
}

int64_t DeviceCodeFlow::unixSeconds() const {
    return _settings.unixSeconds ? _settings.unixSeconds() : unixNow();
}

SignedInAdmin DeviceCodeFlow::signIn(const wp::Call& call) const {
    // Nobody can answer a prompt (a scheduled job): say so at once, without asking the server for a
    // code nobody will enter.
    if (!call.canPrompt())
        throw wp::Error(WP_E_AUTH_REQUIRED, "auth.interaction_required",
                        "an administrator must sign in, but nobody can answer a prompt now",
                        "Run the action again interactively.");
    call.throwIfCancelled();

    const std::string scope = joinScopes(_settings.scopes);
    const int codes = std::max(1, _settings.maxCodes);
    for (int attempt = 1;; ++attempt) {
        DeviceAuthorization authorization = requestCode(call, scope);
        if (auto admin = awaitSignIn(call, authorization, scope))
            return std::move(*admin);
        if (attempt >= codes)
            throwExpired(codes);
        announceNewCode(call, attempt + 1, codes);
    }
}

DeviceAuthorization DeviceCodeFlow::requestCode(const wp::Call& call, const std::string& scope) const {
    HttpRequest codeRequest;
    codeRequest.method = "POST";
    codeRequest.url = deviceCodeEndpoint();
    codeRequest.contentType = "application/x-www-form-urlencoded";
    codeRequest.body = "client_id=" + formEncode(_settings.clientId) + "&scope=" + formEncode(scope);
    // Nothing exists on the server until someone enters a code: a code whose answer was lost or
    // unreadable only expires unused. So every transient failure (throttling, 5xx, a lost connection, a
    // truncated or malformed answer) is simply asked again, paced and bounded by the retry policy.
    codeRequest.idempotent = true;
    return repeatWhileTransient(&call, _settings.codeRequestBudget,
                                [&] { return requestCodeOnce(call, codeRequest); });
}

DeviceAuthorization DeviceCodeFlow::requestCodeOnce(const wp::Call& call, const HttpRequest& request) const {
    HttpResponse codeResponse = _transport->send(request, &call);
    WipeOnExit wipeCodeResponse{codeResponse.body};
    if (!codeResponse.ok())
        throw entraError(codeResponse, "the sign-in code request");
    const int64_t started = monotonicMs();
    DeviceAuthorization authorization = parseAuthorization(codeResponse.body, unixSeconds());
    authorization.deadlineMs = started + authorization.expiresInMs;
    return authorization;
}

std::optional<SignedInAdmin> DeviceCodeFlow::awaitSignIn(const wp::Call& call,
                                                         const DeviceAuthorization& authorization,
                                                         const std::string& scope) const {
    const int64_t deadline = authorization.deadlineMs;
    wp::PromptGuard prompt = call.showDeviceCode(authorization.shown);

    HttpRequest poll;
    poll.method = "POST";
    poll.url = tokenEndpoint();
    poll.contentType = "application/x-www-form-urlencoded";
    poll.idempotent = true;
    poll.body = "grant_type=urn%3Aietf%3Aparams%3Aoauth%3Agrant-type%3Adevice_code&client_id=" +
                formEncode(_settings.clientId) +
                "&device_code=" + formEncode(authorization.deviceCode.view());
    WipeOnExit wipePoll{poll.body};

    int64_t intervalMs = authorization.intervalMs;
    int transientFailures = 0;
    for (;;) {
        // Wait one interval (in short slices, so a cancel is seen quickly), but never past the deadline.
        const int64_t wakeAt = std::min(monotonicMs() + intervalMs, deadline);
        for (int64_t now = monotonicMs(); now < wakeAt; now = monotonicMs()) {
            auto slice = std::min<int64_t>(wakeAt - now, kWaitSlice.count());
            if (!call.waitFor(std::chrono::milliseconds(slice)))
                throwCancelled();
        }
        if (call.cancelled())
            throwCancelled();
        if (monotonicMs() >= deadline)
            return std::nullopt;

        HttpResponse answer;
        try {
            answer = _transport->send(poll, &call);
        } catch (const wp::Error& e) {
            if (e.status() != WP_E_UNAVAILABLE || ++transientFailures > _settings.maxTransientFailures)
                throw;
            continue; // a network blip must not end a 15-minute sign-in
        }
        WipeOnExit wipeAnswer{answer.body};
        if (answer.ok()) {
            SignedInAdmin admin;
            admin.token = parseTokenResponse(answer.body, scope, unixSeconds());
            decodeAdminClaims(admin);
            return admin;
        }
        std::optional<EntraErrorBody> error = parseEntraErrorBody(answer.body);
        const std::string code = error ? error->error : std::string();
        if (code == "authorization_pending") {
            transientFailures = 0;
            continue;
        }
        if (code == "slow_down") {
            intervalMs += kSlowDownStepMs;
            continue;
        }
        if (code == "authorization_declined" || code == "access_denied")
            throw wp::Error(WP_E_AUTH_FAILED, "auth.declined", "the sign-in was declined",
                            "Run the action again and approve the sign-in.");
        if (code == "expired_token" || code == "code_expired" || (error && error->aadstsCode() == 70020))
            return std::nullopt;
        if (answer.status == 429 || answer.status >= 500) {
            if (++transientFailures > _settings.maxTransientFailures)
                throw entraError(answer, "the sign-in");
            if (auto retryAfter = parseRetryAfter(answer.header("Retry-After")))
                intervalMs = std::max<int64_t>(intervalMs, retryAfter->count());
            continue;
        }
        throw entraError(answer, "the sign-in");
    }
}

void decodeAdminClaims(SignedInAdmin& admin) noexcept {
    try {
        JwtClaims claims = decodeJwtUnverified(admin.token.token.view());
        admin.tenantId = claims.string("tid").value_or("");
        admin.objectId = claims.string("oid").value_or("");
        for (const char* name : {"upn", "preferred_username", "unique_name"}) {
            if (auto value = claims.string(name); value && !value->empty()) {
                admin.userPrincipalName = *value;
                break;
            }
        }
        admin.roleTemplateIds = claims.strings("wids");
        admin.scopes = claims.scopes();
        admin.claimsDecoded = true;
    } catch (...) {
        admin.claimsDecoded = false; // not a JWT (possible for some resources): callers fall back to Graph
    }
}

} // namespace m365
