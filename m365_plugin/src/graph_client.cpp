#include "graph_client.h"

#include "json_util.h"
#include "retry_policy.h"

#include <wp/plugin.hpp>

#include <Poco/URI.h>

#include <algorithm>
#include <chrono>

namespace m365 {

bool isReplicationError(const ServiceError& error) {
    return classifyFailure(error).kind == FailureKind::Replication;
}

std::string odataQuote(const std::string& value) {
    std::string quoted = "'";
    for (char c : value) {
        quoted += c;
        if (c == '\'')
            quoted += '\'';
    }
    return quoted + "'";
}

std::string withQuery(const std::string& path,
                      const std::vector<std::pair<std::string, std::string>>& query) {
    std::string url = path;
    char separator = '?';
    for (const auto& [name, value] : query) {
        url += separator;
        url += name + "=";
        Poco::URI::encode(value, "!#&'()*+,/:;=?@[] \"", url);
        separator = '&';
    }
    return url;
}

GraphClient::GraphClient(std::shared_ptr<HttpTransport> transport, std::string graphBase,
                         const SecretBuffer& token, std::string clientRequestId, const wp::Call* call)
    : _transport(std::move(transport)), _graphBase(std::move(graphBase)), _token(token),
      _clientRequestId(std::move(clientRequestId)), _call(call) {}

GraphResult GraphClient::get(const std::string& path, const GraphCallOptions& options) {
    return send("GET", path, {}, options, false);
}

GraphResult GraphClient::post(const std::string& path, const Poco::JSON::Object::Ptr& body,
                              const GraphCallOptions& options) {
    return send("POST", path, json::stringify(body), options, false);
}

GraphResult GraphClient::create(const std::string& path, const Poco::JSON::Object::Ptr& body,
                                const std::function<std::optional<GraphResult>()>& findExisting,
                                const GraphCallOptions& options) {
    return send("POST", path, json::stringify(body), options, false, findExisting);
}

GraphResult GraphClient::patch(const std::string& path, const Poco::JSON::Object::Ptr& body,
                               const GraphCallOptions& options) {
    return send("PATCH", path, json::stringify(body), options, false);
}

GraphResult GraphClient::remove(const std::string& path, bool missingIsOk, const GraphCallOptions& options) {
    return send("DELETE", path, {}, options, missingIsOk);
}

GraphResult GraphClient::exchange(const std::string& method, const std::string& path, const std::string& body,
                                  bool missingIsOk) {
    HttpRequest request;
    request.method = method;
    request.url = _graphBase + path;
    std::string authorization = "Bearer ";
    authorization.append(_token.view());
    request.headers.add("Authorization", std::move(authorization));
    request.headers.add("client-request-id", _clientRequestId);
    request.headers.add("Accept", "application/json");
    if (!body.empty() || method == "POST" || method == "PATCH") {
        request.body = body;
        request.contentType = "application/json";
    }
    auto response = _transport->send(request, _call);
    if (_onTrace)
        _onTrace(method + " " + path + " -> " + std::to_string(response.status) + " (request-id " +
                 response.header("request-id") + ")");
    if (!response.ok() && !(missingIsOk && response.status == 404))
        throw graphError(response, method + " " + path);
    GraphResult result;
    result.status = response.status;
    result.requestId = response.header("request-id");
    result.date = response.header("Date");
    if (response.ok() && !response.body.empty()) {
        result.body = json::tryParseObject(response.body);
        if (!result.body) // a proxy's page or a cut answer: the request may or may not have been carried out
            throw ServiceError(WP_E_UNAVAILABLE, "graph.malformed_response",
                               "Microsoft Graph answered " + method + " " + path + " with HTTP " +
                                   std::to_string(response.status) + " and a body that is not a JSON object",
                               "Retry later; if it persists, check for a proxy rewriting the answers.",
                               response.status, result.requestId, {}, std::nullopt);
    }
    if (method != "GET" && !result.requestId.empty())
        _writeRequestIds.push_back(result.requestId);
    return result;
}

GraphResult GraphClient::send(const std::string& method, const std::string& path, const std::string& body,
                              const GraphCallOptions& options, bool missingIsOk,
                              const std::function<std::optional<GraphResult>()>& findExisting) {
    Retrier retrier(_call, options.budget);
    const bool creates = static_cast<bool>(findExisting);
    bool maybeDone = false; // an earlier attempt of this create may have happened
    // A create whose answer timed out may still be carried out after the client gave up waiting: it is
    // looked for (not sent again) until as long again as that attempt waited has passed.
    auto lookUntil = std::chrono::steady_clock::time_point::min();
    for (;;) {
        if (_call)
            _call->throwIfCancelled();
        if (maybeDone) {
            if (auto existing = findExisting())
                return *existing;
            if (std::chrono::steady_clock::now() < lookUntil) {
                if (!retrier.pause(std::nullopt, [&](std::chrono::milliseconds wait) {
                        if (_onRetry)
                            _onRetry(method + " " + path + " (looking for the object of a timed-out create)",
                                     wait);
                    }))
                    throw wp::Error(WP_E_UNAVAILABLE, "net.timeout",
                                    method + " " + path + " timed out and its object did not appear",
                                    "Check the network and the service status; run the action again.");
                continue;
            }
            maybeDone = false;
        }
        const auto attemptStarted = std::chrono::steady_clock::now();
        std::optional<ServiceError> failure;
        try {
            return exchange(method, path, body, missingIsOk);
        } catch (const ServiceError& e) {
            failure.emplace(e);
        } catch (const wp::Error& e) {
            if (e.status() != WP_E_UNAVAILABLE)
                throw; // cancelled, a bad URL, ...
            failure.emplace(ServiceError(e.status(), e.code(), e.what(), e.hint(), 0, {}, {}, std::nullopt));
        }
        const FailureKind kind = classifyFailure(*failure).kind;
        const bool retryable = kind == FailureKind::Transient ||
                               (kind == FailureKind::Replication && options.retry == RetryOn::Replication);
        if (!retryable)
            throw *failure;
        if (!retrier.pause(failure->retryAfter(), [&](std::chrono::milliseconds wait) {
                if (_onRetry)
                    _onRetry(method + " " + path + " (" + failure->code() + ")", wait);
            }))
            throw *failure;
        maybeDone = creates && outcomeUnknown(*failure);
        if (maybeDone && failure->code() == "net.timeout")
            lookUntil =
                std::chrono::steady_clock::now() + (std::chrono::steady_clock::now() - attemptStarted);
    }
}

} // namespace m365
