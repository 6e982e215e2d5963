#include "jwt.h"

#include <openssl/evp.h>
#include <openssl/pem.h>
#include <openssl/rsa.h>
#include <openssl/x509.h>

#include <memory>

namespace emu::jwt {

namespace {
using PkeyPtr = std::unique_ptr<EVP_PKEY, decltype(&EVP_PKEY_free)>;

std::optional<nlohmann::json> decodeJsonPart(std::string_view part) {
    auto bytes = base64UrlDecode(part);
    if (!bytes)
        return std::nullopt;
    auto value = nlohmann::json::parse(bytes->begin(), bytes->end(), nullptr, false);
    if (value.is_discarded() || !value.is_object())
        return std::nullopt;
    return value;
}

bool verifyWithKey(const Parsed& token, EVP_PKEY* key) {
    if (!key || EVP_PKEY_get_base_id(key) != EVP_PKEY_RSA)
        return false;
    const std::string alg = stringClaim(token.header, "alg");
    const bool pss = alg == "PS256";
    if (!pss && alg != "RS256")
        return false;
    std::unique_ptr<EVP_MD_CTX, decltype(&EVP_MD_CTX_free)> ctx(EVP_MD_CTX_new(), &EVP_MD_CTX_free);
    EVP_PKEY_CTX* pctx = nullptr; // owned by ctx
    if (!ctx || EVP_DigestVerifyInit(ctx.get(), &pctx, EVP_sha256(), nullptr, key) != 1)
        return false;
    if (pss) {
        // RFC 7518 3.5: PSS with SHA-256, MGF1 with SHA-256, salt length = digest length (32).
        if (EVP_PKEY_CTX_set_rsa_padding(pctx, RSA_PKCS1_PSS_PADDING) != 1 ||
            EVP_PKEY_CTX_set_rsa_mgf1_md(pctx, EVP_sha256()) != 1 ||
            EVP_PKEY_CTX_set_rsa_pss_saltlen(pctx, 32) != 1)
            return false;
    } else if (EVP_PKEY_CTX_set_rsa_padding(pctx, RSA_PKCS1_PADDING) != 1) {
        return false;
    }
    const auto* input = reinterpret_cast<const unsigned char*>(token.signingInput.data());
    return EVP_DigestVerify(ctx.get(), token.signature.data(), token.signature.size(), input,
                            token.signingInput.size()) == 1;
}
} // namespace

std::optional<Parsed> parse(std::string_view compact, std::string* error) {
    auto fail = [error](const char* why) -> std::optional<Parsed> {
        if (error)
            *error = why;
        return std::nullopt;
    };
    auto first = compact.find('.');
    auto second = first == std::string_view::npos ? first : compact.find('.', first + 1);
    if (second == std::string_view::npos || compact.find('.', second + 1) != std::string_view::npos)
        return fail("not a compact JWS (three dot-separated parts expected)");
    if (compact.find('=') != std::string_view::npos)
        return fail("base64url padding '=' is not allowed in a JWT");
    auto header = decodeJsonPart(compact.substr(0, first));
    if (!header)
        return fail("the JWT header is not base64url-encoded JSON");
    auto claims = decodeJsonPart(compact.substr(first + 1, second - first - 1));
    if (!claims)
        return fail("the JWT payload is not base64url-encoded JSON");
    auto signature = base64UrlDecode(compact.substr(second + 1));
    if (!signature || signature->empty())
        return fail("the JWT signature is missing or not base64url");
    Parsed parsed;
    parsed.header = std::move(*header);
    parsed.claims = std::move(*claims);
    parsed.signingInput = std::string(compact.substr(0, second));
    parsed.signature = std::move(*signature);
    return parsed;
}

bool verifyWithCertificate(const Parsed& token, const Bytes& certificateDer) {
    const unsigned char* cursor = certificateDer.data();
    std::unique_ptr<X509, decltype(&X509_free)> cert(
        d2i_X509(nullptr, &cursor, static_cast<long>(certificateDer.size())), &X509_free);
    if (!cert)
        return false;
    return verifyWithKey(token, X509_get0_pubkey(cert.get()));
}

bool verifyWithPublicKeyPem(const Parsed& token, std::string_view publicKeyPem) {
    std::unique_ptr<BIO, decltype(&BIO_free)> bio(
        BIO_new_mem_buf(publicKeyPem.data(), static_cast<int>(publicKeyPem.size())), &BIO_free);
    if (!bio)
        return false;
    PkeyPtr key(PEM_read_bio_PUBKEY(bio.get(), nullptr, nullptr, nullptr), &EVP_PKEY_free);
    return verifyWithKey(token, key.get());
}

std::optional<std::int64_t> numericClaim(const nlohmann::json& claims, std::string_view name) {
    auto it = claims.find(name);
    if (it == claims.end() || !it->is_number())
        return std::nullopt;
    if (it->is_number_float())
        return static_cast<std::int64_t>(it->get<double>());
    return it->get<std::int64_t>();
}

std::string stringClaim(const nlohmann::json& claims, std::string_view name) {
    auto it = claims.find(name);
    if (it == claims.end() || !it->is_string())
        return {};
    return it->get<std::string>();
}

} // namespace emu::jwt
