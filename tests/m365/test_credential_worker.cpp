// CredentialWorker: setup's key and certificate generated on a worker thread during the sign-in.
#include "credential_worker.h"

#include <wp/plugin.hpp>

#include <doctest/doctest.h>

using namespace m365;

TEST_SUITE("credential worker") {
    TEST_CASE("the worker's credential is a key with its certificate, handed over once") {
        CredentialWorker worker("m365-plugin-worker", 2048, 30);
        auto credential = worker.take();
        CHECK(credential.certificate.keyBits == 2048);
        CHECK(credential.certificate.subject == "CN=m365-plugin-worker");
        CHECK(keyMatchesCertificate(*SigningKey::fromPem(credential.privateKeyPem.view()),
                                    credential.certificate.pem));
        CHECK_THROWS_AS(worker.take(), wp::Error);
    }

    TEST_CASE("a generation error reaches take() with its code") {
        CredentialWorker worker("m365-plugin-worker", 1024, 30);
        try {
            worker.take();
            FAIL("expected cert.bad_key_bits");
        } catch (const wp::Error& e) {
            CHECK(e.code() == "cert.bad_key_bits");
            CHECK(e.status() == WP_E_INVALID_ARGUMENT);
        }
    }

    TEST_CASE("a credential never taken (the sign-in failed) is joined and dropped with the worker") {
        // Nothing to observe but that this ends: the destructor waits for the thread, and the sanitizer
        // builds see the key's buffer freed (and wiped by SecretBuffer) with it.
        { CredentialWorker worker("m365-plugin-worker", 2048, 30); }
        { CredentialWorker failing("", 2048, 30); } // an error nobody asks for is dropped too
    }
}
