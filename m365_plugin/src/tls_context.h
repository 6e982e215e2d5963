// tls_context.h -- the TLS client context of PocoHttpTransport (internal header): the plugin's own
// Poco Context (never Poco's SSLManager defaults) with strict verification, TLS 1.2 minimum, the
// configured CA file and the system trust store.
//
// The system store is trusted through OpenSSL's hashed certificate directory, looked up lazily per
// issuer, instead of parsing the whole CA bundle file into every context up front (OpenSSL's
// SSL_CTX_set_default_verify_paths does that: ~150 certificates, tens of ms of CPU and ~1 MB per
// context).  Which certificates are trusted does not change: Debian/Ubuntu's update-ca-certificates
// writes the bundle and the hashed directory from the same list.
#pragma once

#include "http_transport.h"

#include <Poco/Net/Context.h>

#include <string>

namespace m365 {

/// Where the system trust store is, following OpenSSL's rules: SSL_CERT_FILE and SSL_CERT_DIR when
/// set, else the compiled-in defaults (X509_get_default_cert_file / _dir).
struct SystemTrust {
    std::string file;      ///< a PEM bundle loaded when set (SSL_CERT_FILE, or the fallback below)
    std::string directory; ///< a hashed directory (c_rehash layout) searched per issuer; may be a list
    bool operator==(const SystemTrust&) const = default;

    /// From the environment.  The default bundle file is used only if the default directory holds no
    /// hashed certificate names (a system without c_rehash links); SSL_CERT_FILE is always honoured.
    static SystemTrust locate();
};

/// The context for a transport with these options (system trust as located by `trust`).  Throws
/// wp::Error(WP_E_INVALID_CONFIG, "net.ca_file_unreadable") if options.caFile cannot be loaded.
Poco::Net::Context::Ptr makeTlsContext(const TransportOptions& options, const SystemTrust& trust);

} // namespace m365
