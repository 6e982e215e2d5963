// entra_error.h -- turns error answers of the Entra token endpoints and of Microsoft Graph into
// wp::Error with stable codes ("aad.AADSTS700016", "aad.invalid_grant", "graph.Authorization_RequestDenied")
// and a status from a data table.  The user sees the server's first line (no trace ids, never a token);
// request and correlation ids stay available on ServiceError for audit records.
#pragma once

#include "http_transport.h"
#include "retry_policy.h" // parseRetryAfter

#include <wp/error.hpp>

#include <chrono>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace m365 {

/// The fields of an Entra token-endpoint error body (entra-facts 1.6).
struct EntraErrorBody {
    std::string error;            ///< OAuth code: "invalid_client", "authorization_pending", ...
    std::string description;      ///< error_description, first line only ("AADSTS700016: Application ...")
    std::vector<long> errorCodes; ///< error_codes (AADSTS numbers)
    std::string traceId;
    std::string correlationId;
    std::string timestamp;

    /// The AADSTS number: error_codes[0], else parsed from "AADSTSnnnnn:" in the description; 0 if none.
    long aadstsCode() const;
};
/// nullopt if the body is not a JSON object with a string "error".
std::optional<EntraErrorBody> parseEntraErrorBody(std::string_view body);

/// The fields of a Graph error body (entra-facts 3.9).
struct GraphErrorBody {
    std::string code;            ///< "Authorization_RequestDenied", ...
    std::string message;         ///< first line; a {"value":...} message object is unwrapped
    std::string innerCode;       ///< the innermost innerError.code, if any
    std::string requestId;       ///< innerError["request-id"]
    std::string clientRequestId; ///< innerError["client-request-id"]
    std::string date;
};
std::optional<GraphErrorBody> parseGraphErrorBody(std::string_view body);

/// A wp::Error from a remote service, with what audit records and retry logic need.
class ServiceError : public wp::Error {
public:
    ServiceError(wp_status status, std::string code, std::string message, std::string hint, int httpStatus,
                 std::string requestId, std::string correlationId,
                 std::optional<std::chrono::milliseconds> retryAfter);

    int httpStatus() const noexcept { return _httpStatus; }
    /// Graph request-id or Entra trace_id (for support cases and audit; not in the message).
    const std::string& requestId() const noexcept { return _requestId; }
    /// Entra correlation_id or Graph client-request-id.
    const std::string& correlationId() const noexcept { return _correlationId; }
    /// From a Retry-After header (seconds, possibly fractional), if the server sent one.
    const std::optional<std::chrono::milliseconds>& retryAfter() const noexcept { return _retryAfter; }
    /// Transient by status (UNAVAILABLE); retry_policy.h has the full classification.
    bool transient() const noexcept { return status() == WP_E_UNAVAILABLE; }

private:
    int _httpStatus;
    std::string _requestId;
    std::string _correlationId;
    std::optional<std::chrono::milliseconds> _retryAfter;
};

/// The error for a non-2xx answer of an Entra endpoint (devicecode, token).  `what` names the step for
/// the message, e.g. "requesting an app-only token".  Non-JSON bodies get a generic "aad.http_<status>".
ServiceError entraError(const HttpResponse& response, std::string_view what);
/// The error for a non-2xx answer of Microsoft Graph.  `what` e.g. "creating the application".
ServiceError graphError(const HttpResponse& response, std::string_view what);

/// The first line of a server text, without "Trace ID:"/"Correlation ID:"/"Timestamp:" tails, at most
/// maxLength bytes (cut at a UTF-8 boundary, "..." appended).
std::string firstLine(std::string_view text, std::size_t maxLength = 300);

} // namespace m365
