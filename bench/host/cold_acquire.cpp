// cold_acquire.cpp -- issue 7 item 3: WP_ACQUIRE_BYPASS_CACHE, one token request per call over the
// plugin's keep-alive TLS connection (a fresh client assertion each time).  Tokens/s is mostly the
// emulator's speed (client and emulator share the cores); the client's own cost is this process's CPU
// time (getrusage: user + system) divided by the tokens.  Each run is paired with a measurement of the raw
// RSA-2048 PSS signature in this process (rsa_reference.h): cpu_vs_signature = CPU per token / CPU per
// signature, the load-independent form of the target (<= 1.2).
#include "benches.h"
#include "host_setup.h"
#include "json_line.h"
#include "rsa_reference.h"

#include <vector>

namespace wpbench {

int runCold(const Options& options) {
    BenchHost host = openHost(options);
    auto opened = host.open(options.text("instance"));
    const std::string resource = options.text("resource", "graph");
    const int runs = static_cast<int>(options.number("runs", 5));
    const int tokens = static_cast<int>(options.number("tokens", 200));

    Acquirer acquirer(opened->instance(), resource, WP_ACQUIRE_BYPASS_CACHE);
    for (int i = 0; i < 10; ++i) // load the credential, open the connection, warm OpenSSL and the allocator
        acquirer.acquireOrThrow();

    RsaReference signature(2048, RsaReference::Padding::Pss);
    std::vector<double> rates, cpuMs, signatureMs, ratios;
    for (int run = 0; run < runs; ++run) {
        signatureMs.push_back(1e3 / signature.signaturesPerCpuSecond(0.2));
        uint64_t cpuBefore = processCpuNs();
        uint64_t start = nowNs();
        for (int i = 0; i < tokens; ++i)
            acquirer.acquireOrThrow();
        uint64_t elapsed = nowNs() - start;
        uint64_t cpu = processCpuNs() - cpuBefore;
        rates.push_back(tokens * 1e9 / static_cast<double>(elapsed));
        cpuMs.push_back(static_cast<double>(cpu) / 1e6 / tokens);
        ratios.push_back(cpuMs.back() / signatureMs.back());
    }
    JsonLine("cold_acquire")
        .add("instance", opened->name())
        .add("tokens_per_run", tokens)
        .add("tokens_per_s", summarize(rates))
        .add("cpu_ms_per_token", summarize(cpuMs))
        .add("signature_cpu_ms", summarize(signatureMs))
        .add("cpu_vs_signature", summarize(ratios))
        .print();
    return 0;
}

} // namespace wpbench
