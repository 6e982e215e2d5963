#include "credential_worker.h"

#include <wp/plugin.hpp>

#include <chrono>
#include <system_error>
#include <utility>

namespace m365 {

CredentialWorker::CredentialWorker(std::string commonName, int keyBits, int validityDays) {
    auto generate = [commonName = std::move(commonName), keyBits, validityDays]() {
        return generateSelfSignedCredential(commonName, keyBits, validityDays);
    };
    try {
        _result = std::async(std::launch::async, generate);
    } catch (const std::system_error&) {
        _result = std::async(std::launch::deferred, generate); // no thread to spare: generate on take()
    }
}

CredentialWorker::~CredentialWorker() {
    // Join before the shared state goes: its GeneratedCredential (if any) wipes the key as it is destroyed.
    // A deferred generation that was never taken is not run at all.
    if (_result.valid() && _result.wait_for(std::chrono::seconds(0)) != std::future_status::deferred)
        _result.wait();
}

GeneratedCredential CredentialWorker::take() {
    if (!_result.valid())
        throw wp::Error(WP_E_INTERNAL, "cert.generate_failed", "the generated credential was already taken");
    return _result.get();
}

} // namespace m365
