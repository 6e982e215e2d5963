// wp_bench_crypto -- issue 7 item 1: what one client assertion costs against the physical limit, the raw
// RSA-2048 private-key operation.  In the same process and interleaved run by run: OpenSSL's raw RSA
// signature of a ready SHA-256 digest (PKCS#1 v1.5 and PSS, EVP_PKEY_sign with a prepared context, as
// `openssl speed rsa2048` does), and the plugin's ClientAssertionBuilder (m365_core) building and
// signing complete PS256 and RS256 assertions (claims, GUID, base64url, digest, signature).  Rates are
// per CPU-second of the measuring thread.
// Usage: wp_bench_crypto [--runs 5] [--seconds 0.4]
#include "json_line.h"
#include "options.h"
#include "rsa_reference.h"
#include "stats.h"

#include "certificate.h"
#include "jwt.h"

#include <cstdio>
#include <exception>
#include <functional>
#include <memory>
#include <stdexcept>
#include <vector>

namespace {

using namespace wpbench;

/// Operations per CPU-second of this thread, calling fn for about `seconds` of wall time (the machine is
/// shared: CPU time is what an operation costs, whatever share of a core this run got).
double rate(const std::function<void()>& fn, double seconds) {
    const auto budget = static_cast<uint64_t>(seconds * 1e9);
    uint64_t cpuStart = threadCpuNs();
    uint64_t start = nowNs(), now = start, operations = 0;
    while (now - start < budget) {
        for (int i = 0; i < 16; ++i)
            fn();
        operations += 16;
        now = nowNs();
    }
    return static_cast<double>(operations) * 1e9 / static_cast<double>(threadCpuNs() - cpuStart);
}

} // namespace

int main(int argc, char** argv) {
    try {
        Options options(argc, argv, 1);
        const int runs = static_cast<int>(options.number("runs", 5));
        const double seconds = options.real("seconds", 0.4);

        auto credential = m365::generateSelfSignedCredential("wp-bench", 2048, 30);
        auto signingKey = m365::SigningKey::fromPem(credential.privateKeyPem.view());
        const std::string endpoint =
            "https://login.microsoftonline.com/8f3b6c2a-5d1e-4a7b-9c0d-2e4f6a8b1c3d/oauth2/v2.0/token";
        const std::string clientId = "86dc8277-4c9b-4092-9699-b878645118f7";
        m365::ClientAssertionBuilder ps256(signingKey, credential.certificate, endpoint, clientId,
                                           m365::AssertionProfile::PS256WithX5tS256);
        m365::ClientAssertionBuilder rs256(signingKey, credential.certificate, endpoint, clientId,
                                           m365::AssertionProfile::RS256WithX5t);
        const std::string pem(credential.privateKeyPem.view());
        RsaReference rawPkcs1(pem, RsaReference::Padding::Pkcs1);
        RsaReference rawPss(pem, RsaReference::Padding::Pss);
        std::size_t assertionBytes = 0;
        std::string assertion;
        assertion.reserve(2048);
        auto build = [&](const m365::ClientAssertionBuilder& builder) {
            assertion.clear();
            builder.appendTo(assertion);
            assertionBytes = assertion.size();
        };

        std::vector<double> rawRs, rawPs, asRs, asPs, ratioRs, ratioPs;
        for (int run = 0; run < runs; ++run) {
            rawRs.push_back(rawPkcs1.signaturesPerCpuSecond(seconds));
            asRs.push_back(rate([&] { build(rs256); }, seconds));
            rawPs.push_back(rawPss.signaturesPerCpuSecond(seconds));
            asPs.push_back(rate([&] { build(ps256); }, seconds));
            ratioRs.push_back(rawRs.back() / asRs.back()); // assertion time / raw signature time
            ratioPs.push_back(rawPs.back() / asPs.back());
        }
        JsonLine("assertion")
            .add("key_bits", 2048)
            .add("raw_rsa_pkcs1_per_s", summarize(rawRs))
            .add("raw_rsa_pss_per_s", summarize(rawPs))
            .add("rs256_assertions_per_s", summarize(asRs))
            .add("ps256_assertions_per_s", summarize(asPs))
            .add("rs256_cost_vs_raw", summarize(ratioRs))
            .add("ps256_cost_vs_raw", summarize(ratioPs))
            .add("assertion_bytes", static_cast<double>(assertionBytes))
            .print();
        return 0;
    } catch (const std::exception& e) {
        std::fprintf(stderr, "wp_bench_crypto: %s\n", e.what());
    }
    return 1;
}
