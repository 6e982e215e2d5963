// The emulator's TLS material: a CA made on first start (kept in the state directory so clients can
// trust it across restarts) and a leaf certificate for localhost, 127.0.0.1 and ::1 signed by it.
#pragma once

#include <string>

namespace emu {

struct TlsFiles {
    std::string caCertificateFile; ///< PEM; what clients trust (the ready line's "ca_file")
    std::string certificateFile;   ///< PEM leaf followed by the CA
    std::string privateKeyFile;    ///< PEM leaf key (mode 0600)
};

/// Loads the CA from `directory` (ca.pem + ca-key.pem) or creates it there, then issues a fresh leaf
/// (server.pem + server-key.pem, valid 30 days). ECDSA P-256 keys: quick handshakes on a 2-core box.
/// Throws std::runtime_error naming the file on failure.
TlsFiles prepareTlsFiles(const std::string& directory);

} // namespace emu
