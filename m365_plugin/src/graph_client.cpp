#include "graph_client.h"

#include "json_util.h"
#include "retry_budget.h"

#include <wp/plugin.hpp>

#include <Poco/URI.h>

#include <algorithm>

namespace m365 {

namespace {} // namespace

bool isReplicationError(const ServiceError& error) {
    if (error.httpStatus() == 404)
        return true;
    // "Permission being assigned already exists on the object" shares the code but is final.
    return error.httpStatus() == 400 && error.code() == "graph.Request_BadRequest" &&
           std::string(error.what()).find("already exists") == std::string::npos;
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

GraphResult GraphClient::patch(const std::string& path, const Poco::JSON::Object::Ptr& body,
                               const GraphCallOptions& options) {
    return send("PATCH", path, json::stringify(body), options, false);
}

GraphResult GraphClient::remove(const std::string& path, bool missingIsOk, const GraphCallOptions& options) {
    return send("DELETE", path, {}, options, missingIsOk);
}

GraphResult GraphClient::send(const std::string& method, const std::string& path, const std::string& body,
                              const GraphCallOptions& options, bool missingIsOk) {
    RetryBudget budget(options.budget);
    for (int attempt = 0;; ++attempt) {
        if (_call)
            _call->throwIfCancelled();
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
        std::optional<ServiceError> failure;
        try {
            auto response = _transport->send(request, _call);
            if (_onTrace)
                _onTrace(method + " " + path + " -> " + std::to_string(response.status) + " (request-id " +
                         response.header("request-id") + ")");
            if (response.ok() || (missingIsOk && response.status == 404)) {
                GraphResult result;
                result.status = response.status;
                result.requestId = response.header("request-id");
                result.date = response.header("Date");
                if (response.ok() && !response.body.empty())
                    result.body = json::tryParseObject(response.body);
                if (method != "GET" && !result.requestId.empty())
                    _writeRequestIds.push_back(result.requestId);
                return result;
            }
            failure.emplace(graphError(response, method + " " + path));
        } catch (const ServiceError& e) {
            failure.emplace(e);
        } catch (const wp::Error& e) {
            if (e.status() != WP_E_UNAVAILABLE)
                throw;
            failure.emplace(ServiceError(e.status(), e.code(), e.what(), e.hint(), 0, {}, {}, std::nullopt));
        }
        bool retryable =
            failure->transient() || (options.retry == RetryOn::Replication && isReplicationError(*failure));
        // A Retry-After of 0 (or a past date) must not turn into a busy loop against a throttling server.
        auto backoff =
            exponentialBackoff(attempt, std::chrono::milliseconds(500), std::chrono::milliseconds(10'000));
        auto wait = std::max(failure->retryAfter().value_or(backoff), std::chrono::milliseconds(100));
        if (!retryable || !budget.allows(wait))
            throw *failure;
        budget.waited(wait);
        if (_onRetry)
            _onRetry(method + " " + path + " (" + failure->code() + ")", wait);
        if (_call && !_call->waitFor(wait))
            _call->throwIfCancelled();
    }
}

} // namespace m365
