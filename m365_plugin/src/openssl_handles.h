// openssl_handles.h -- RAII owners for the OpenSSL handles the plugin uses (internal header), and the
// one place that turns OpenSSL's error queue into a wp::Error.
#pragma once

#include <wp/error.hpp>

#include <openssl/bio.h>
#include <openssl/bn.h>
#include <openssl/err.h>
#include <openssl/evp.h>
#include <openssl/x509.h>

#include <memory>
#include <string>
#include <string_view>

namespace m365::ossl {

template <auto Free> struct Deleter {
    template <class T> void operator()(T* handle) const noexcept { Free(handle); }
};

using Pkey = std::unique_ptr<EVP_PKEY, Deleter<EVP_PKEY_free>>;
using PkeyCtx = std::unique_ptr<EVP_PKEY_CTX, Deleter<EVP_PKEY_CTX_free>>;
using MdCtx = std::unique_ptr<EVP_MD_CTX, Deleter<EVP_MD_CTX_free>>;
using X509Ptr = std::unique_ptr<X509, Deleter<X509_free>>;
using Bio = std::unique_ptr<BIO, Deleter<BIO_free_all>>;
using Bignum = std::unique_ptr<BIGNUM, Deleter<BN_free>>;
using X509Extension = std::unique_ptr<X509_EXTENSION, Deleter<X509_EXTENSION_free>>;

/// The oldest queued OpenSSL error as text (and clears the queue), "" if none.
inline std::string takeErrors() {
    unsigned long first = ERR_get_error();
    std::string text;
    if (first != 0) {
        char buffer[256];
        ERR_error_string_n(first, buffer, sizeof buffer);
        text = buffer;
    }
    ERR_clear_error();
    return text;
}

/// wp::Error for a failed OpenSSL call: "<what> failed (<openssl reason>)".  OpenSSL's reasons name
/// algorithms and parse positions, never key material.
[[noreturn]] inline void fail(wp_status status, std::string code, std::string_view what) {
    std::string reason = takeErrors();
    std::string message = std::string(what) + " failed";
    if (!reason.empty())
        message += " (" + reason + ")";
    throw wp::Error(status, std::move(code), std::move(message));
}

/// A read-only memory BIO over text (no copy; text must outlive the BIO).
inline Bio readBio(std::string_view text) {
    Bio bio(BIO_new_mem_buf(text.data(), static_cast<int>(text.size())));
    if (!bio)
        fail(WP_E_INTERNAL, "crypto.out_of_memory", "allocating a memory BIO");
    return bio;
}

/// The bytes written into a memory BIO.
inline std::string_view bioContents(BIO* bio) {
    char* data = nullptr;
    long size = BIO_get_mem_data(bio, &data);
    return size > 0 ? std::string_view(data, static_cast<std::size_t>(size)) : std::string_view();
}

} // namespace m365::ossl
