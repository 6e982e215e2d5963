#include "router.h"

#include "errors.h"

#include <algorithm>
#include <cctype>
#include <iostream>

namespace emu {

void Stats::count(const std::string& key) {
    std::lock_guard lock(_mutex);
    ++_counts[key];
}

std::map<std::string, long long> Stats::snapshot() const {
    std::lock_guard lock(_mutex);
    return _counts;
}

void Stats::reset() {
    std::lock_guard lock(_mutex);
    _counts.clear();
}

std::vector<std::string> splitPath(std::string_view path) {
    std::vector<std::string> segments;
    while (!path.empty()) {
        auto slash = path.find('/');
        std::string_view segment = path.substr(0, slash);
        if (!segment.empty())
            segments.emplace_back(segment);
        if (slash == std::string_view::npos)
            break;
        path.remove_prefix(slash + 1);
    }
    return segments;
}

namespace {
bool equalsIgnoreCase(std::string_view a, std::string_view b) {
    return a.size() == b.size() && std::equal(a.begin(), a.end(), b.begin(), [](char x, char y) {
               return std::tolower(static_cast<unsigned char>(x)) ==
                      std::tolower(static_cast<unsigned char>(y));
           });
}

bool isGraphPath(std::string_view path) {
    return path.starts_with("/v1.0/") || path == "/v1.0";
}

// Matches one pattern segment ("literal", "{name}", or "prefix{name}suffix") against a path segment.
bool matchSegment(std::string_view pattern, std::string_view segment, StringMap& params) {
    auto open = pattern.find('{');
    auto close = open == std::string_view::npos ? open : pattern.find('}', open);
    if (close == std::string_view::npos)
        return equalsIgnoreCase(pattern, segment);
    std::string_view prefix = pattern.substr(0, open);
    std::string_view suffix = pattern.substr(close + 1);
    if (segment.size() < prefix.size() + suffix.size() + 1)
        return false;
    if (!equalsIgnoreCase(segment.substr(0, prefix.size()), prefix) ||
        !equalsIgnoreCase(segment.substr(segment.size() - suffix.size()), suffix))
        return false;
    std::string_view name = pattern.substr(open + 1, close - open - 1);
    params[std::string(name)] =
        std::string(segment.substr(prefix.size(), segment.size() - prefix.size() - suffix.size()));
    return true;
}
} // namespace

void Router::add(std::string method, std::string pattern, Handler handler, std::string routeName) {
    if (routeName.empty())
        routeName = method + " " + pattern;
    _routes.push_back(Route{std::move(method), splitPath(pattern), std::move(handler), std::move(routeName)});
}

bool Router::match(const Route& route, const std::vector<std::string>& segments, StringMap& params) {
    if (route.segments.size() != segments.size())
        return false;
    StringMap found;
    for (std::size_t i = 0; i < segments.size(); ++i)
        if (!matchSegment(route.segments[i], segments[i], found))
            return false;
    params = std::move(found);
    return true;
}

const Router::Route* Router::find(const Request& request, StringMap& params, bool& pathKnown) const {
    const auto segments = splitPath(request.path);
    pathKnown = false;
    for (const auto& route : _routes) {
        StringMap candidate;
        if (!match(route, segments, candidate))
            continue;
        pathKnown = true;
        if (route.method == request.method) {
            params = std::move(candidate);
            return &route;
        }
    }
    return nullptr;
}

std::string Router::routeNameFor(const Request& request) const {
    StringMap params;
    bool pathKnown = false;
    const Route* route = find(request, params, pathKnown);
    return route ? route->name : request.method + " " + request.path;
}

Response Router::dispatch(const Request& request) const {
    StringMap params;
    bool pathKnown = false;
    const Route* route = find(request, params, pathKnown);
    const bool graph = isGraphPath(request.path);
    if (!route) {
        _stats.count(request.method + " " + request.path);
        if (graph) {
            if (pathKnown)
                return graphError(405, "Request_BadRequest", "The requested HTTP method is not supported.",
                                  request);
            std::string last = splitPath(request.path).empty() ? "" : splitPath(request.path).back();
            return graphError(400, "BadRequest", "Resource not found for the segment '" + last + "'.",
                              request);
        }
        if (pathKnown && request.method != "POST")
            return entraError(400, "invalid_request", 900561,
                              "The endpoint only accepts POST requests. Received a " + request.method +
                                  " request.",
                              request);
        if (pathKnown)
            return entraError(405, "invalid_request", 900561, "The endpoint does not accept POST requests.",
                              request);
        return entraError(404, "invalid_request", 900144, "The requested endpoint does not exist.", request);
    }
    Request routed = request;
    routed.pathParams = std::move(params);
    Response response;
    try {
        response = route->handler(routed);
    } catch (const std::exception& e) {
        // Handler bugs: say which route failed, never the request contents (they may hold secrets).
        std::cerr << "emulator: handler for '" << route->name << "' failed: " << e.what() << std::endl;
        response = graph
                       ? graphError(500, "generalException", "An internal server error occurred.", routed)
                       : entraError(500, "server_error", 90100, "An internal server error occurred.", routed);
    }
    _stats.count(response.statsKey.empty() ? route->name : response.statsKey);
    return response;
}

} // namespace emu
