// transport_errors.h -- how PocoHttpTransport reports failures (internal header): Poco exceptions
// become wp::Error(WP_E_UNAVAILABLE, "net.*") with a message naming the host, never a request body or
// header.
#pragma once

#include "http_transport.h"

#include <wp/error.hpp>

#include <Poco/Exception.h>

#include <string>

namespace m365 {

/// The certificate verification callback notes why a chain was rejected (per thread: the handshake
/// runs on the calling thread).
void recordVerifyFailure(std::string detail);
void clearVerifyFailure();

/// The peer closed or reset the connection inside the TLS session (not a refused handshake).
bool isLostMidStream(const Poco::Exception& e);

/// Connection closed/reset before any answer: typical of a keep-alive connection the server dropped.
bool isStaleConnectionError(const Poco::Exception& e);

/// The wp::Error for a transport failure talking to url.
wp::Error transportError(const Poco::Exception& e, const UrlParts& url, const TransportOptions& options);

[[noreturn]] void throwTooLarge(const UrlParts& url, std::size_t limit);

} // namespace m365
