// http_transport.h -- the HTTPS seam of the plugin.  Everything that talks to Entra ID or Graph goes
// through HttpTransport::send(), so unit tests can script the server and the real PocoHttpTransport can
// hold the TLS policy in one place: a Context the transport owns (never Poco's process-wide defaults),
// strict verification with host name check, TLS 1.2 or newer, keep-alive reuse, timeouts, a response
// size limit, proxies from the environment, https only.
#pragma once

#include <wp/call.hpp>

#include <chrono>
#include <cstddef>
#include <cstdint>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

namespace m365 {

/// Header list with case-insensitive lookup (HTTP field names are case-insensitive).
class HttpHeaders {
public:
    void add(std::string name, std::string value) { _fields.emplace_back(std::move(name), std::move(value)); }
    /// Replaces every field of that name.
    void set(std::string_view name, std::string value);
    /// The first value of that name, or nullopt.
    std::optional<std::string> get(std::string_view name) const;
    /// The first value of that name, or "".
    std::string value(std::string_view name) const { return get(name).value_or(std::string()); }
    bool has(std::string_view name) const { return get(name).has_value(); }
    const std::vector<std::pair<std::string, std::string>>& fields() const noexcept { return _fields; }

private:
    std::vector<std::pair<std::string, std::string>> _fields;
};

struct HttpRequest {
    std::string method = "GET";
    std::string url;         ///< absolute https:// URL (query included)
    HttpHeaders headers;     ///< extra request headers (Authorization, ...); never logged
    std::string body;        ///< may hold a secret (a client assertion): never logged, never in errors
    std::string contentType; ///< e.g. "application/x-www-form-urlencoded"; empty: none
    /// True if the request may be sent again when a reused keep-alive connection turns out to be closed
    /// by the server before any answer.  GET/HEAD/PUT/DELETE count as safe anyway; set it for POSTs that
    /// are safe to repeat (token requests).
    bool idempotent = false;
};

struct HttpResponse {
    int status = 0;
    std::string reason;
    HttpHeaders headers;
    std::string body;

    std::string header(std::string_view name) const { return headers.value(name); }
    bool ok() const noexcept { return status >= 200 && status < 300; }
};

/// The seam: one request, one response.  Implementations never throw on HTTP status codes (4xx/5xx are
/// ordinary responses); they throw wp::Error for transport failures (WP_E_UNAVAILABLE "net.*") and
/// WP_E_CANCELLED "call.cancelled" when `call` (may be null) is cancelled.  Thread-safe.
class HttpTransport {
public:
    virtual ~HttpTransport() = default;
    virtual HttpResponse send(const HttpRequest& request, const wp::Call* call) = 0;
};

struct ProxySettings {
    std::string host;
    uint16_t port = 0;
    std::string username; ///< optional basic proxy credentials
    std::string password;
    bool operator==(const ProxySettings&) const = default;
};

struct TransportOptions {
    std::string caFile;       ///< extra trusted CA (PEM file), e.g. the emulator's; empty: none
    bool useSystemCAs = true; ///< trust the system CA store (the real Entra/Graph endpoints need it)
    std::chrono::milliseconds connectTimeout{10'000};
    std::chrono::milliseconds readTimeout{
        60'000};                                 ///< waiting for an answer (cancel is checked every ~250 ms)
    std::chrono::milliseconds ioTimeout{30'000}; ///< one send/receive on the socket
    std::size_t maxResponseBytes = 4u << 20;     ///< larger bodies fail with "net.response_too_large"
    std::size_t maxIdleConnectionsPerHost = 8;
    /// Explicit proxy (wins over the environment; used for every host, loopback included, except those
    /// in noProxy).  Empty host: none.
    ProxySettings proxy;
    std::string noProxy; ///< NO_PROXY-style list of hosts that bypass the explicit proxy
    /// Honour HTTPS_PROXY/https_proxy and NO_PROXY/no_proxy (loopback hosts never use an environment proxy).
    bool proxyFromEnvironment = true;
    std::string userAgent = "m365-plugin";
    bool operator==(const TransportOptions&) const = default;
};

/// Parsed pieces of an absolute URL, as the transport needs them.
struct UrlParts {
    std::string scheme; ///< lower-case
    std::string host;   ///< without brackets for IPv6
    uint16_t port = 0;
    std::string pathAndQuery; ///< "/" at least
};
/// Throws wp::Error(WP_E_INVALID_ARGUMENT, "net.bad_url") for anything but scheme://host[:port][/path].
UrlParts parseUrl(std::string_view url);

/// Whether NO_PROXY-style list `noProxy` (comma separated: "*", "host", ".domain", "domain", host:port)
/// exempts `host` from the proxy.
bool proxyBypassed(std::string_view noProxy, std::string_view host);

/// Real HTTPS over Poco NetSSL.  Thread-safe: any number of threads may send at once (each request
/// takes a connection of its own from the idle pool, at most maxIdleConnectionsPerHost are kept).
class PocoHttpTransport final : public HttpTransport {
public:
    /// Throws wp::Error(WP_E_INVALID_CONFIG, "net.ca_file_unreadable") if caFile cannot be loaded, and
    /// "net.bad_proxy" for an unusable HTTPS_PROXY.
    explicit PocoHttpTransport(TransportOptions options = {});

    /// The process's transport for these options: the same object for every caller with equal options
    /// (every field, the proxy password included) while one of them still holds it, as long as what it
    /// read when it was made is unchanged (the CA file, SSL_CERT_FILE/SSL_CERT_DIR, HTTPS_PROXY/NO_PROXY);
    /// else a new one.  So a thousand instances of one cloud share one TLS context and one keep-alive
    /// pool.  Throws what the constructor throws.
    static std::shared_ptr<PocoHttpTransport> shared(const TransportOptions& options);
    ~PocoHttpTransport() override;
    PocoHttpTransport(const PocoHttpTransport&) = delete;
    PocoHttpTransport& operator=(const PocoHttpTransport&) = delete;

    HttpResponse send(const HttpRequest& request, const wp::Call* call) override;

    /// Drops every idle keep-alive connection (e.g. after the CA file changed).
    void closeIdleConnections();
    const TransportOptions& options() const noexcept;

private:
    struct Inputs;
    struct Impl;
    PocoHttpTransport(TransportOptions options, const Inputs* inputs);

    std::unique_ptr<Impl> _impl;
};

} // namespace m365
