// http_transport.cpp -- PocoHttpTransport: HTTPS over Poco NetSSL with the plugin's own TLS policy.
//
// TLS policy (tls_context.h): a Context owned by this object (Poco's SSLManager defaults are never used),
// VERIFY_STRICT, TLS 1.2 minimum, the system trust store plus an optional CA file, and Poco's host name
// check after the handshake (strict mode checks loopback names too).
//
// Sharing (PocoHttpTransport::shared): the instances of one process that connect with the same options
// use ONE transport -- one TLS context, one pool of keep-alive connections -- instead of one each.
#include "http_transport.h"

#include "proxy_environment.h"
#include "tls_context.h"
#include "transport_errors.h"

#include <Poco/Net/Context.h>
#include <Poco/Net/HTTPRequest.h>
#include <Poco/Net/HTTPResponse.h>
#include <Poco/Net/HTTPSClientSession.h>
#include <Poco/Net/NetException.h>
#include <Poco/Net/SSLManager.h>

#include <poll.h>
#include <sys/stat.h>

#include <algorithm>
#include <cerrno>
#include <map>
#include <mutex>

namespace m365 {

namespace {

using Poco::Net::HTTPSClientSession;
using Clock = std::chrono::steady_clock;

constexpr std::chrono::milliseconds kCancelSlice{250};

/// Whether the session's socket is readable (data, end of stream or an error) within timeoutMs.  One
/// poll(2): Poco 1.11's Socket::poll makes and closes an epoll instance per call (four system calls),
/// twice per request.  A failing poll counts as readable: the read that follows reports the error.
bool readable(HTTPSClientSession& session, int timeoutMs) {
    pollfd entry{};
    entry.fd = session.socket().impl()->sockfd();
    entry.events = POLLIN;
    int result = 0;
    do {
        result = ::poll(&entry, 1, timeoutMs);
    } while (result < 0 && errno == EINTR);
    return result != 0;
}

/// An idle keep-alive connection is readable only if the server closed it (or broke protocol): such a
/// connection is dropped before use, so even a non-idempotent request never lands on a dead connection
/// the server closed while it sat in the pool.
bool closedByPeer(HTTPSClientSession& session) {
    try {
        return !session.connected() || readable(session, 0);
    } catch (const Poco::Exception&) {
        return true;
    }
}

bool retrySafe(const HttpRequest& request) {
    return request.idempotent || request.method == "GET" || request.method == "HEAD" ||
           request.method == "PUT" || request.method == "DELETE";
}

[[noreturn]] void throwCancelled() {
    throw wp::Error(WP_E_CANCELLED, "call.cancelled", "the operation was cancelled");
}

/// The CA file's identity (device, inode, size, modification time): a replaced or rewritten file gets a
/// new stamp, so a transport made after the change reads it again instead of sharing the old one.
std::string fileStamp(const std::string& path) {
    if (path.empty())
        return {};
    struct stat info {};
    if (stat(path.c_str(), &info) != 0)
        return "unreadable"; // the context cannot be made; its error says why
    return std::to_string(info.st_dev) + ":" + std::to_string(info.st_ino) + ":" +
           std::to_string(info.st_size) + ":" + std::to_string(info.st_mtim.tv_sec) + "." +
           std::to_string(info.st_mtim.tv_nsec);
}

} // namespace

/// What a transport reads besides its options when it is made: two transports with the same options
/// and the same inputs behave the same, so one can serve both.
struct PocoHttpTransport::Inputs {
    std::string caFileStamp;
    SystemTrust systemTrust;
    EnvironmentProxy environmentProxy;

    static Inputs read(const TransportOptions& options) {
        Inputs inputs;
        inputs.caFileStamp = fileStamp(options.caFile);
        if (options.useSystemCAs)
            inputs.systemTrust = SystemTrust::locate();
        if (options.proxyFromEnvironment && options.proxy.host.empty())
            inputs.environmentProxy = EnvironmentProxy::fromEnvironment();
        return inputs;
    }
    bool operator==(const Inputs& other) const {
        return caFileStamp == other.caFileStamp && systemTrust == other.systemTrust &&
               environmentProxy.proxy == other.environmentProxy.proxy &&
               environmentProxy.noProxy == other.environmentProxy.noProxy;
    }
};

struct PocoHttpTransport::Impl {
    TransportOptions options;
    Inputs inputs;
    Poco::Net::Context::Ptr context;
    std::mutex mutex;
    std::map<std::string, std::vector<std::unique_ptr<HTTPSClientSession>>> idle; ///< by "host:port"

    std::unique_ptr<HTTPSClientSession> takeSession(const UrlParts& url, bool& reused) {
        std::string key = url.host + ":" + std::to_string(url.port);
        {
            std::lock_guard<std::mutex> lock(mutex);
            auto found = idle.find(key);
            while (found != idle.end() && !found->second.empty()) {
                auto session = std::move(found->second.back());
                found->second.pop_back();
                if (!closedByPeer(*session)) {
                    reused = true;
                    return session;
                }
            }
        }
        reused = false;
        auto session = std::make_unique<HTTPSClientSession>(url.host, url.port, context);
        Poco::Net::HTTPClientSession::ProxyConfig proxy; // empty: overrides any process-wide proxy config
        if (!options.proxy.host.empty() && !proxyBypassed(options.noProxy, url.host)) {
            proxy.host = options.proxy.host;
            proxy.port = options.proxy.port;
            proxy.username = options.proxy.username;
            proxy.password = options.proxy.password;
        } else if (options.proxy.host.empty() && options.proxyFromEnvironment &&
                   inputs.environmentProxy.appliesTo(url.host)) {
            const ProxySettings& fromEnvironment = inputs.environmentProxy.proxy;
            proxy.host = fromEnvironment.host;
            proxy.port = fromEnvironment.port;
            proxy.username = fromEnvironment.username;
            proxy.password = fromEnvironment.password;
        }
        if (!proxy.username.empty())
            proxy.authMethod = Poco::Net::HTTPClientSession::PROXY_AUTH_HTTP_BASIC;
        session->setProxyConfig(proxy);
        session->setKeepAlive(true);
        auto toSpan = [](std::chrono::milliseconds ms) { return Poco::Timespan(ms.count() * 1000); };
        session->setTimeout(toSpan(options.connectTimeout), toSpan(options.ioTimeout),
                            toSpan(options.ioTimeout));
        return session;
    }

    void returnSession(const UrlParts& url, std::unique_ptr<HTTPSClientSession> session) {
        std::string key = url.host + ":" + std::to_string(url.port);
        std::lock_guard<std::mutex> lock(mutex);
        auto& sessions = idle[key];
        if (sessions.size() < options.maxIdleConnectionsPerHost)
            sessions.push_back(std::move(session));
    }

    /// Waits (in cancellable slices) until the server starts answering or the read timeout passes.
    void awaitAnswer(HTTPSClientSession& session, const wp::Call* call, const UrlParts& url) {
        auto deadline = Clock::now() + options.readTimeout;
        for (;;) {
            if (call != nullptr && call->cancelled())
                throwCancelled();
            auto left = std::chrono::duration_cast<std::chrono::milliseconds>(deadline - Clock::now());
            if (left.count() <= 0)
                throw wp::Error(WP_E_UNAVAILABLE, "net.timeout",
                                "no answer from " + url.host + ":" + std::to_string(url.port) + " within " +
                                    std::to_string(options.readTimeout.count() / 1000) + " s",
                                "Check the network and the service status; the request can be retried.");
            auto slice = std::min(left, kCancelSlice);
            if (readable(session, static_cast<int>(slice.count())))
                return;
        }
    }

    HttpResponse exchange(HTTPSClientSession& session, const HttpRequest& request, const UrlParts& url,
                          const wp::Call* call, bool& answered, bool& keepAlive) {
        Poco::Net::HTTPRequest poco(request.method, url.pathAndQuery, Poco::Net::HTTPMessage::HTTP_1_1);
        for (const auto& [name, value] : request.headers.fields())
            poco.set(name, value);
        if (!poco.has("User-Agent"))
            poco.set("User-Agent", options.userAgent);
        if (!request.contentType.empty())
            poco.setContentType(request.contentType);
        if (!request.body.empty() || request.method == "POST" || request.method == "PUT" ||
            request.method == "PATCH")
            poco.setContentLength(static_cast<std::streamsize>(request.body.size()));
        poco.setKeepAlive(true);

        std::ostream& out = session.sendRequest(poco);
        out.write(request.body.data(), static_cast<std::streamsize>(request.body.size()));
        out.flush();
        if (!out)
            throw Poco::Net::ConnectionResetException("sending the request failed");
        awaitAnswer(session, call, url);

        Poco::Net::HTTPResponse answer;
        std::istream& in = session.receiveResponse(answer);
        answered = true;
        HttpResponse response;
        response.status = static_cast<int>(answer.getStatus());
        response.reason = answer.getReason();
        for (const auto& [name, value] : answer)
            response.headers.add(name, value);
        if (answer.hasContentLength() && answer.getContentLength64() > 0 &&
            static_cast<uint64_t>(answer.getContentLength64()) > options.maxResponseBytes)
            throwTooLarge(url, options.maxResponseBytes);
        char buffer[16384];
        while (in) {
            in.read(buffer, sizeof buffer);
            std::streamsize got = in.gcount();
            if (got <= 0)
                break;
            if (response.body.size() + static_cast<std::size_t>(got) > options.maxResponseBytes)
                throwTooLarge(url, options.maxResponseBytes);
            response.body.append(buffer, static_cast<std::size_t>(got));
            if (call != nullptr && call->cancelled())
                throwCancelled();
        }
        if (in.bad())
            throw Poco::Net::ConnectionResetException("reading the response failed");
        keepAlive = answer.getKeepAlive();
        return response;
    }
};

PocoHttpTransport::PocoHttpTransport(TransportOptions options)
    : PocoHttpTransport(std::move(options), nullptr) {}

PocoHttpTransport::PocoHttpTransport(TransportOptions options, const Inputs* inputs)
    : _impl(std::make_unique<Impl>()) {
    Poco::Net::initializeSSL();
    try {
        _impl->inputs = inputs != nullptr ? *inputs : Inputs::read(options);
        _impl->options = std::move(options);
        _impl->context = makeTlsContext(_impl->options, _impl->inputs.systemTrust);
    } catch (...) {
        _impl.reset();
        Poco::Net::uninitializeSSL();
        throw;
    }
}

std::shared_ptr<PocoHttpTransport> PocoHttpTransport::shared(const TransportOptions& options) {
    const Inputs inputs = Inputs::read(options);
    // Function-local: destroyed when the module is unloaded; transports still in use stay valid (the
    // registry holds weak references only).
    static std::mutex mutex;
    static std::vector<std::weak_ptr<PocoHttpTransport>> transports;
    std::lock_guard<std::mutex> lock(mutex);
    std::erase_if(transports, [](const std::weak_ptr<PocoHttpTransport>& entry) { return entry.expired(); });
    for (const auto& entry : transports) {
        std::shared_ptr<PocoHttpTransport> transport = entry.lock();
        if (transport && transport->_impl->options == options && transport->_impl->inputs == inputs)
            return transport;
    }
    // Made under the lock: instances starting together wait for one context instead of making several.
    std::shared_ptr<PocoHttpTransport> made(new PocoHttpTransport(options, &inputs));
    transports.push_back(made);
    return made;
}

PocoHttpTransport::~PocoHttpTransport() {
    _impl.reset(); // sessions and context first, then OpenSSL's reference count
    Poco::Net::uninitializeSSL();
}

const TransportOptions& PocoHttpTransport::options() const noexcept {
    return _impl->options;
}

void PocoHttpTransport::closeIdleConnections() {
    std::lock_guard<std::mutex> lock(_impl->mutex);
    _impl->idle.clear();
}

HttpResponse PocoHttpTransport::send(const HttpRequest& request, const wp::Call* call) {
    UrlParts url = parseUrl(request.url);
    if (url.scheme != "https")
        throw wp::Error(WP_E_INVALID_ARGUMENT, "net.https_required",
                        "only https:// URLs are allowed, not " + url.scheme + "://" + url.host,
                        "Use an https:// endpoint; plain HTTP would expose tokens.");
    if (call != nullptr && call->cancelled())
        throwCancelled();
    for (int attempt = 0;; ++attempt) {
        bool reused = false;
        auto session = _impl->takeSession(url, reused);
        clearVerifyFailure();
        bool answered = false;
        try {
            bool keepAlive = false;
            HttpResponse response = _impl->exchange(*session, request, url, call, answered, keepAlive);
            if (keepAlive)
                _impl->returnSession(url, std::move(session));
            return response;
        } catch (const Poco::Exception& e) {
            // A reused keep-alive connection the server closed meanwhile fails on first use: send once more
            // on a fresh connection, but only if the request is safe to repeat.
            if (reused && !answered && attempt == 0 && retrySafe(request) && isStaleConnectionError(e))
                continue;
            throw transportError(e, url, _impl->options);
        }
    }
}

} // namespace m365
