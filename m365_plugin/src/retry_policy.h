// retry_policy.h -- the one place that decides whether a failed request is tried again, and when.
//
// Every failure the plugin meets (a transport error "net.*", an Entra answer "aad.*", a Graph answer
// "graph.*") is classified by its stable code, its HTTP status and its wp_status into one of four kinds
// (the tables are data in retry_policy.cpp, documented in docs/errors.md). A Retrier then paces the
// retries of one operation: the server's Retry-After when it sent one, otherwise exponential backoff
// with jitter; never beyond the operation's RetryBudget; every wait cancellable through wp::Call.
#pragma once

#include "retry_budget.h"

#include <wp/call.hpp>
#include <wp/error.hpp>

#include <chrono>
#include <cstdint>
#include <functional>
#include <optional>
#include <string_view>

namespace m365 {

enum class FailureKind {
    Transient,   ///< throttling, outages, lost connections: the same request may succeed later
    Replication, ///< an object that was just created is not visible everywhere yet: retry when the
                 ///< caller knows it created it moments ago, otherwise it is permanent
    Permanent,   ///< the request or the data is wrong, or the object is gone: retrying changes nothing
    NeedsPerson, ///< an administrator must act first (consent, role, sign-in, settings, certificate)
    Cancelled,   ///< the caller cancelled: never retried
};
const char* toString(FailureKind kind) noexcept;

struct FailureClass {
    FailureKind kind;
    wp_status status; ///< the plugin status the failure is reported with
};

/// Classifies any failure. ServiceErrors (entra_error.h) also contribute their HTTP status and message.
FailureClass classifyFailure(const wp::Error& error);

/// Whether a failed request that changes something may nevertheless have been carried out: the answer
/// was lost (timeout, connection closed), unreadable, or a 5xx. A create must check whether its object
/// exists before it is sent again. Throttling (429) and refused connections never reached the service.
bool outcomeUnknown(const wp::Error& error);

/// The Retry-After header as a duration: delay-seconds (fractional allowed, as Graph sends them) or an
/// HTTP date relative to `nowUnixMs` (the local clock if omitted); a date in the past is 0. nullopt if
/// absent or unparseable. Capped at one hour.
std::optional<std::chrono::milliseconds> parseRetryAfter(std::string_view value);
std::optional<std::chrono::milliseconds> parseRetryAfter(std::string_view value, int64_t nowUnixMs);

struct BackoffSettings {
    std::chrono::milliseconds first{500}; ///< the base delay of the first retry
    std::chrono::milliseconds cap{10'000};
    std::chrono::milliseconds floor{100}; ///< no wait is shorter: "Retry-After: 0" must not busy-loop
    double jitter = 0.5;                  ///< a backoff wait is drawn from [(1 - jitter) * d, d]
};

/// The backoff wait before retry number `attempt` (0-based): d = min(cap, first * 2^attempt), scaled by
/// `unit` in [0, 1) into [(1 - jitter) * d, d], at least floor. Jitter keeps many clients throttled at
/// the same moment from coming back in lockstep.
std::chrono::milliseconds backoffDelay(int attempt, const BackoffSettings& settings, double unit) noexcept;

/// The retries of one operation.
class Retrier {
public:
    /// call may be null (unit tests, fuzzing): then a wait is only counted against the budget, not slept.
    /// The plugin always passes the hook's call.
    Retrier(const wp::Call* call, std::chrono::milliseconds budget, BackoffSettings backoff = {});

    /// The wait before the next attempt: the server's Retry-After if given (honoured as sent, but at
    /// least the floor), else the jittered backoff.
    std::chrono::milliseconds nextWait(std::optional<std::chrono::milliseconds> retryAfter) const;

    /// After a failed attempt that is worth retrying: returns false if the wait would overrun the budget
    /// (the caller then reports the failure); otherwise calls announce(wait), waits and returns true.
    /// Throws wp::Error(WP_E_CANCELLED, "call.cancelled") if the call is cancelled meanwhile.
    bool pause(std::optional<std::chrono::milliseconds> retryAfter,
               const std::function<void(std::chrono::milliseconds)>& announce = {});

    int retries() const noexcept { return _retries; }
    const RetryBudget& budget() const noexcept { return _budget; }

private:
    const wp::Call* _call;
    RetryBudget _budget;
    BackoffSettings _backoff;
    int _retries = 0;
    double _unit; ///< the jitter draw for the next backoff
};

/// The Retry-After a service sent with this failure (ServiceError), if any.
std::optional<std::chrono::milliseconds> retryAfterOf(const wp::Error& error);

/// Runs attempt() until it succeeds, fails with a failure that is not transient, or the budget is spent,
/// pausing as a Retrier decides. Only for requests that change nothing on the server (a token or a
/// device code), which are always safe to send again.
template <class Attempt>
auto repeatWhileTransient(const wp::Call* call, std::chrono::milliseconds budget, Attempt&& attempt) {
    Retrier retrier(call, budget);
    for (;;) {
        try {
            return attempt();
        } catch (const wp::Error& e) {
            if (classifyFailure(e).kind != FailureKind::Transient || !retrier.pause(retryAfterOf(e)))
                throw;
        }
    }
}

} // namespace m365
