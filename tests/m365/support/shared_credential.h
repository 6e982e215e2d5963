// shared_credential.h -- one generated RSA-2048 key + certificate for all tests (key generation is slow).
#pragma once

#include "certificate.h"

#include <memory>

namespace m365test {

struct SharedCredential {
    m365::CertificateInfo certificate;
    std::string privateKeyPem; ///< test key: a plain string is fine here
    std::shared_ptr<const m365::SigningKey> key;
};

const SharedCredential& sharedCredential();

} // namespace m365test
