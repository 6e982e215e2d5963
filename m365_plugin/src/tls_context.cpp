// tls_context.cpp -- see tls_context.h.
//
// The certificate verification callback is our own: it records why verification failed (for a message
// naming the certificate and its issuer) and never overrides OpenSSL's verdict, so a process-wide
// "accept all" handler someone registered with Poco's SSLManager cannot weaken it.
#include "tls_context.h"

#include "transport_errors.h"

#include <openssl/err.h>
#include <openssl/ssl.h>
#include <openssl/x509.h>

#include <dirent.h>
#include <sys/stat.h>

#include <cctype>
#include <cstdlib>
#include <cstring>
#include <memory>
#include <string_view>

namespace m365 {

namespace {

int verifyCallback(int preverifyOk, X509_STORE_CTX* store) {
    if (preverifyOk == 0) {
        X509* certificate = X509_STORE_CTX_get_current_cert(store);
        char subject[256] = "?";
        char issuer[256] = "?";
        if (certificate != nullptr) {
            X509_NAME_oneline(X509_get_subject_name(certificate), subject, sizeof subject);
            X509_NAME_oneline(X509_get_issuer_name(certificate), issuer, sizeof issuer);
        }
        int error = X509_STORE_CTX_get_error(store);
        recordVerifyFailure(std::string(X509_verify_cert_error_string(error)) + " (certificate '" + subject +
                            "', issued by '" + issuer + "')");
    }
    return preverifyOk;
}

std::string environment(const char* name) {
    const char* value = std::getenv(name);
    return value != nullptr ? std::string(value) : std::string();
}

/// "1a2b3c4d.0": the name c_rehash / openssl rehash gives a CA certificate (subject hash, counter).
bool isHashedName(const char* name) {
    std::size_t i = 0;
    for (; i < 8; ++i)
        if (!std::isxdigit(static_cast<unsigned char>(name[i])))
            return false;
    if (name[i++] != '.' || name[i] == '\0')
        return false;
    for (; name[i] != '\0'; ++i)
        if (!std::isdigit(static_cast<unsigned char>(name[i])))
            return false;
    return true;
}

bool holdsHashedCertificates(const std::string& directory) {
    std::unique_ptr<DIR, int (*)(DIR*)> dir(opendir(directory.c_str()), closedir);
    if (!dir)
        return false;
    while (const dirent* entry = readdir(dir.get()))
        if (isHashedName(entry->d_name))
            return true;
    return false;
}

/// Whether both paths name the same existing file or directory (symbolic links followed).
bool sameFile(const std::string& a, const std::string& b) {
    struct stat first {};
    struct stat second {};
    return stat(a.c_str(), &first) == 0 && stat(b.c_str(), &second) == 0 && first.st_dev == second.st_dev &&
           first.st_ino == second.st_ino;
}

/// Whether the ':'-separated directory list (SSL_CERT_DIR syntax) contains `directory`.
bool listsDirectory(std::string_view list, const std::string& directory) {
    while (!list.empty()) {
        std::size_t colon = list.find(':');
        if (sameFile(std::string(list.substr(0, colon)), directory))
            return true;
        list = colon == std::string_view::npos ? std::string_view() : list.substr(colon + 1);
    }
    return false;
}

} // namespace

SystemTrust SystemTrust::locate() {
    const std::string defaultFile = X509_get_default_cert_file();
    const std::string defaultDirectory = X509_get_default_cert_dir();
    SystemTrust trust;
    trust.file = environment(X509_get_default_cert_file_env());
    if (trust.file.empty())
        trust.file = defaultFile;
    trust.directory = environment(X509_get_default_cert_dir_env());
    if (trust.directory.empty())
        trust.directory = defaultDirectory;
    // The system's bundle and its hashed directory hold the same certificates (update-ca-certificates
    // writes both from one list): when that directory is searched, the bundle need not be parsed.  Any
    // other file (SSL_CERT_FILE naming a bundle of one's own) is loaded, as OpenSSL would.
    if (sameFile(trust.file, defaultFile) && listsDirectory(trust.directory, defaultDirectory) &&
        holdsHashedCertificates(defaultDirectory))
        trust.file.clear();
    return trust;
}

Poco::Net::Context::Ptr makeTlsContext(const TransportOptions& options, const SystemTrust& trust) {
    Poco::Net::Context::Params params;
    params.caLocation = options.caFile;
    params.verificationMode = Poco::Net::Context::VERIFY_STRICT;
    params.verificationDepth = 9;
    params.loadDefaultCAs = false; // the system store is added below, lazily
    params.cipherList = "HIGH:!aNULL:!eNULL:!MD5:!RC4:!3DES:@STRENGTH";
    Poco::Net::Context::Ptr context;
    try {
        context = new Poco::Net::Context(Poco::Net::Context::TLS_CLIENT_USE, params);
    } catch (const Poco::Exception& e) {
        throw wp::Error(WP_E_INVALID_CONFIG, "net.ca_file_unreadable",
                        "the CA file '" + options.caFile + "' could not be loaded: " + e.displayText(),
                        "Check the ca_file setting: a PEM file with the CA certificate(s).");
    }
    SSL_CTX* ssl = context->sslContext();
    if (options.useSystemCAs) {
        // Like SSL_CTX_set_default_verify_paths, a missing or unreadable system location is not an error:
        // the chain then simply does not verify.
        if (!trust.file.empty())
            SSL_CTX_load_verify_file(ssl, trust.file.c_str());
        if (!trust.directory.empty())
            SSL_CTX_load_verify_dir(ssl, trust.directory.c_str());
        ERR_clear_error();
    }
    context->requireMinimumProtocol(Poco::Net::Context::PROTO_TLSV1_2);
    context->enableSessionCache(true); // resumes TLS sessions when a keep-alive connection was closed
    SSL_CTX_set_verify(ssl, SSL_VERIFY_PEER | SSL_VERIFY_FAIL_IF_NO_PEER_CERT, verifyCallback);
    return context;
}

} // namespace m365
