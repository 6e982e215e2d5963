// The configured application's credential as acquire-credentials uses it: the instance record, the
// certificate's signing key (parsed once), a ConfidentialClient and the per-resource token cache.
// Immutable once loaded; a new certificate (rotation, setup again) means a new AppCredential.
#pragma once

#include "http_transport.h"
#include "instance_record.h"
#include "token_cache.h"
#include "token_client.h"

#include <wp/plugin.hpp>

#include <array>
#include <memory>
#include <string>
#include <string_view>

namespace m365 {

class AppCredential {
public:
    /// Reads the instance record and its secret. Throws wp::Error(WP_E_NOT_FOUND, "config.not_configured")
    /// when setup has not completed, or the record/secret errors.
    static std::shared_ptr<AppCredential> load(const wp::Host& host);

    AppCredential(InstanceRecord record, const StoredCredential& secret,
                  std::shared_ptr<HttpTransport> transport);

    /// "graph", "exchange", "sharepoint" (any case, surrounding blanks ignored) or an explicit
    /// "https://.../.default" scope -> the scope to request.  Allocates nothing (it runs on every
    /// acquire): a view of this credential's precomputed scope, or of `resource` itself for an explicit
    /// scope (valid as long as `resource` is).  Throws wp::Error(WP_E_INVALID_ARGUMENT,
    /// "acquire.resource_unknown").
    std::string_view scopeFor(std::string_view resource) const;

    TokenLease token(std::string_view scope, const wp::Call* call, bool bypassCache) {
        return _cache.get(scope, call, bypassCache);
    }
    const InstanceRecord& record() const noexcept { return _record; }
    const ConfidentialClient& client() const noexcept { return _client; }
    const std::shared_ptr<HttpTransport>& transport() const noexcept { return _transport; }
    const std::shared_ptr<const SigningKey>& key() const noexcept { return _key; }
    const CertificateInfo& certificate() const noexcept { return _certificate; }

private:
    InstanceRecord _record;
    std::shared_ptr<HttpTransport> _transport;
    std::shared_ptr<const SigningKey> _key;
    CertificateInfo _certificate;
    ConfidentialClient _client;
    TokenCache _cache;
    std::array<std::string, 3> _wellKnownScopes; ///< for kWellKnownResources, in that order
};

/// Token-endpoint errors meaning "this key is not (or no longer) registered": another process may have
/// rotated the certificate, so the caller re-reads the store and retries once.
bool keyRejected(const wp::Error& error);

} // namespace m365
