// retry_policy.cpp -- see retry_policy.h. Which failure is which kind is DATA (the tables below); the
// functions only look entries up.
#include "retry_policy.h"

#include "entra_error.h"

#include <Poco/DateTimeParser.h>
#include <Poco/Exception.h>
#include <Poco/String.h>
#include <Poco/Timestamp.h>

#include <algorithm>
#include <cctype>
#include <cmath>
#include <cstdlib>
#include <random>
#include <string>

namespace m365 {

namespace {

struct CodeKind {
    const char* code;
    FailureKind kind;
};

/// Failures known by their stable code. Codes not listed fall back to the HTTP status rules, then to
/// kByStatus.
constexpr CodeKind kByCode[] = {
    // Transport (transport_errors.cpp): a dropped or slow connection heals; TLS and proxy refusals and
    // a CA file that cannot be read need someone to fix the setup.
    {"net.timeout", FailureKind::Transient},
    {"net.connection_lost", FailureKind::Transient},
    {"net.connect_failed", FailureKind::Transient},
    {"net.tls_verify_failed", FailureKind::NeedsPerson},
    {"net.tls_failed", FailureKind::NeedsPerson},
    {"net.proxy_failed", FailureKind::NeedsPerson},
    {"net.ca_file_unreadable", FailureKind::NeedsPerson},
    {"net.response_too_large", FailureKind::Permanent},
    {"net.bad_url", FailureKind::Permanent},
    // A success status with an unreadable body: a broken proxy or a truncated answer, worth another try.
    {"aad.bad_token_response", FailureKind::Transient},
    {"aad.bad_device_code_response", FailureKind::Transient},
    {"graph.malformed_response", FailureKind::Transient},
    // Replication symptoms right after a create (entra-facts 3.10): the application or its new key is
    // not known to the token endpoint yet, the service principal not to Graph.
    {"aad.AADSTS700016", FailureKind::Replication},
    {"aad.AADSTS700027", FailureKind::Replication},
    {"graph.Request_ResourceNotFound", FailureKind::Replication},
    {"graph.Authorization_IdentityNotFound", FailureKind::Replication},
};

struct StatusKind {
    wp_status status;
    FailureKind kind;
};

/// The fallback by plugin status: what the error maps (entra_error.cpp) say the failure means.
constexpr StatusKind kByStatus[] = {
    {WP_E_UNAVAILABLE, FailureKind::Transient},         {WP_E_CANCELLED, FailureKind::Cancelled},
    {WP_E_AUTH_REQUIRED, FailureKind::NeedsPerson},     {WP_E_AUTH_FAILED, FailureKind::NeedsPerson},
    {WP_E_PERMISSION_DENIED, FailureKind::NeedsPerson}, {WP_E_INVALID_CONFIG, FailureKind::NeedsPerson},
    {WP_E_TIMEOUT, FailureKind::NeedsPerson},
};

bool isTransientHttpStatus(int status) {
    return status == 408 || status == 429 || status >= 500;
}

/// Graph's 400 Request_BadRequest "Not a valid reference update." / "... does not reference a valid
/// application" is the replication symptom; "Permission being assigned already exists" shares the code
/// but is final.
bool isBadReferenceRequest(const ServiceError& error) {
    if (error.httpStatus() != 400)
        return false;
    // A 400 whose body could not be read (graph.http_400: cut or garbled) may be that symptom too: it
    // counts as replication, so only a step that just created the object waits it out (bounded).
    if (error.code() == std::string("graph") + ".http_400")
        return true;
    return error.code() == "graph.Request_BadRequest" &&
           Poco::toLower(std::string(error.what())).find("already exists") == std::string::npos;
}

double drawUnit() {
    thread_local std::mt19937_64 engine{std::random_device{}()};
    return std::uniform_real_distribution<double>(0.0, 1.0)(engine);
}

std::string_view trimmed(std::string_view value) {
    while (!value.empty() && std::isspace(static_cast<unsigned char>(value.front())))
        value.remove_prefix(1);
    while (!value.empty() && std::isspace(static_cast<unsigned char>(value.back())))
        value.remove_suffix(1);
    return value;
}

} // namespace

const char* toString(FailureKind kind) noexcept {
    switch (kind) {
    case FailureKind::Transient:
        return "transient";
    case FailureKind::Replication:
        return "replication";
    case FailureKind::Permanent:
        return "permanent";
    case FailureKind::NeedsPerson:
        return "needs-a-person";
    case FailureKind::Cancelled:
        return "cancelled";
    }
    return "permanent";
}

FailureClass classifyFailure(const wp::Error& error) {
    if (error.status() == WP_E_CANCELLED)
        return {FailureKind::Cancelled, error.status()};
    const auto* service = dynamic_cast<const ServiceError*>(&error);
    // Whatever the body says, 429 and 5xx ask the client to come back later.
    if (service != nullptr && isTransientHttpStatus(service->httpStatus()))
        return {FailureKind::Transient, WP_E_UNAVAILABLE};
    for (const auto& entry : kByCode)
        if (error.code() == entry.code)
            return {entry.kind, error.status()};
    if (service != nullptr && (service->httpStatus() == 404 || isBadReferenceRequest(*service)))
        return {FailureKind::Replication, error.status()};
    for (const auto& entry : kByStatus)
        if (error.status() == entry.status)
            return {entry.kind, error.status()};
    return {FailureKind::Permanent, error.status()};
}

std::optional<std::chrono::milliseconds> retryAfterOf(const wp::Error& error) {
    const auto* service = dynamic_cast<const ServiceError*>(&error);
    return service != nullptr ? service->retryAfter() : std::nullopt;
}

bool outcomeUnknown(const wp::Error& error) {
    if (classifyFailure(error).kind != FailureKind::Transient)
        return false; // the service answered with a refusal: nothing happened
    const auto* service = dynamic_cast<const ServiceError*>(&error);
    return service == nullptr || service->httpStatus() != 429;
}

std::optional<std::chrono::milliseconds> parseRetryAfter(std::string_view value) {
    return parseRetryAfter(value, Poco::Timestamp().epochMicroseconds() / 1000);
}

std::optional<std::chrono::milliseconds> parseRetryAfter(std::string_view value, int64_t nowUnixMs) {
    value = trimmed(value);
    if (value.empty())
        return std::nullopt;
    constexpr double kCapMs = 3600.0 * 1000.0;
    if (std::isdigit(static_cast<unsigned char>(value.front()))) { // delay-seconds, maybe fractional
        std::string text(value);
        char* end = nullptr;
        double seconds = std::strtod(text.c_str(), &end);
        if (end != text.c_str() + text.size() || !std::isfinite(seconds) || seconds < 0)
            return std::nullopt;
        return std::chrono::milliseconds(static_cast<int64_t>(std::min(seconds * 1000.0, kCapMs)));
    }
    try { // HTTP-date (RFC 9110: IMF-fixdate; Poco also reads the obsolete forms)
        int zone = 0;
        Poco::DateTime date = Poco::DateTimeParser::parse(std::string(value), zone);
        double ms = static_cast<double>(date.timestamp().epochMicroseconds() / 1000 - nowUnixMs) -
                    static_cast<double>(zone) * 1000.0;
        return std::chrono::milliseconds(static_cast<int64_t>(std::clamp(ms, 0.0, kCapMs)));
    } catch (const Poco::Exception&) {
        return std::nullopt;
    }
}

std::chrono::milliseconds backoffDelay(int attempt, const BackoffSettings& settings, double unit) noexcept {
    const int64_t base = settings.first.count() << std::clamp(attempt, 0, 20);
    const auto ceiling = static_cast<double>(std::min<int64_t>(base, settings.cap.count()));
    const double jitter = std::clamp(settings.jitter, 0.0, 1.0);
    const double scaled = ceiling * (1.0 - jitter * (1.0 - std::clamp(unit, 0.0, 1.0)));
    return std::max(std::chrono::milliseconds(static_cast<int64_t>(scaled)), settings.floor);
}

Retrier::Retrier(const wp::Call* call, std::chrono::milliseconds budget, BackoffSettings backoff)
    : _call(call), _budget(budget), _backoff(backoff), _unit(drawUnit()) {}

std::chrono::milliseconds Retrier::nextWait(std::optional<std::chrono::milliseconds> retryAfter) const {
    if (retryAfter)
        return std::max(*retryAfter, _backoff.floor);
    return backoffDelay(_retries, _backoff, _unit);
}

bool Retrier::pause(std::optional<std::chrono::milliseconds> retryAfter,
                    const std::function<void(std::chrono::milliseconds)>& announce) {
    const auto wait = nextWait(retryAfter);
    if (!_budget.allows(wait))
        return false;
    _budget.waited(wait);
    ++_retries;
    _unit = drawUnit();
    if (announce)
        announce(wait);
    if (_call == nullptr)
        return true; // no call, no clock to wait on (unit tests, fuzzing): the budget still counts the wait
    if (!_call->waitFor(wait) || _call->cancelled())
        throw wp::Error(WP_E_CANCELLED, "call.cancelled", "the operation was cancelled");
    return true;
}

} // namespace m365
