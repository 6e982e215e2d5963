// Microsoft Graph calls with a bearer token: JSON in and out, errors as ServiceError (graph.<Code>),
// retries as retry_policy.h decides (throttling, outages, and on request replication for the calls that
// reference objects created a moment ago, entra-facts 3.10); a create is repeated only after checking
// that the first attempt did not happen.
#pragma once

#include "entra_error.h"
#include "http_transport.h"
#include "secret_buffer.h"

#include <wp/call.hpp>

#include <Poco/JSON/Object.h>

#include <chrono>
#include <functional>
#include <memory>
#include <optional>
#include <string>
#include <utility>
#include <vector>

namespace m365 {

/// Which failures of a call are worth retrying beyond throttling and outages.
enum class RetryOn {
    TransientOnly, ///< 429, 5xx, network errors
    Replication,   ///< also 404 and 400 Request_BadRequest: the object we reference may not have replicated
};

struct GraphResult {
    int status = 0;
    Poco::JSON::Object::Ptr body; ///< null for 204 / empty bodies
    std::string requestId;        ///< the response's request-id header
    std::string date;             ///< the response's Date header (clock-skew check)
};

struct GraphCallOptions {
    RetryOn retry = RetryOn::TransientOnly;
    std::chrono::milliseconds budget{60'000}; ///< stop retrying when the next wait would pass this
};

class GraphClient {
public:
    /// graphBase e.g. "https://graph.microsoft.com/v1.0"; the token is borrowed and must outlive the client;
    /// clientRequestId is sent as client-request-id on every call (the run id, for audit correlation).
    GraphClient(std::shared_ptr<HttpTransport> transport, std::string graphBase, const SecretBuffer& token,
                std::string clientRequestId, const wp::Call* call);

    GraphResult get(const std::string& path, const GraphCallOptions& options = {});
    GraphResult post(const std::string& path, const Poco::JSON::Object::Ptr& body,
                     const GraphCallOptions& options = {});
    /// A POST that creates an object and must not create it twice: after a failure whose outcome is
    /// unknown (the answer was lost or unreadable, or a 5xx) findExisting is asked before the request is
    /// sent again; a result means the first attempt did create the object and becomes the call's result.
    /// After a timeout the service may still carry the first attempt out: findExisting is asked (with
    /// backoff) until as long again as that attempt waited has passed, and only then is the POST repeated.
    /// A plain post() is repeated as is: callers use it only where a repeat is harmless (grants, where
    /// "already exists" counts as done).
    GraphResult create(const std::string& path, const Poco::JSON::Object::Ptr& body,
                       const std::function<std::optional<GraphResult>()>& findExisting,
                       const GraphCallOptions& options = {});
    GraphResult patch(const std::string& path, const Poco::JSON::Object::Ptr& body,
                      const GraphCallOptions& options = {});
    /// DELETE; a 404 counts as done when missingIsOk.
    GraphResult remove(const std::string& path, bool missingIsOk, const GraphCallOptions& options = {});

    /// Called before each wait with what is being retried and for how long (progress for the user).
    void onRetry(std::function<void(const std::string& what, std::chrono::milliseconds wait)> callback) {
        _onRetry = std::move(callback);
    }
    /// Called with one line per HTTP exchange ("POST /applications -> 201 (request-id ...)"): never a
    /// token or a body, so hosts can log it at trace level.
    void onTrace(std::function<void(const std::string& line)> callback) { _onTrace = std::move(callback); }
    /// request-ids of every successful write, for the audit record.
    const std::vector<std::string>& writeRequestIds() const noexcept { return _writeRequestIds; }
    const std::string& graphBase() const noexcept { return _graphBase; }

private:
    /// One exchange: the result of a 2xx (or a 404 when missingIsOk), else throws the ServiceError.
    GraphResult exchange(const std::string& method, const std::string& path, const std::string& body,
                         bool missingIsOk);
    GraphResult send(const std::string& method, const std::string& path, const std::string& body,
                     const GraphCallOptions& options, bool missingIsOk,
                     const std::function<std::optional<GraphResult>()>& findExisting = {});

    std::shared_ptr<HttpTransport> _transport;
    std::string _graphBase;
    const SecretBuffer& _token;
    std::string _clientRequestId;
    const wp::Call* _call;
    std::function<void(const std::string&, std::chrono::milliseconds)> _onRetry;
    std::function<void(const std::string&)> _onTrace;
    std::vector<std::string> _writeRequestIds;
};

/// Whether a Graph error is the typical replication symptom right after a create (404, or 400
/// Request_BadRequest "Not a valid reference update." / "does not reference a valid application").
bool isReplicationError(const ServiceError& error);
/// Escapes a value for an OData string literal ('' for ').
std::string odataQuote(const std::string& value);
/// path + "?" + percent-encoded query parameters, e.g. withQuery("/servicePrincipals", {{"$filter", "appId eq
/// 'x'"}}).
std::string withQuery(const std::string& path, const std::vector<std::pair<std::string, std::string>>& query);

} // namespace m365
