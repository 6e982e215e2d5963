// Maps (method, path pattern) to handlers and counts requests per route name (GET /_emulator/stats).
#pragma once

#include "http.h"

#include <functional>
#include <map>
#include <mutex>
#include <string>
#include <vector>

namespace emu {

using Handler = std::function<Response(const Request&)>;

/// Request counters by route name, thread-safe.
class Stats {
public:
    void count(const std::string& key);
    std::map<std::string, long long> snapshot() const;
    void reset();

private:
    mutable std::mutex _mutex;
    std::map<std::string, long long> _counts;
};

class Router {
public:
    /// Registers a handler. `pattern` is a path whose segments are literals or "{name}" (one whole
    /// segment; the value lands in Request::pathParams). A literal segment may also contain one
    /// "{name}" inside, e.g. "servicePrincipals(appId='{appId}')". `routeName` is the stats key;
    /// empty means "METHOD pattern". Routes are tried in registration order; literals first is the
    /// caller's job.
    void add(std::string method, std::string pattern, Handler handler, std::string routeName = {});

    /// Finds the route, fills pathParams, calls the handler, counts the request. Unknown path: 404;
    /// known path with another method: 405 (Graph error shape under /v1.0/, Entra shape elsewhere;
    /// Entra answers a GET on a POST-only endpoint with AADSTS900561). Exceptions from a handler
    /// become 500 in the same shapes, without the exception text if it could hold secrets.
    Response dispatch(const Request& request) const;

    /// The stats key a request would be counted under (route name, or "METHOD path" when no route
    /// matches); used when a fault answers instead of the handler.
    std::string routeNameFor(const Request& request) const;

    Stats& stats() const { return _stats; }

private:
    struct Route {
        std::string method;
        std::vector<std::string> segments;
        Handler handler;
        std::string name;
    };
    static bool match(const Route& route, const std::vector<std::string>& segments, StringMap& params);
    const Route* find(const Request& request, StringMap& params, bool& pathKnown) const;

    std::vector<Route> _routes;
    mutable Stats _stats;
};

/// Splits "/a/b/c" into {"a","b","c"} (empty segments dropped).
std::vector<std::string> splitPath(std::string_view path);

} // namespace emu
