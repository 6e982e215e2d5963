// A small HTTPS client for tests: Poco with its own Context that trusts exactly one CA file (the
// emulator's), strict verification, TLS 1.2+. One connection per request (simple and robust when a
// test injects connection resets).
#pragma once

#include <nlohmann/json.hpp>

#include <map>
#include <optional>
#include <string>

namespace wptest {

struct HttpResult {
    int status = 0;
    std::map<std::string, std::string> headers; ///< names lower-cased
    std::string body;
    /// The body as JSON; throws std::runtime_error (with the status and body start) if it is not JSON.
    nlohmann::json json() const;
    std::string header(const std::string& lowerCaseName) const;
};

class HttpsClient {
public:
    /// `baseUrl` like "https://127.0.0.1:PORT"; `caFile` PEM of the only CA trusted.
    HttpsClient(std::string baseUrl, std::string caFile);

    /// `target` is a path ("/v1.0/applications") or an absolute URL on the same host.
    /// Throws Poco exceptions on connection/TLS failures (e.g. an injected reset).
    HttpResult request(const std::string& method, const std::string& target, const std::string& body = {},
                       const std::string& contentType = {},
                       const std::map<std::string, std::string>& headers = {}) const;

    HttpResult get(const std::string& target, const std::map<std::string, std::string>& headers = {}) const;
    HttpResult postJson(const std::string& target, const nlohmann::json& body,
                        const std::map<std::string, std::string>& headers = {}) const;
    HttpResult postForm(const std::string& target, const std::map<std::string, std::string>& fields) const;

    const std::string& baseUrl() const { return _baseUrl; }

private:
    std::string _baseUrl;
    std::string _caFile;
    std::string _host;
    unsigned short _port = 443;
};

/// application/x-www-form-urlencoded encoding of `fields`.
std::string formEncode(const std::map<std::string, std::string>& fields);

} // namespace wptest
