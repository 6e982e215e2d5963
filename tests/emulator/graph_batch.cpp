// POST /v1.0/$batch (facts 3.12): up to 20 requests with unique ids and relative urls, `headers` with a
// Content-Type whenever a `body` is given, `dependsOn` sequencing and 424 for requests whose dependency
// failed. Inner requests run through the same Router as outer ones (same handlers, stats and
// authentication with the outer bearer token). The outer answer is 200 once the batch itself is valid.
#include "crypto.h"
#include "errors.h"
#include "faults.h"
#include "graph_common.h"
#include "graph_handlers.h"

#include <algorithm>
#include <cctype>
#include <map>
#include <set>
#include <thread>

namespace emu::graph {

namespace {

constexpr std::size_t kMaxRequests = 20;

struct BatchItem {
    std::string id;
    std::string method;
    std::string url;
    nlohmann::json headers = nlohmann::json::object();
    std::optional<nlohmann::json> body;
    std::vector<std::string> dependsOn;
};

[[noreturn]] void throwInvalidBatch(const std::string& message) {
    throw GraphError(400, "BadRequest", message);
}

std::string lower(std::string text) {
    std::transform(text.begin(), text.end(), text.begin(),
                   [](unsigned char c) { return static_cast<char>(std::tolower(c)); });
    return text;
}

bool hasContentType(const nlohmann::json& headers) {
    for (const auto& [name, value] : headers.items())
        if (lower(name) == "content-type")
            return true;
    return false;
}

BatchItem parseItem(const nlohmann::json& json) {
    if (!json.is_object())
        throwInvalidBatch("Invalid batch payload format.");
    BatchItem item;
    auto text = [&](const char* name) {
        auto it = json.find(name);
        if (it == json.end() || !it->is_string() || it->get<std::string>().empty())
            throwInvalidBatch(std::string("Each request in the batch must have a '") + name + "' property.");
        return it->get<std::string>();
    };
    item.id = text("id");
    item.method = text("method");
    std::transform(item.method.begin(), item.method.end(), item.method.begin(),
                   [](unsigned char c) { return static_cast<char>(std::toupper(c)); });
    item.url = text("url");
    if (item.url.find("://") != std::string::npos)
        throwInvalidBatch("The url of request '" + item.id + "' must be relative, e.g. '/users'.");
    if (auto headers = json.find("headers"); headers != json.end() && !headers->is_null()) {
        if (!headers->is_object())
            throwInvalidBatch("The headers of request '" + item.id + "' must be an object.");
        item.headers = *headers;
    }
    if (auto body = json.find("body"); body != json.end() && !body->is_null()) {
        if (!hasContentType(item.headers))
            throwInvalidBatch("Request '" + item.id + "' has a body but no Content-Type header.");
        item.body = *body;
    }
    if (auto depends = json.find("dependsOn"); depends != json.end() && !depends->is_null()) {
        if (!depends->is_array())
            throwInvalidBatch("The dependsOn property of request '" + item.id + "' must be an array.");
        for (const auto& dependency : *depends) {
            if (!dependency.is_string())
                throwInvalidBatch("The dependsOn property of request '" + item.id +
                                  "' must list request ids.");
            item.dependsOn.push_back(dependency.get<std::string>());
        }
    }
    return item;
}

/// Request indexes in an order where every request follows the ones it depends on (stable otherwise).
std::vector<std::size_t> executionOrder(const std::vector<BatchItem>& items) {
    std::map<std::string, std::size_t> indexById; // ids are not case-sensitive
    for (std::size_t i = 0; i < items.size(); ++i) {
        if (!indexById.emplace(lower(items[i].id), i).second)
            throwInvalidBatch("Request id '" + items[i].id + "' is not unique in the batch.");
    }
    for (const auto& item : items) {
        for (const auto& dependency : item.dependsOn)
            if (!indexById.count(lower(dependency)))
                throwInvalidBatch("Request '" + item.id + "' depends on unknown request '" + dependency +
                                  "'.");
    }
    std::vector<std::size_t> order;
    std::set<std::string> done;
    while (order.size() < items.size()) {
        bool progressed = false;
        for (std::size_t i = 0; i < items.size(); ++i) {
            if (done.count(lower(items[i].id)))
                continue;
            bool ready =
                std::all_of(items[i].dependsOn.begin(), items[i].dependsOn.end(),
                            [&](const std::string& dependency) { return done.count(lower(dependency)) > 0; });
            if (ready) {
                order.push_back(i);
                done.insert(lower(items[i].id));
                progressed = true;
            }
        }
        if (!progressed)
            throwInvalidBatch("The dependsOn properties of the batch form a cycle.");
    }
    return order;
}

Request innerRequest(const Request& outer, const BatchItem& item) {
    Request inner;
    inner.method = item.method;
    std::string url = item.url.front() == '/' ? item.url : "/" + item.url;
    auto question = url.find('?');
    inner.path = "/v1.0" + urlDecode(url.substr(0, question), false);
    if (question != std::string::npos) {
        inner.rawQuery = url.substr(question + 1);
        inner.query = parseUrlEncoded(inner.rawQuery);
    }
    for (const auto& [name, value] : item.headers.items())
        inner.headers[name] = value.is_string() ? value.get<std::string>() : value.dump();
    // Every inner request acts with the batch's own credentials and correlation id.
    inner.headers["Authorization"] = outer.header("Authorization");
    if (!inner.headers.count("client-request-id") && !outer.header("client-request-id").empty())
        inner.headers["client-request-id"] = outer.header("client-request-id");
    if (item.body)
        inner.body = item.body->is_string() ? item.body->get<std::string>() : item.body->dump();
    inner.baseUrl = outer.baseUrl;
    inner.requestId = newGuid();
    return inner;
}

nlohmann::json responseJson(const std::string& id, const Response& response) {
    nlohmann::json headers = nlohmann::json::object();
    for (const auto& [name, value] : response.headers)
        headers[name] = value;
    nlohmann::json json = {{"id", id}, {"status", response.status}, {"headers", std::move(headers)}};
    if (!response.body.empty()) {
        auto body = response.jsonBody();
        json["body"] = body ? *body : nlohmann::json(response.body);
    }
    return json;
}

/// Inner requests meet the control API's fault rules one by one, as Graph throttles each inner request:
/// a Status rule answers in Graph's error shape (429 TooManyRequests with its Retry-After), a delay
/// delays the inner request. Connection-level kinds (reset, truncate, malformed) only make sense for
/// the outer exchange; matched inside a batch they just delay.
Response dispatchInner(const Router& router, FaultInjector* faults, const Request& inner) {
    std::optional<Fault> fault = faults ? faults->take(inner.method, inner.path) : std::nullopt;
    if (fault && fault->delayMs > 0)
        std::this_thread::sleep_for(std::chrono::milliseconds(fault->delayMs));
    if (!fault || fault->kind != FaultKind::Status)
        return router.dispatch(inner);
    router.stats().count(router.routeNameFor(inner));
    Response response =
        fault->status == 429
            ? graphError(429, "TooManyRequests", "Please retry again later.", inner)
            : graphError(fault->status, fault->status >= 500 ? "serviceNotAvailable" : "Request_BadRequest",
                         "Injected fault.", inner);
    if (!fault->retryAfter.empty())
        response.headers["Retry-After"] = fault->retryAfter;
    return response;
}

Response runBatch(const Router& router, FaultInjector* faults, const Request& request) {
    nlohmann::json body = requireJsonObject(request);
    auto requests = body.find("requests");
    if (requests == body.end() || !requests->is_array())
        throwInvalidBatch("Invalid batch payload format.");
    if (requests->size() > kMaxRequests)
        throwInvalidBatch("The batch request contains " + std::to_string(requests->size()) +
                          " requests; the maximum is " + std::to_string(kMaxRequests) + ".");
    std::vector<BatchItem> items;
    for (const auto& json : *requests)
        items.push_back(parseItem(json));
    auto order = executionOrder(items);

    std::set<std::string> failed; // lower-cased ids of requests that did not succeed (incl. 424s)
    nlohmann::json responses = nlohmann::json::array();
    for (std::size_t index : order) {
        const BatchItem& item = items[index];
        Request inner = innerRequest(request, item);
        Response response;
        bool dependencyFailed =
            std::any_of(item.dependsOn.begin(), item.dependsOn.end(),
                        [&](const std::string& dependency) { return failed.count(lower(dependency)) > 0; });
        if (dependencyFailed)
            response = graphError(424, "FailedDependency",
                                  "The request was not run because a request it depends on failed.", inner);
        else if (inner.path == "/v1.0/$batch")
            response = graphError(400, "BadRequest", "A batch request cannot contain another batch.", inner);
        else
            response = dispatchInner(router, faults, inner);
        if (response.status >= 400)
            failed.insert(lower(item.id));
        responses.push_back(responseJson(item.id, response));
    }
    return Response::json(200, {{"responses", std::move(responses)}});
}

} // namespace

void registerBatchRoute(Router& router, ServiceContext& context) {
    const Router& dispatcher = router;
    addGraphRoute(router, context, "POST", "/v1.0/$batch",
                  [&dispatcher, &context](const Request& request, const AccessTokenClaims&) {
                      return runBatch(dispatcher, context.faults, request);
                  });
}

} // namespace emu::graph
