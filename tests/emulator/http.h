// Transport-independent HTTP request and response. The HTTPS server converts Poco's objects into these,
// and Graph's $batch builds them directly to run inner requests through the same handlers.
#pragma once

#include <nlohmann/json.hpp>

#include <map>
#include <optional>
#include <string>
#include <string_view>

namespace emu {

/// Orders header names case-insensitively (HTTP header names are case-insensitive).
struct CaseInsensitiveLess {
    using is_transparent = void;
    bool operator()(std::string_view a, std::string_view b) const;
};

using HeaderMap = std::map<std::string, std::string, CaseInsensitiveLess>;
using StringMap = std::map<std::string, std::string, std::less<>>;

struct Request {
    std::string method;        ///< "GET", "POST", ... (upper case)
    std::string path;          ///< percent-decoded path without the query, e.g. "/v1.0/applications/ID"
    std::string rawQuery;      ///< the query string after '?', not decoded
    StringMap query;           ///< decoded query parameters ("$filter" -> "appId eq '...'")
    StringMap pathParams;      ///< filled by the Router from "{name}" segments
    HeaderMap headers;         ///< request headers
    std::string body;          ///< raw body bytes
    std::string remoteAddress; ///< "127.0.0.1:54321"; empty for $batch inner requests
    std::string baseUrl;       ///< scheme://host:port the client used, e.g. "https://127.0.0.1:8443"
    std::string requestId;     ///< a GUID the server assigns (Graph's request-id, Entra's trace id)

    /// Header value or `fallback` when absent.
    std::string header(std::string_view name, std::string_view fallback = {}) const;
    /// Decoded query parameter, nullopt when absent.
    std::optional<std::string> queryParam(std::string_view name) const;
    /// Path parameter filled by the router; empty when absent.
    std::string param(std::string_view name) const;
    /// Body parsed as JSON; throws nlohmann::json::parse_error on bad JSON.
    nlohmann::json jsonBody() const;
    /// Body parsed as application/x-www-form-urlencoded (later duplicates win).
    StringMap formFields() const;
    /// The base URL plus path, e.g. "https://127.0.0.1:8443/contoso.onmicrosoft.com/oauth2/v2.0/token".
    std::string url() const { return baseUrl + path; }
};

struct Response {
    int status = 200;
    HeaderMap headers;
    std::string body;
    /// When set, the Router counts the request under this name instead of the route's name
    /// (the token endpoint counts "POST token client_credentials" and "POST token device_code").
    std::string statsKey;

    static Response json(int status, const nlohmann::json& body);
    static Response noContent(); ///< 204, empty body
    static Response text(int status, std::string body, std::string contentType = "text/plain; charset=utf-8");
    void setJson(const nlohmann::json& value); ///< body + Content-Type: application/json
    /// Parses the body as JSON (for tests and $batch); nullopt if it is not JSON.
    std::optional<nlohmann::json> jsonBody() const;
};

/// Percent-decodes; `plusAsSpace` for form and query encoding.
std::string urlDecode(std::string_view text, bool plusAsSpace);
/// Percent-encodes everything but unreserved characters (RFC 3986).
std::string urlEncode(std::string_view text);
/// Parses "a=1&b=x%20y" (application/x-www-form-urlencoded and query strings).
StringMap parseUrlEncoded(std::string_view text);

} // namespace emu
