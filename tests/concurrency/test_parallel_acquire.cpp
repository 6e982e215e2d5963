// 64 threads acquire tokens for 10 configured instances (cached and cache-bypassing, so token requests
// and cache refills race) while configure and validate run on the same instances: a re-setup that must be
// refused (it drops the instance's loaded credential while acquisitions use it), a certificate rotation
// of one instance (when the module offers "rotate"), an online validate of every instance, and a full
// setup of an 11th instance. No acquisition may fail; under the tsan preset
// ThreadSanitizer must report no race (halt_on_error=1 turns a report into a failed test).
#include "emulator_process.h"
#include "in_process_host.h"

#include <doctest/doctest.h>

#include <atomic>
#include <chrono>
#include <latch>
#include <mutex>
#include <string>
#include <thread>
#include <vector>

namespace {

constexpr int kInstances = 10;
constexpr int kThreads = 64;
constexpr int kMinimumAcquiresPerThread = 20;

wptest::EmulatorProcess::Options emulatorOptions() {
    wptest::EmulatorProcess::Options options;
    options.replicationDelayMs = 200;
    options.extraArgs = {"--device-code-interval",       "1", "--auto-approve", "1", "--as",
                         "admin@contoso.onmicrosoft.com"};
    options.startTimeout = std::chrono::seconds(60); // slow under ThreadSanitizer
    return options;
}

std::string setupSettings(const wptest::EmulatorProcess& emulator) {
    return R"({"tenant":")" + emulator.tenantDomain() + R"(","cloud":"custom","authority_host":")" +
           emulator.authority() + R"(","graph_host":")" + emulator.graph() + R"(","ca_file":")" +
           emulator.caFile() + R"(","verify_timeout_s":"120","workloads":"onedrive"})";
}

/// The first failure any thread saw (doctest assertions are not made from worker threads).
class FirstFailure {
public:
    void record(const std::string& what) {
        std::lock_guard<std::mutex> lock(_mutex);
        if (_text.empty())
            _text = what;
    }
    std::string text() const {
        std::lock_guard<std::mutex> lock(_mutex);
        return _text;
    }

private:
    mutable std::mutex _mutex;
    std::string _text;
};

} // namespace

TEST_CASE("64 threads acquire tokens for 10 instances while configure and validate run") {
    wptest::EmulatorProcess emulator(emulatorOptions());
    wpconc::InProcessHost host(WP_M365_MODULE_PATH);
    for (int i = 0; i <= kInstances; ++i) // the last one is set up while the acquisitions run
        host.addInstance("tenant-" + std::to_string(i));
    const std::string settings = setupSettings(emulator);

    // Different instances may be configured fully in parallel (abi.h rule 4).
    {
        std::vector<wpconc::Outcome> setups(kInstances);
        std::vector<std::thread> threads;
        for (int i = 0; i < kInstances; ++i)
            threads.emplace_back([&, i] {
                setups[static_cast<std::size_t>(i)] =
                    host.configure(static_cast<std::size_t>(i), "setup", settings);
            });
        for (auto& thread : threads)
            thread.join();
        for (int i = 0; i < kInstances; ++i) {
            INFO("setup of tenant-" << i << ": " << setups[static_cast<std::size_t>(i)].describe());
            REQUIRE(setups[static_cast<std::size_t>(i)].ok());
        }
    }

    std::atomic<bool> adminDone{false};
    std::atomic<long> acquired{0};
    std::atomic<long> failed{0};
    FirstFailure firstFailure;
    std::latch start(kThreads + 1);
    std::vector<std::thread> threads;
    for (int t = 0; t < kThreads; ++t) {
        threads.emplace_back([&, t] {
            start.arrive_and_wait();
            for (int n = 0; n < kMinimumAcquiresPerThread || !adminDone.load(); ++n) {
                // After the opening burst, pace the calls: they keep overlapping the admin's work without
                // starving it of CPU (under ThreadSanitizer every call is expensive).
                if (n >= kMinimumAcquiresPerThread)
                    std::this_thread::sleep_for(std::chrono::milliseconds(20));
                auto index = static_cast<std::size_t>((t + n) % kInstances);
                // Every 8th call bypasses the cache: real token requests race with cached reads.
                uint32_t flags = (n % 8 == t % 8) ? WP_ACQUIRE_BYPASS_CACHE : 0u;
                std::size_t length = 0;
                auto result = host.acquire(index, "graph", flags, &length);
                if (result.ok() && length > 100) {
                    ++acquired;
                } else {
                    ++failed;
                    firstFailure.record(host.name(index) + ": " + result.describe() + " (token length " +
                                        std::to_string(length) + ")");
                }
            }
        });
    }

    // The admin: configure and validate on the instances the threads are using.
    std::vector<std::pair<std::string, wpconc::Outcome>> adminSteps;
    start.arrive_and_wait();
    adminSteps.emplace_back("setup again on tenant-0", host.configure(0, "setup", settings));
    if (host.offersAction("rotate"))
        adminSteps.emplace_back("rotate tenant-1", host.configure(1, "rotate", "{}"));
    for (int i = 0; i < kInstances; ++i)
        adminSteps.emplace_back("validate tenant-" + std::to_string(i),
                                host.validate(static_cast<std::size_t>(i), "{}"));
    adminSteps.emplace_back("setup of tenant-10", host.configure(kInstances, "setup", settings));
    adminDone = true;
    for (auto& thread : threads)
        thread.join();

    MESSAGE("acquisitions: " << acquired.load() << " succeeded, " << failed.load() << " failed");
    INFO("first failed acquisition: " << firstFailure.text());
    CHECK(failed.load() == 0);
    CHECK(acquired.load() >= static_cast<long>(kThreads) * kMinimumAcquiresPerThread);

    // The refused re-setup names its reason; everything else succeeded.
    CHECK(adminSteps[0].second.status == WP_E_CONFLICT);
    CHECK(adminSteps[0].second.code == "config.already_configured");
    for (std::size_t i = 1; i < adminSteps.size(); ++i) {
        INFO(adminSteps[i].first << ": " << adminSteps[i].second.describe());
        CHECK(adminSteps[i].second.ok());
    }
    // The instance configured during the storm serves tokens too.
    std::size_t length = 0;
    auto last = host.acquire(kInstances, "graph", 0, &length);
    INFO("acquire on tenant-10: " << last.describe());
    CHECK(last.ok());
    CHECK(length > 100);
}
