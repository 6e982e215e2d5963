// token_client.h -- app-only tokens: the OAuth 2.0 client credentials grant with a certificate
// (a fresh RFC 7523 client assertion per request), and the AccessToken every flow returns.
#pragma once

#include "certificate.h"
#include "entra_error.h"
#include "http_transport.h"
#include "jwt.h"
#include "secret_buffer.h"

#include <wp/call.hpp>

#include <chrono>
#include <cstdint>
#include <memory>
#include <string>
#include <string_view>

namespace m365 {

/// A bearer token and when to stop using it.  The token lives only in memory (SecretBuffer).
struct AccessToken {
    SecretBuffer token;
    int64_t expiresAt = 0;    ///< seconds since the epoch: issue time + expires_in
    int64_t extExpiresAt = 0; ///< + ext_expires_in (resilience window), 0 if not sent
    int64_t refreshAt = 0;    ///< issue time + refresh_in when the server sent it, else 0 (cache decides)
    std::string scope;        ///< the scope asked for (e.g. "https://graph.microsoft.com/.default")
    std::string tokenType = "Bearer";
};

/// Parses a successful token-endpoint answer ({"token_type","expires_in","ext_expires_in","refresh_in",
/// "access_token"}; integers or strings).  `issuedAt` = local clock when the request was sent.  Throws
/// wp::Error(WP_E_UNAVAILABLE, "aad.bad_token_response") if the body is not such an object.
AccessToken parseTokenResponse(std::string_view body, std::string scope, int64_t issuedAt);

struct ConfidentialClientSettings {
    std::string tokenEndpoint; ///< https://{authority}/{tenantId}/oauth2/v2.0/token (also the assertion aud)
    std::string clientId;      ///< the application's appId
    AssertionProfile profile = AssertionProfile::PS256WithX5tS256;
    std::chrono::seconds assertionLifetime = std::chrono::minutes(10);
};

/// One application's certificate credential against one tenant's token endpoint.  Thread-safe: many
/// threads may acquire() at once (each request carries its own fresh assertion).
class ConfidentialClient {
public:
    ConfidentialClient(std::shared_ptr<HttpTransport> transport, ConfidentialClientSettings settings,
                       std::shared_ptr<const SigningKey> key, const CertificateInfo& certificate);

    /// client_credentials for `scope` ("<resource>/.default").  Transient failures (throttling, outages,
    /// lost connections) are retried within kTokenRetryBudget (retry_policy.h); the rest are thrown:
    /// ServiceError from entraError() (e.g. "aad.AADSTS700016" while a new application replicates),
    /// "net.*" transport errors, "call.cancelled".
    AccessToken acquire(std::string_view scope, const wp::Call* call) const;

    /// How long one acquire() may keep retrying transient failures.
    static constexpr std::chrono::milliseconds kTokenRetryBudget{15'000};

    const ConfidentialClientSettings& settings() const noexcept { return _settings; }
    const ClientAssertionBuilder& assertions() const noexcept { return _assertions; }

private:
    AccessToken acquireOnce(std::string_view scope, const wp::Call* call) const;

    std::shared_ptr<HttpTransport> _transport;
    ConfidentialClientSettings _settings;
    ClientAssertionBuilder _assertions;
    std::string _formPrefix; ///< "client_id=...&grant_type=client_credentials&client_assertion_type=..."
};

/// Percent-encoding for application/x-www-form-urlencoded values (RFC 3986 unreserved kept).
std::string formEncode(std::string_view value);
/// Seconds since the epoch from the system clock.
int64_t unixNow() noexcept;

} // namespace m365
