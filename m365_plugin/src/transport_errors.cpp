// transport_errors.cpp -- see transport_errors.h.
#include "transport_errors.h"

#include <Poco/Net/NetException.h>
#include <Poco/Net/SSLException.h>

namespace m365 {

namespace {

thread_local std::string t_verifyFailure;

std::string endpoint(const UrlParts& url) {
    return url.host + ":" + std::to_string(url.port);
}

std::string trustedStores(const TransportOptions& options) {
    std::string text;
    if (options.useSystemCAs)
        text = "the system CA store";
    if (!options.caFile.empty())
        text += (text.empty() ? "" : " and ") + std::string("'") + options.caFile + "'";
    return text.empty() ? "no CA at all" : text;
}

std::string via(const TransportOptions& options) {
    return options.proxy.host.empty() ? std::string() : " via proxy " + options.proxy.host;
}

} // namespace

void recordVerifyFailure(std::string detail) {
    if (t_verifyFailure.empty()) // keep the first (deepest) reason
        t_verifyFailure = std::move(detail);
}

void clearVerifyFailure() {
    t_verifyFailure.clear();
}

bool isLostMidStream(const Poco::Exception& e) {
    if (dynamic_cast<const Poco::Net::SSLConnectionUnexpectedlyClosedException*>(&e) != nullptr)
        return true;
    // OpenSSL 3 reports a peer that closed or reset the connection inside a TLS session as an SSL error
    // ("unexpected eof while reading"): the connection was lost, not the handshake refused.
    const std::string& message = e.message();
    return dynamic_cast<const Poco::Net::SSLException*>(&e) != nullptr &&
           (message.find("unexpected eof") != std::string::npos ||
            message.find("reset by peer") != std::string::npos);
}

bool isStaleConnectionError(const Poco::Exception& e) {
    return dynamic_cast<const Poco::Net::NoMessageException*>(&e) != nullptr ||
           dynamic_cast<const Poco::Net::ConnectionResetException*>(&e) != nullptr ||
           dynamic_cast<const Poco::Net::ConnectionAbortedException*>(&e) != nullptr;
}

wp::Error transportError(const Poco::Exception& e, const UrlParts& url, const TransportOptions& options) {
    const std::string where = endpoint(url) + via(options);
    if (dynamic_cast<const Poco::Net::CertificateValidationException*>(&e) != nullptr)
        return wp::Error(WP_E_UNAVAILABLE, "net.tls_verify_failed",
                         "the TLS certificate of " + url.host + " is not valid for the host name '" +
                             url.host + "' (" + e.message() + ")",
                         "Connect with the name the server's certificate was issued for.");
    if (isLostMidStream(e))
        return wp::Error(WP_E_UNAVAILABLE, "net.connection_lost",
                         "the connection to " + where + " was closed before a complete answer arrived",
                         "The request can be retried.");
    if (dynamic_cast<const Poco::Net::SSLException*>(&e) != nullptr) {
        if (!t_verifyFailure.empty() || e.message().find("certificate verify failed") != std::string::npos) {
            std::string reason = t_verifyFailure.empty() ? e.message() : t_verifyFailure;
            return wp::Error(WP_E_UNAVAILABLE, "net.tls_verify_failed",
                             "the TLS certificate of " + where + " was not accepted: " + reason +
                                 "; trusted: " + trustedStores(options),
                             "If the service uses a private CA, set ca_file to that CA's PEM file.");
        }
        return wp::Error(WP_E_UNAVAILABLE, "net.tls_failed",
                         "the TLS handshake with " + where + " failed: " + e.message(),
                         "The server must offer TLS 1.2 or newer.");
    }
    if (dynamic_cast<const Poco::TimeoutException*>(&e) != nullptr)
        return wp::Error(WP_E_UNAVAILABLE, "net.timeout", "the connection to " + where + " timed out",
                         "Check the network and the service status; the request can be retried.");
    if (dynamic_cast<const Poco::Net::HostNotFoundException*>(&e) != nullptr ||
        dynamic_cast<const Poco::Net::NoAddressFoundException*>(&e) != nullptr ||
        dynamic_cast<const Poco::Net::DNSException*>(&e) != nullptr)
        return wp::Error(WP_E_UNAVAILABLE, "net.connect_failed",
                         "the host name " + url.host + " could not be resolved",
                         "Check the host name and DNS.");
    if (dynamic_cast<const Poco::Net::ConnectionRefusedException*>(&e) != nullptr)
        return wp::Error(WP_E_UNAVAILABLE, "net.connect_failed",
                         "the connection to " + where + " was refused",
                         "Check that the service is reachable (firewall, proxy settings).");
    if (isStaleConnectionError(e) || dynamic_cast<const Poco::Net::MessageException*>(&e) != nullptr)
        return wp::Error(WP_E_UNAVAILABLE, "net.connection_lost",
                         "the connection to " + where + " was closed before a complete answer arrived",
                         "The request can be retried.");
    if (dynamic_cast<const Poco::Net::HTTPException*>(&e) != nullptr)
        return wp::Error(WP_E_UNAVAILABLE, "net.proxy_failed",
                         "the proxy refused to open a tunnel to " + endpoint(url) + ": " + e.message(),
                         "Check the proxy settings (proxy, proxy_user, proxy_password_env, no_proxy, or "
                         "HTTPS_PROXY and NO_PROXY).");
    return wp::Error(WP_E_UNAVAILABLE, "net.connect_failed",
                     "talking to " + where + " failed: " + e.displayText(), "The request can be retried.");
}

void throwTooLarge(const UrlParts& url, std::size_t limit) {
    throw wp::Error(WP_E_UNAVAILABLE, "net.response_too_large",
                    "the answer from " + endpoint(url) + " exceeds the limit of " + std::to_string(limit) +
                        " bytes");
}

} // namespace m365
