// The client side of a client_credentials request, for emulator_throughput: an RSA key with a self-signed
// certificate (in memory only) and Entra-style client assertions signed with it by OpenSSL EVP
// (Poco::JWT has no PS256).
#pragma once

#include <Poco/JSON/Object.h>

#include <openssl/evp.h>

#include <memory>
#include <string>

namespace emu::bench {

struct PKeyDeleter {
    void operator()(EVP_PKEY* key) const { EVP_PKEY_free(key); }
};

/// The application's key credential: an RSA-2048 key and its self-signed certificate (DER).
struct Credential {
    std::unique_ptr<EVP_PKEY, PKeyDeleter> key;
    std::string certDer;
};

Credential makeCredential();

/// PS256 + x5t#S256 (alg "PS256") or RS256 + x5t (alg "RS256"); a fresh jti every call, exp = now + 600 s.
std::string makeAssertion(const Credential& credential, const std::string& alg, const std::string& clientId,
                          const std::string& audience);

std::string base64(const std::string& bytes);    ///< standard, padded (Graph's Edm.Binary)
std::string base64Url(const std::string& bytes); ///< unpadded (JOSE)
std::string toJson(const Poco::JSON::Object& object);

} // namespace emu::bench
