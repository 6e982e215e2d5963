// thread_test.cpp -- one store object used by many threads at once (acquire_credentials does that).
#include "store_backends.hpp"

#include <atomic>
#include <thread>

using namespace wphost;
using namespace wphost::test;

STORE_TEST_CASE("threads sharing one store object lose no update") {
    auto location = Backend::create();
    InstanceStores stores(*location, "default");
    constexpr int Threads = 8;
    constexpr int Increments = 100;
    std::atomic<int> failures{0};
    std::vector<std::thread> threads;
    for (int t = 0; t < Threads; ++t) {
        threads.emplace_back([&] {
            for (int i = 0; i < Increments; ++i) {
                if (!incrementCounter(stores.config, "counter")) {
                    ++failures;
                }
            }
        });
    }
    for (auto& thread : threads) {
        thread.join();
    }
    CHECK(failures == 0);
    CHECK(stores.config.get("counter").value == std::to_string(Threads * Increments));
}

STORE_TEST_CASE("threads reading and rotating secrets concurrently always see a whole, authentic value") {
    auto location = Backend::create();
    InstanceStores stores(*location, "default");
    REQUIRE(stores.secrets.putIf("refresh-token", 0, "generation-0").status == WP_OK);
    std::atomic<int> failures{0};
    std::atomic<bool> writing{true};
    std::vector<std::thread> readers;
    for (int t = 0; t < 4; ++t) {
        readers.emplace_back([&] {
            while (writing) {
                CallResult read = stores.secrets.get("refresh-token");
                if (read.status != WP_OK || read.value.rfind("generation-", 0) != 0) {
                    ++failures;
                }
                std::this_thread::yield(); // many readers, but not a spin that starves the writer
            }
        });
    }
    std::thread writer([&] {
        for (int i = 1; i <= 100; ++i) {
            CallResult current = stores.secrets.get("refresh-token");
            if (stores.secrets.putIf("refresh-token", current.revision, "generation-" + std::to_string(i))
                    .status != WP_OK) {
                ++failures;
            }
        }
        writing = false;
    });
    writer.join();
    for (auto& reader : readers) {
        reader.join();
    }
    CHECK(failures == 0);
    CHECK(stores.secrets.get("refresh-token").value == "generation-100");
}
