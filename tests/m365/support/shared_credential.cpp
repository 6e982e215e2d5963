// shared_credential.cpp -- see shared_credential.h.
#include "support/shared_credential.h"

namespace m365test {

const SharedCredential& sharedCredential() {
    static const SharedCredential credential = [] {
        m365::GeneratedCredential generated = m365::generateSelfSignedCredential("m365-unit-test", 2048, 30);
        SharedCredential shared;
        shared.certificate = generated.certificate;
        shared.privateKeyPem = std::string(generated.privateKeyPem.view());
        shared.key = m365::SigningKey::fromPem(generated.privateKeyPem.view());
        return shared;
    }();
    return credential;
}

} // namespace m365test
