#include "graph_client.h"

#include "json_util.h"

#include <wp/plugin.hpp>

#include <Poco/URI.h>

#include <algorithm>

namespace m365 {

namespace {

std::chrono::milliseconds backoff(int attempt) {
    // 0.5 s, 1 s, 2 s, 4 s, 8 s, then 10 s: replication usually settles within seconds.
    long long ms = 500LL << std::min(attempt, 4);
    return std::chrono::milliseconds(std::min(ms, 10'000LL));
}

} // namespace

bool isReplicationError(const ServiceError& error) {
    return error.httpStatus() == 404 ||
           (error.httpStatus() == 400 && error.code() == "graph.Request_BadRequest");
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
    auto started = std::chrono::steady_clock::now();
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
        auto wait = failure->retryAfter().value_or(backoff(attempt));
        auto elapsed =
            std::chrono::duration_cast<std::chrono::milliseconds>(std::chrono::steady_clock::now() - started);
        if (!retryable || elapsed + wait > options.budget)
            throw *failure;
        if (_onRetry)
            _onRetry(method + " " + path + " (" + failure->code() + ")", wait);
        if (_call && !_call->waitFor(wait))
            _call->throwIfCancelled();
    }
}

} // namespace m365
