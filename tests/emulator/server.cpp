#include "server.h"

#include "crypto.h"
#include "errors.h"

#include <Poco/Net/Context.h>
#include <Poco/Net/HTTPRequestHandler.h>
#include <Poco/Net/HTTPRequestHandlerFactory.h>
#include <Poco/Net/HTTPServer.h>
#include <Poco/Net/HTTPServerParams.h>
#include <Poco/Net/HTTPServerRequest.h>
#include <Poco/Net/HTTPServerRequestImpl.h>
#include <Poco/Net/HTTPServerResponse.h>
#include <Poco/Net/SecureServerSocket.h>
#include <Poco/Net/SocketAddress.h>
#include <Poco/StreamCopier.h>
#include <Poco/ThreadPool.h>
#include <Poco/URI.h>

#include <sys/socket.h>

#include <chrono>
#include <thread>

namespace emu {

namespace {
constexpr std::size_t kMaxBodyBytes = 8 * 1024 * 1024;

// The base URL as the client addressed us, so discovery's issuer matches the authority it used
// (127.0.0.1, localhost or [::1]); anything else falls back to 127.0.0.1.
std::string baseUrlFor(const Poco::Net::HTTPServerRequest& request, unsigned short port) {
    const std::string host = request.getHost();
    // Built by append: GCC 12 reports a false -Wrestrict for `"literal" + std::string&&` here in Release.
    const std::string suffix = std::string(":").append(std::to_string(port));
    std::string base = "https://";
    for (const char* name : {"127.0.0.1", "localhost", "[::1]"})
        if (host == std::string(name) + suffix)
            return base.append(host);
    return base.append("127.0.0.1").append(suffix);
}

Request toRequest(Poco::Net::HTTPServerRequest& in, unsigned short port) {
    Request request;
    request.method = in.getMethod();
    const std::string& uri = in.getURI();
    const auto question = uri.find('?');
    request.path = urlDecode(uri.substr(0, question), false);
    if (question != std::string::npos) {
        request.rawQuery = uri.substr(question + 1);
        request.query = parseUrlEncoded(request.rawQuery);
    }
    for (const auto& [name, value] : in)
        request.headers[name] = value;
    std::string body;
    Poco::StreamCopier::copyToString(in.stream(), body, 8192);
    if (body.size() > kMaxBodyBytes)
        throw std::length_error("request body too large");
    request.body = std::move(body);
    request.remoteAddress = in.clientAddress().toString();
    request.baseUrl = baseUrlFor(in, port);
    request.requestId = newGuid();
    return request;
}

Response faultResponse(const Request& request, const Fault& fault) {
    const bool graph = request.path.starts_with("/v1.0/");
    Response response;
    if (graph)
        response =
            fault.status == 429
                ? graphError(429, "TooManyRequests", "Please retry again later.", request)
                : graphError(fault.status, fault.status >= 500 ? "serviceNotAvailable" : "Request_BadRequest",
                             "Injected fault.", request);
    else
        response = fault.status == 429
                       ? entraError(429, "temporarily_unavailable", 50196,
                                    "The server terminated an operation because it encountered a "
                                    "client request loop. Please retry later.",
                                    request)
                       : entraError(fault.status, "temporarily_unavailable", 90033,
                                    "A transient error has occurred. Please try again.", request);
    if (!fault.retryAfter.empty())
        response.headers["Retry-After"] = fault.retryAfter;
    return response;
}

// Ends the connection without an orderly TLS close: the client sees the connection drop mid-exchange.
void dropConnection(Poco::Net::HTTPServerRequest& request, Poco::Net::HTTPServerResponse& response) {
    response.setKeepAlive(false);
    auto& socket = static_cast<Poco::Net::HTTPServerRequestImpl&>(request).socket();
    const auto fd = socket.impl()->sockfd();
    linger hard{1, 0}; // RST when Poco closes the socket
    ::setsockopt(fd, SOL_SOCKET, SO_LINGER, &hard, sizeof hard);
    ::shutdown(fd, SHUT_RDWR);
}

class Handler : public Poco::Net::HTTPRequestHandler {
public:
    Handler(const Router& router, FaultInjector& faults, unsigned short port)
        : _router(router), _faults(faults), _port(port) {}

    void handleRequest(Poco::Net::HTTPServerRequest& in, Poco::Net::HTTPServerResponse& out) override {
        Request request;
        try {
            request = toRequest(in, _port);
        } catch (const std::exception&) {
            // Unreadable or oversized request: answer once and close, as a front door would.
            out.setStatus(Poco::Net::HTTPResponse::HTTP_REQUESTENTITYTOOLARGE);
            out.setKeepAlive(false);
            out.setContentLength(0);
            out.send();
            return;
        }
        serve(request, in, out);
    }

private:
    void serve(const Request& request, Poco::Net::HTTPServerRequest& in, Poco::Net::HTTPServerResponse& out) {
        std::optional<Fault> fault = _faults.take(request.method, request.path, request.body);
        if (fault && fault->delayMs > 0)
            std::this_thread::sleep_for(std::chrono::milliseconds(fault->delayMs));
        Response response;
        if (fault && fault->kind == FaultKind::Status) {
            _router.stats().count(_router.routeNameFor(request));
            response = faultResponse(request, *fault);
        } else {
            response = _router.dispatch(request);
        }
        if (request.path.starts_with("/v1.0/") && !response.headers.count("request-id")) {
            response.headers["request-id"] = request.requestId;
            response.headers["client-request-id"] = request.header("client-request-id", request.requestId);
        }
        if (fault && fault->kind == FaultKind::Reset) {
            dropConnection(in, out);
            return;
        }
        if (fault && fault->kind == FaultKind::Malformed) {
            if (fault->status != 200)
                response.status = fault->status;
            response.body = "{\"error\":{\"code\":\"Injected\",\"message\":<malformed";
            response.headers["Content-Type"] = "application/json; charset=utf-8";
        }
        out.setStatus(static_cast<Poco::Net::HTTPResponse::HTTPStatus>(response.status));
        for (const auto& [name, value] : response.headers)
            out.set(name, value);
        out.setContentLength(static_cast<std::streamsize>(response.body.size()));
        if (fault && fault->kind == FaultKind::Truncate) {
            std::ostream& stream = out.send();
            stream.write(response.body.data(), static_cast<std::streamsize>(response.body.size() / 2));
            stream.flush();
            dropConnection(in, out);
            return;
        }
        out.sendBuffer(response.body.data(), response.body.size());
    }

    const Router& _router;
    FaultInjector& _faults;
    unsigned short _port;
};

class HandlerFactory : public Poco::Net::HTTPRequestHandlerFactory {
public:
    HandlerFactory(const Router& router, FaultInjector& faults, unsigned short port)
        : _router(router), _faults(faults), _port(port) {}
    Poco::Net::HTTPRequestHandler* createRequestHandler(const Poco::Net::HTTPServerRequest&) override {
        return new Handler(_router, _faults, _port);
    }

private:
    const Router& _router;
    FaultInjector& _faults;
    unsigned short _port;
};

Poco::Net::Context::Ptr serverContext(const TlsFiles& tls) {
    Poco::Net::Context::Params params;
    params.privateKeyFile = tls.privateKeyFile;
    params.certificateFile = tls.certificateFile;
    params.verificationMode = Poco::Net::Context::VERIFY_NONE;
    params.loadDefaultCAs = false;
    params.cipherList = "HIGH:!aNULL:!MD5:!RC4";
    Poco::Net::Context::Ptr context = new Poco::Net::Context(Poco::Net::Context::TLS_SERVER_USE, params);
    context->requireMinimumProtocol(Poco::Net::Context::PROTO_TLSV1_2);
    return context;
}
} // namespace

struct HttpsServer::Impl {
    Poco::ThreadPool pool{4, 64, 60, 0};
    std::unique_ptr<Poco::Net::HTTPServer> server;
    unsigned short port = 0;
    bool stopped = false;
};

HttpsServer::HttpsServer(const Router& router, FaultInjector& faults, const TlsFiles& tls,
                         unsigned short port)
    : _impl(std::make_unique<Impl>()) {
    Poco::Net::SecureServerSocket socket(Poco::Net::SocketAddress("127.0.0.1", port), 128,
                                         serverContext(tls));
    _impl->port = socket.address().port();
    auto* params = new Poco::Net::HTTPServerParams;
    params->setKeepAlive(true);
    params->setMaxKeepAliveRequests(0); // unlimited per connection
    params->setKeepAliveTimeout(Poco::Timespan(30, 0));
    params->setTimeout(Poco::Timespan(60, 0));
    params->setMaxThreads(64);
    params->setMaxQueued(512);
    params->setServerName("m365-emulator");
    _impl->server = std::make_unique<Poco::Net::HTTPServer>(new HandlerFactory(router, faults, _impl->port),
                                                            _impl->pool, socket, params);
}

HttpsServer::~HttpsServer() {
    stop();
}

void HttpsServer::start() {
    _impl->server->start();
}

void HttpsServer::stop() {
    if (_impl->stopped)
        return;
    _impl->stopped = true;
    _impl->server->stopAll(true);
    _impl->pool.joinAll();
}

unsigned short HttpsServer::port() const {
    return _impl->port;
}

} // namespace emu
