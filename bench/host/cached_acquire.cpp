// cached_acquire.cpp -- issue 7 item 2: a cached token through the plugin ABI (wp::host::Instance ->
// acquire_credentials -> the callback copies the token out), calls/s and latency at several thread counts.
//
// Two passes per run: a throughput pass without any clock read inside the loop (the clock would cost
// ~10% of a 200 ns call), then a latency pass that reads the clock once per call (each sample includes
// one clock read: its cost is printed as timer_overhead_ns).  Throughput is reported twice: per wall
// second (total of all threads: what this run saw on a shared machine) and per CPU-second of the
// calling threads (what a call costs when it has a core: the figure comparable across loads).
#include "benches.h"
#include "host_setup.h"
#include "json_line.h"
#include "thread_group.h"

#include <algorithm>
#include <atomic>
#include <chrono>
#include <memory>
#include <stdexcept>
#include <thread>
#include <vector>

namespace wpbench {

namespace {

constexpr int kBatch = 256; ///< calls between two looks at the stop flag

struct ThreadResult {
    uint64_t calls = 0;
    uint64_t elapsedNs = 0;
    uint64_t cpuNs = 0;
    bool failed = false;
};

struct Throughput {
    double perWallSecond = 0; ///< summed over the threads
    double perCpuSecond = 0;  ///< all calls / all CPU time of the calling threads
};

/// Each thread calls for `seconds` of wall time.
Throughput throughputPass(wp::host::Instance& instance, const std::string& resource, int threads,
                          double seconds) {
    std::vector<std::unique_ptr<Acquirer>> acquirers(static_cast<std::size_t>(threads));
    std::vector<ThreadResult> results(static_cast<std::size_t>(threads));
    const auto budget = static_cast<uint64_t>(seconds * 1e9);
    runTogether(
        threads,
        [&](int i) {
            acquirers[static_cast<std::size_t>(i)] = std::make_unique<Acquirer>(instance, resource);
            acquirers[static_cast<std::size_t>(i)]->acquireOrThrow();
        },
        [&](int i) {
            Acquirer& acquirer = *acquirers[static_cast<std::size_t>(i)];
            ThreadResult& result = results[static_cast<std::size_t>(i)];
            uint64_t cpuStart = threadCpuNs();
            uint64_t start = nowNs();
            uint64_t now = start;
            while (now - start < budget) {
                for (int k = 0; k < kBatch; ++k)
                    result.failed |= acquirer.acquire() != WP_OK;
                result.calls += kBatch;
                now = nowNs();
            }
            result.elapsedNs = now - start;
            result.cpuNs = threadCpuNs() - cpuStart;
        });
    Throughput throughput;
    double calls = 0, cpu = 0;
    for (const auto& result : results) {
        if (result.failed)
            throw std::runtime_error("a cached acquire failed during the throughput pass");
        throughput.perWallSecond +=
            static_cast<double>(result.calls) * 1e9 / static_cast<double>(result.elapsedNs);
        calls += static_cast<double>(result.calls);
        cpu += static_cast<double>(result.cpuNs);
    }
    throughput.perCpuSecond = calls * 1e9 / cpu;
    return throughput;
}

/// Per-call latencies (ns) of `callsPerThread` calls on each thread.
std::vector<uint32_t> latencyPass(wp::host::Instance& instance, const std::string& resource, int threads,
                                  int callsPerThread) {
    std::vector<std::unique_ptr<Acquirer>> acquirers(static_cast<std::size_t>(threads));
    std::vector<std::vector<uint32_t>> samples(static_cast<std::size_t>(threads));
    std::atomic<bool> failed{false};
    runTogether(
        threads,
        [&](int i) {
            acquirers[static_cast<std::size_t>(i)] = std::make_unique<Acquirer>(instance, resource);
            acquirers[static_cast<std::size_t>(i)]->acquireOrThrow();
            samples[static_cast<std::size_t>(i)].resize(static_cast<std::size_t>(callsPerThread));
        },
        [&](int i) {
            Acquirer& acquirer = *acquirers[static_cast<std::size_t>(i)];
            auto& mine = samples[static_cast<std::size_t>(i)];
            bool bad = false;
            uint64_t before = nowNs();
            for (auto& sample : mine) {
                bad |= acquirer.acquire() != WP_OK;
                uint64_t after = nowNs();
                sample = static_cast<uint32_t>(std::min<uint64_t>(after - before, UINT32_MAX));
                before = after;
            }
            if (bad)
                failed.store(true);
        });
    if (failed.load())
        throw std::runtime_error("a cached acquire failed during the latency pass");
    std::vector<uint32_t> all;
    for (auto& mine : samples)
        all.insert(all.end(), mine.begin(), mine.end());
    return all;
}

} // namespace

int runCached(const Options& options) {
    BenchHost host = openHost(options);
    auto opened = host.open(options.text("instance"));
    const std::string resource = options.text("resource", "graph");
    const int runs = static_cast<int>(options.number("runs", 5));
    const double seconds = options.real("seconds", 0.5);
    const int latencyCalls = static_cast<int>(options.number("latency-calls", 200000));
    const double timer = timerOverheadNs();

    Acquirer warm(opened->instance(), resource);
    warm.acquireOrThrow(); // the one cold fetch; everything below is served from the cache
    const double tokenBytes = static_cast<double>(warm.token().size());

    for (int threads : options.list("threads", {1, 2, 8})) {
        std::vector<double> rates, cpuRates, p50s, p99s;
        for (int run = 0; run < runs; ++run) {
            Throughput throughput = throughputPass(opened->instance(), resource, threads, seconds);
            rates.push_back(throughput.perWallSecond);
            cpuRates.push_back(throughput.perCpuSecond);
            auto samples = latencyPass(opened->instance(), resource, threads, latencyCalls / threads);
            p50s.push_back(percentile(samples, 50));
            p99s.push_back(percentile(samples, 99));
        }
        JsonLine("cached_acquire")
            .add("threads", threads)
            .add("calls_per_s", summarize(rates))
            .add("calls_per_cpu_s", summarize(cpuRates))
            .add("p50_ns", summarize(p50s))
            .add("p99_ns", summarize(p99s))
            .add("timer_overhead_ns", timer)
            .add("token_bytes", tokenBytes)
            .print();
    }
    return 0;
}

} // namespace wpbench
