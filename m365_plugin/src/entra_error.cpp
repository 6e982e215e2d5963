// entra_error.cpp -- see entra_error.h.  What each error means for the user is DATA (the tables below);
// the code around them only looks entries up.
#include "entra_error.h"

#include <Poco/Exception.h>
#include <Poco/JSON/Array.h>
#include <Poco/JSON/Parser.h>

#include <algorithm>
#include <cctype>
#include <cstdlib>

namespace m365 {

namespace {

struct ErrorMeaning {
    wp_status status;
    const char* hint;
};

/// AADSTS numbers (entra-facts 1.5, 1.6, 2.6).  Microsoft says AADSTS numbers may change: anything
/// missing here falls back to the OAuth `error` table, then to the HTTP status.
struct AadstsEntry {
    long code;
    ErrorMeaning meaning;
};
constexpr AadstsEntry kAadsts[] = {
    {700016,
     {WP_E_INVALID_CONFIG, "The application is not (yet) known in this tenant. Right after setup this is "
                           "replication: retry in a minute; otherwise run setup again."}},
    {700027,
     {WP_E_AUTH_FAILED, "The certificate is not registered on the application (or was rotated). Run "
                        "validate, then setup or a certificate rotation."}},
    {50013,
     {WP_E_AUTH_FAILED,
      "The assertion signature did not verify against the registered certificate. Run validate."}},
    {700024,
     {WP_E_AUTH_FAILED, "The client assertion is outside its valid time range: check that this machine's "
                        "clock is correct (NTP)."}},
    {50012,
     {WP_E_AUTH_FAILED,
      "The client assertion was rejected: check this machine's clock and the certificate."}},
    {7000112,
     {WP_E_AUTH_FAILED, "The application is disabled in the tenant. Ask an administrator to enable it."}},
    {70001,
     {WP_E_AUTH_FAILED, "The application is disabled in the tenant. Ask an administrator to enable it."}},
    {50048, {WP_E_INTERNAL, "The assertion's subject and issuer differ: this is a bug, please report it."}},
    {70011, {WP_E_INVALID_CONFIG, "The requested scope is not valid for this resource."}},
    {700022, {WP_E_INVALID_ARGUMENT, "Ask for one resource per token request."}},
    {700023, {WP_E_INVALID_ARGUMENT, "The scope names no resource: use '<resource>/.default'."}},
    {500011,
     {WP_E_INVALID_CONFIG, "The resource (e.g. SharePoint or Exchange Online) does not exist in this tenant: "
                           "check the workloads and the SharePoint host."}},
    {7000218,
     {WP_E_INVALID_CONFIG, "The sign-in client does not allow public client flows: use a client id with "
                           "'Allow public client flows' enabled."}},
    {700025,
     {WP_E_INVALID_CONFIG, "The sign-in client is a public client: no secret or assertion may be sent."}},
    {90002, {WP_E_INVALID_CONFIG, "The tenant was not found: check the tenant name and the cloud setting."}},
    {50194, {WP_E_INVALID_CONFIG, "Use the tenant's id or domain instead of 'common'."}},
    {50059, {WP_E_INVALID_CONFIG, "Use the tenant's id or domain instead of 'common'."}},
    {9001023,
     {WP_E_INVALID_CONFIG, "App-only tokens need the tenant id or domain, not 'common' or 'consumers'."}},
    {50196, {WP_E_UNAVAILABLE, "Too many identical requests: wait a minute before retrying."}},
    {53003,
     {WP_E_PERMISSION_DENIED, "A Conditional Access policy blocked this sign-in. Ask an administrator to "
                              "allow it or use another sign-in method."}},
    {65001,
     {WP_E_PERMISSION_DENIED, "Consent is missing: an administrator must consent to the permissions."}},
    {65002,
     {WP_E_INVALID_CONFIG,
      "The sign-in client is not pre-authorized for these scopes: set another client_id."}},
    {50076, {WP_E_AUTH_REQUIRED, "Multi-factor authentication is required: sign in again interactively."}},
    {50079,
     {WP_E_AUTH_REQUIRED,
      "Multi-factor authentication registration is required: sign in again interactively."}},
    {50126, {WP_E_AUTH_FAILED, "The user name or password is wrong."}},
    {50105, {WP_E_PERMISSION_DENIED, "The signed-in user is not assigned to the sign-in application."}},
    {50034, {WP_E_AUTH_FAILED, "The user account does not exist in this tenant."}},
    {70016, {WP_E_UNAVAILABLE, "The sign-in is still pending."}},
    {70018, {WP_E_AUTH_FAILED, "The code was entered wrongly: start the sign-in again."}},
    {70019, {WP_E_TIMEOUT, "The sign-in code expired: start the sign-in again."}},
    {70020, {WP_E_TIMEOUT, "The sign-in code expired: start the sign-in again."}},
    {90120, {WP_E_AUTH_FAILED, "The code was already used or declined: start the sign-in again."}},
    {900561, {WP_E_INTERNAL, "The endpoint only accepts POST requests: this is a bug, please report it."}},
};

/// OAuth 2.0 / RFC 8628 `error` values.
struct OAuthEntry {
    const char* error;
    ErrorMeaning meaning;
};
constexpr OAuthEntry kOAuthErrors[] = {
    {"authorization_declined",
     {WP_E_AUTH_FAILED, "The administrator declined the sign-in. Run the action again to retry."}},
    {"access_denied", {WP_E_AUTH_FAILED, "The sign-in was denied. Run the action again to retry."}},
    {"expired_token", {WP_E_TIMEOUT, "The sign-in code expired before it was used. Run the action again."}},
    {"bad_verification_code",
     {WP_E_AUTH_FAILED, "The sign-in code was not recognised. Run the action again."}},
    {"authorization_pending", {WP_E_UNAVAILABLE, "The sign-in is still pending."}},
    {"slow_down", {WP_E_UNAVAILABLE, "The server asked to poll more slowly."}},
    {"invalid_client", {WP_E_AUTH_FAILED, "The application's credential was rejected. Run validate."}},
    {"unauthorized_client", {WP_E_INVALID_CONFIG, "The application may not use this flow in this tenant."}},
    {"invalid_grant", {WP_E_AUTH_FAILED, "The grant was rejected. Sign in again."}},
    {"invalid_scope", {WP_E_INVALID_CONFIG, "A requested scope is not valid."}},
    {"invalid_request",
     {WP_E_INVALID_CONFIG, "The request was rejected as malformed; check the tenant and client settings."}},
    {"invalid_resource", {WP_E_INVALID_CONFIG, "The resource does not exist in this tenant."}},
    {"interaction_required", {WP_E_AUTH_REQUIRED, "A person must sign in interactively."}},
    {"consent_required", {WP_E_PERMISSION_DENIED, "An administrator must consent to the permissions."}},
    {"temporarily_unavailable",
     {WP_E_UNAVAILABLE, "Microsoft Entra ID is temporarily unavailable: retry later."}},
    {"unsupported_grant_type",
     {WP_E_INTERNAL, "The grant type is not supported: this is a bug, please report it."}},
};

/// Graph `error.code` values (entra-facts 3.9, 3.11).
struct GraphEntry {
    const char* code;
    ErrorMeaning meaning;
};
constexpr GraphEntry kGraphErrors[] = {
    {"Authorization_RequestDenied",
     {WP_E_PERMISSION_DENIED,
      "The signed-in account or the application lacks a role or permission for this operation."}},
    {"accessDenied", {WP_E_PERMISSION_DENIED, "The caller lacks a permission for this operation."}},
    {"Authorization_IdentityNotFound",
     {WP_E_PERMISSION_DENIED,
      "The application's identity was not found in the tenant (replication, or it was deleted)."}},
    {"Authentication_MissingOrMalformed", {WP_E_AUTH_FAILED, "The token or proof was missing or malformed."}},
    {"InvalidAuthenticationToken",
     {WP_E_AUTH_FAILED, "The access token was rejected (expired or malformed): acquire a new one."}},
    {"Request_ResourceNotFound", {WP_E_NOT_FOUND, "The object does not exist (or has not replicated yet)."}},
    {"itemNotFound", {WP_E_NOT_FOUND, "The object does not exist."}},
    {"Request_BadRequest",
     {WP_E_INVALID_ARGUMENT,
      "Graph rejected the request. Right after a create this can be replication: retry shortly."}},
    {"invalidRequest", {WP_E_INVALID_ARGUMENT, "Graph rejected the request as invalid."}},
    {"KeyCredentialsInvalidEndDate",
     {WP_E_INVALID_CONFIG, "The certificate end date is not accepted: use a shorter validity_days."}},
    {"Request_MultipleObjectsWithSameKeyValue",
     {WP_E_CONFLICT, "An object with the same key already exists."}},
    {"nameAlreadyExists", {WP_E_CONFLICT, "An object with that name already exists."}},
    {"resourceModified", {WP_E_CONFLICT, "The object changed meanwhile: retry."}},
    {"Directory_QuotaExceeded", {WP_E_INVALID_CONFIG, "The tenant's directory quota is exhausted."}},
    {"TooManyRequests",
     {WP_E_UNAVAILABLE, "Microsoft Graph is throttling: retry after the indicated delay."}},
    {"activityLimitReached", {WP_E_UNAVAILABLE, "Microsoft Graph is throttling: retry later."}},
    {"serviceNotAvailable", {WP_E_UNAVAILABLE, "Microsoft Graph is temporarily unavailable: retry later."}},
    {"generalException", {WP_E_UNAVAILABLE, "Microsoft Graph reported an internal error: retry later."}},
    {"notSupported", {WP_E_UNSUPPORTED, "Microsoft Graph does not support this operation here."}},
};

/// Fallback by HTTP status.
ErrorMeaning meaningOfHttpStatus(int status) {
    if (status == 429 || status >= 500)
        return {WP_E_UNAVAILABLE, "The service is busy or unavailable: retry later."};
    switch (status) {
    case 400:
        return {WP_E_INVALID_ARGUMENT, ""};
    case 401:
        return {WP_E_AUTH_FAILED, ""};
    case 403:
        return {WP_E_PERMISSION_DENIED, ""};
    case 404:
        return {WP_E_NOT_FOUND, ""};
    case 409:
    case 412:
        return {WP_E_CONFLICT, ""};
    default:
        return {WP_E_INTERNAL, ""};
    }
}

Poco::JSON::Object::Ptr parseObject(std::string_view body) {
    if (body.empty() || body.size() > (1u << 20))
        return nullptr;
    try {
        Poco::JSON::Parser parser;
        Poco::Dynamic::Var value = parser.parse(std::string(body));
        if (value.type() == typeid(Poco::JSON::Object::Ptr))
            return value.extract<Poco::JSON::Object::Ptr>();
    } catch (const Poco::Exception&) {
    }
    return nullptr;
}

std::string stringField(const Poco::JSON::Object::Ptr& object, const std::string& name) {
    if (!object || !object->has(name))
        return {};
    Poco::Dynamic::Var value = object->get(name);
    return value.isString() ? value.extract<std::string>() : std::string();
}

std::string httpStatusCode(int status) {
    return "http_" + std::to_string(status);
}

} // namespace

long EntraErrorBody::aadstsCode() const {
    if (!errorCodes.empty())
        return errorCodes.front();
    if (description.rfind("AADSTS", 0) == 0)
        return std::strtol(description.c_str() + 6, nullptr, 10);
    return 0;
}

std::optional<EntraErrorBody> parseEntraErrorBody(std::string_view body) {
    Poco::JSON::Object::Ptr object = parseObject(body);
    if (!object || !object->has("error") || !object->get("error").isString())
        return std::nullopt;
    EntraErrorBody parsed;
    parsed.error = stringField(object, "error");
    parsed.description = firstLine(stringField(object, "error_description"));
    parsed.traceId = stringField(object, "trace_id");
    parsed.correlationId = stringField(object, "correlation_id");
    parsed.timestamp = stringField(object, "timestamp");
    if (Poco::JSON::Array::Ptr codes = object->getArray("error_codes")) {
        for (std::size_t i = 0; i < codes->size(); ++i) {
            Poco::Dynamic::Var code = codes->get(static_cast<unsigned int>(i));
            try {
                parsed.errorCodes.push_back(code.convert<long>());
            } catch (const Poco::Exception&) {
            }
        }
    }
    return parsed;
}

std::optional<GraphErrorBody> parseGraphErrorBody(std::string_view body) {
    Poco::JSON::Object::Ptr object = parseObject(body);
    Poco::JSON::Object::Ptr error = object ? object->getObject("error") : nullptr;
    if (!error)
        return std::nullopt;
    GraphErrorBody parsed;
    parsed.code = stringField(error, "code");
    if (Poco::JSON::Object::Ptr message = error->getObject("message"))
        parsed.message = firstLine(stringField(message, "value")); // legacy {lang, value}
    else
        parsed.message = firstLine(stringField(error, "message"));
    // "innerError" in practice, "innererror" in older documents; it may nest further.
    Poco::JSON::Object::Ptr inner = error->getObject("innerError");
    if (!inner)
        inner = error->getObject("innererror");
    for (int depth = 0; inner && depth < 8; ++depth) {
        if (parsed.requestId.empty())
            parsed.requestId = stringField(inner, "request-id");
        if (parsed.clientRequestId.empty())
            parsed.clientRequestId = stringField(inner, "client-request-id");
        if (parsed.date.empty())
            parsed.date = stringField(inner, "date");
        std::string code = stringField(inner, "code");
        if (!code.empty())
            parsed.innerCode = code;
        Poco::JSON::Object::Ptr next = inner->getObject("innerError");
        inner = next ? next : inner->getObject("innererror");
    }
    return parsed;
}

ServiceError::ServiceError(wp_status status, std::string code, std::string message, std::string hint,
                           int httpStatus, std::string requestId, std::string correlationId,
                           std::optional<std::chrono::milliseconds> retryAfter)
    : wp::Error(status, std::move(code), std::move(message), std::move(hint)), _httpStatus(httpStatus),
      _requestId(std::move(requestId)), _correlationId(std::move(correlationId)), _retryAfter(retryAfter) {}

ServiceError entraError(const HttpResponse& response, std::string_view what) {
    auto retryAfter = parseRetryAfter(response.header("Retry-After"));
    std::optional<EntraErrorBody> body = parseEntraErrorBody(response.body);
    if (!body) {
        ErrorMeaning meaning = meaningOfHttpStatus(response.status);
        return ServiceError(meaning.status, "aad." + httpStatusCode(response.status),
                            "Microsoft Entra ID answered HTTP " + std::to_string(response.status) +
                                " while " + std::string(what),
                            meaning.hint, response.status, {}, {}, retryAfter);
    }
    // The code names the AADSTS number when there is one (the most specific, and what support articles
    // cite), else the OAuth error.  The meaning comes from the number's entry, else the error's, else
    // the HTTP status.
    long aadsts = body->aadstsCode();
    std::string code = aadsts != 0 ? "aad.AADSTS" + std::to_string(aadsts) : "aad." + body->error;
    std::optional<ErrorMeaning> meaning;
    for (const auto& entry : kAadsts)
        if (entry.code == aadsts)
            meaning = entry.meaning;
    if (!meaning)
        for (const auto& entry : kOAuthErrors)
            if (body->error == entry.error)
                meaning = entry.meaning;
    if (!meaning)
        meaning = meaningOfHttpStatus(response.status);
    if (response.status == 429 || response.status >= 500)
        meaning->status = WP_E_UNAVAILABLE; // whatever the body says, the server asked us to come back later
    std::string message = "Microsoft Entra ID refused " + std::string(what) + ": " +
                          (body->description.empty() ? body->error : body->description);
    return ServiceError(meaning->status, std::move(code), std::move(message), meaning->hint, response.status,
                        body->traceId, body->correlationId, retryAfter);
}

ServiceError graphError(const HttpResponse& response, std::string_view what) {
    auto retryAfter = parseRetryAfter(response.header("Retry-After"));
    std::optional<GraphErrorBody> body = parseGraphErrorBody(response.body);
    std::string requestId = response.header("request-id");
    std::string clientRequestId = response.header("client-request-id");
    ErrorMeaning meaning = meaningOfHttpStatus(response.status);
    std::string code = "graph." + httpStatusCode(response.status);
    std::string message =
        "Microsoft Graph answered HTTP " + std::to_string(response.status) + " while " + std::string(what);
    if (body && !body->code.empty()) {
        code = "graph." + body->code;
        for (const auto& entry : kGraphErrors)
            if (body->code == entry.code)
                meaning = entry.meaning;
        if (!body->message.empty())
            message += ": " + body->message;
        if (!body->requestId.empty())
            requestId = body->requestId;
        if (!body->clientRequestId.empty())
            clientRequestId = body->clientRequestId;
    }
    if (response.status == 429 || response.status >= 500)
        meaning.status = WP_E_UNAVAILABLE;
    return ServiceError(meaning.status, std::move(code), std::move(message), meaning.hint, response.status,
                        std::move(requestId), std::move(clientRequestId), retryAfter);
}

std::string firstLine(std::string_view text, std::size_t maxLength) {
    std::size_t end = text.find_first_of("\r\n");
    if (end != std::string_view::npos)
        text = text.substr(0, end);
    // Entra sometimes joins " Trace ID: ..." onto the same line.
    for (const char* tail : {" Trace ID:", " Correlation ID:", " Timestamp:"}) {
        std::size_t at = text.find(tail);
        if (at != std::string_view::npos)
            text = text.substr(0, at);
    }
    while (!text.empty() && std::isspace(static_cast<unsigned char>(text.back())))
        text.remove_suffix(1);
    if (text.size() <= maxLength)
        return std::string(text);
    std::size_t cut = maxLength;
    while (cut > 0 && (static_cast<unsigned char>(text[cut]) & 0xC0u) == 0x80u)
        --cut;
    return std::string(text.substr(0, cut)) + "...";
}

} // namespace m365
