// scale.cpp -- issue 7 item 7: --count configured instances in one host process.  Resident memory per
// instance (created, then after each has its first token) and the time to get one cold token for each
// (loading its credential from the store, its TLS connection, signing, the request) on --threads threads.
// Process-wide one-time costs (OpenSSL and Poco initialisation, the module itself) are paid before the
// baseline by a warm-up instance (--warm NAME), so they are not charged to the 1,000.
#include "benches.h"
#include "host_setup.h"
#include "json_line.h"
#include "thread_group.h"

#include <atomic>
#include <memory>
#include <stdexcept>
#include <vector>

namespace wpbench {

int runScale(const Options& options) {
    BenchHost host = openHost(options);
    const std::string prefix = options.text("prefix");
    const std::string resource = options.text("resource", "graph");
    const long count = options.number("count", 1000);
    const int threads = static_cast<int>(options.number("threads", 1));

    auto warm = host.open(options.text("warm"));
    Acquirer(warm->instance(), resource).acquireOrThrow();

    const uint64_t baseline = residentBytes();
    std::vector<std::unique_ptr<BenchInstance>> instances;
    instances.reserve(static_cast<std::size_t>(count));
    for (long i = 0; i < count; ++i)
        instances.push_back(host.open(cloneName(prefix, i)));
    const uint64_t created = residentBytes();

    std::atomic<long> failures{0};
    const uint64_t cpuStart = processCpuNs();
    uint64_t start = nowNs();
    runTogether(
        threads, [](int) {},
        [&](int t) {
            for (long i = t; i < count; i += threads) {
                Acquirer acquirer(instances[static_cast<std::size_t>(i)]->instance(), resource);
                if (acquirer.acquire() != WP_OK || acquirer.token().empty())
                    failures.fetch_add(1);
            }
        });
    const double seconds = static_cast<double>(nowNs() - start) / 1e9;
    const double cpuMs = static_cast<double>(processCpuNs() - cpuStart) / 1e6;
    const uint64_t withTokens = residentBytes();
    if (failures.load() != 0)
        throw std::runtime_error(std::to_string(failures.load()) + " of the cold acquires failed");

    const auto perInstanceKiB = [&](uint64_t bytes) {
        return static_cast<double>(bytes > baseline ? bytes - baseline : 0) / 1024.0 /
               static_cast<double>(count);
    };
    JsonLine("scale")
        .add("instances", static_cast<double>(count))
        .add("threads", threads)
        .add("seconds", seconds)
        .add("ms_per_token", seconds * 1e3 / static_cast<double>(count))
        .add("cpu_ms_per_token", cpuMs / static_cast<double>(count))
        .add("baseline_rss_mib", static_cast<double>(baseline) / 1048576.0)
        .add("rss_kib_per_instance_created", perInstanceKiB(created))
        .add("rss_kib_per_instance_with_token", perInstanceKiB(withTokens))
        .print();
    return 0;
}

} // namespace wpbench
