// single_flight.cpp -- issue 7 item 4: 64 threads ask a fresh instance (no token cached yet) for the same
// token at the same instant.  The requests the emulator saw are counted by scripts/bench.sh from
// /_emulator/stats around this process; here: how many callers got a token, and how long it took.
#include "benches.h"
#include "host_setup.h"
#include "json_line.h"
#include "thread_group.h"

#include <atomic>
#include <memory>
#include <vector>

namespace wpbench {

int runSingleFlight(const Options& options) {
    BenchHost host = openHost(options);
    auto opened = host.open(options.text("instance"));
    const std::string resource = options.text("resource", "graph");
    const int threads = static_cast<int>(options.number("threads", 64));

    std::vector<std::unique_ptr<Acquirer>> acquirers(static_cast<std::size_t>(threads));
    std::atomic<int> succeeded{0};
    uint64_t start = 0;
    runTogether(
        threads,
        [&](int i) {
            acquirers[static_cast<std::size_t>(i)] = std::make_unique<Acquirer>(opened->instance(), resource);
        },
        [&](int i) {
            if (i == 0)
                start = nowNs();
            auto& acquirer = *acquirers[static_cast<std::size_t>(i)];
            if (acquirer.acquire() == WP_OK && !acquirer.token().empty())
                succeeded.fetch_add(1);
        });
    JsonLine("single_flight")
        .add("instance", opened->name())
        .add("threads", threads)
        .add("succeeded", succeeded.load())
        .add("ms", static_cast<double>(nowNs() - start) / 1e6)
        .print();
    return succeeded.load() == threads ? 0 : 1;
}

} // namespace wpbench
