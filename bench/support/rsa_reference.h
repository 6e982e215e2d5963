// rsa_reference.h -- the physical limit of a cold token: OpenSSL's raw RSA private-key operation on a
// ready SHA-256 digest (EVP_PKEY_sign with a prepared context, as `openssl speed rsa2048` measures it).
// Used by the assertion benchmark and, in the same process and run, by the cold-token benchmark, so
// "CPU per token / CPU per signature" is a ratio measured under the same load.
#pragma once

#include <memory>
#include <string>

namespace wpbench {

class RsaReference {
public:
    enum class Padding { Pkcs1, Pss };

    /// A fresh RSA key of `bits`.
    explicit RsaReference(int bits = 2048, Padding padding = Padding::Pss);
    /// The key from a PEM private key.
    RsaReference(const std::string& privateKeyPem, Padding padding);
    ~RsaReference();
    RsaReference(const RsaReference&) = delete;
    RsaReference& operator=(const RsaReference&) = delete;

    /// One signature of a fixed 32-byte digest.
    void signOnce();
    /// Signatures per CPU-second of this thread over about `seconds` of wall time.
    double signaturesPerCpuSecond(double seconds);

private:
    struct Impl;
    std::unique_ptr<Impl> _impl;
};

} // namespace wpbench
