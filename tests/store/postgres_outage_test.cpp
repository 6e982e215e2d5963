// postgres_outage_test.cpp -- the PostgreSQL server goes away in the middle of writes and comes back.
#include "postgres_server.hpp"
#include "store_backends.hpp"

#include "wphost/store_error.hpp"

#include <atomic>
#include <thread>

using namespace wphost;
using namespace wphost::test;

namespace {

/// A value whose every byte can be checked: "<generation>:" followed by 64 KiB derived from it, so a
/// half-written value (or one generation's bytes with another's revision) cannot pass for whole.
std::string payload(long generation) {
    std::string value = std::to_string(generation) + ":";
    value.reserve(value.size() + 65536);
    for (int i = 0; i < 65536; ++i) {
        value.push_back(static_cast<char>('a' + (generation * 7 + i) % 26));
    }
    return value;
}

bool isWhole(const std::string& value) {
    auto colon = value.find(':');
    return colon != std::string::npos && value == payload(std::stol(value.substr(0, colon)));
}

} // namespace

TEST_CASE("postgresql: the server stopped in the middle of writes: unavailable, nothing half-written, "
          "working again after a restart") {
    PostgresServer& server = PostgresServer::shared();
    auto location = PostgresBackend::create();
    InstanceStores stores(*location, "default");
    REQUIRE(stores.config.putIf("state", 0, payload(0)).status == WP_OK);
    REQUIRE(stores.secrets.putIf("token", 0, payload(0)).status == WP_OK);

    // A writer keeps replacing both values (read, then compare-and-swap) until told to stop.
    std::atomic<bool> keepWriting{true};
    std::atomic<long> committed{0};
    std::atomic<long> unavailable{0};
    std::atomic<long> unexpected{0};
    std::thread writer([&] {
        for (long generation = 1; keepWriting; ++generation) {
            for (const StoreCaller* store : {&stores.config, &stores.secrets}) {
                const std::string key = store == &stores.config ? "state" : "token";
                CallResult current = store->get(key);
                CallResult written = current.status == WP_OK
                                         ? store->putIf(key, current.revision, payload(generation))
                                         : current;
                if (written.status == WP_OK) {
                    ++committed;
                } else if (written.status == WP_E_UNAVAILABLE && written.code.rfind("store.", 0) == 0) {
                    ++unavailable;
                } else {
                    ++unexpected;
                }
            }
        }
    });
    while (committed < 50) {
        std::this_thread::yield();
    }
    // Immediate shutdown (SIGQUIT): backends die mid-statement, like a crash; recovery runs on restart.
    server.stop(SIGQUIT);
    long committedWhileUp = committed;
    while (unavailable < 20) {
        std::this_thread::yield(); // every call fails fast with "unavailable" while the server is down
    }
    CHECK(committed <= committedWhileUp + 2); // nothing commits without a server (at most in-flight ones)

    server.start();
    long committedAtRestart = committed;
    while (committed < committedAtRestart + 50) {
        std::this_thread::yield(); // the same store objects reconnect on their own
    }
    keepWriting = false;
    writer.join();
    CHECK(unexpected == 0);

    // Whatever was in flight at the crash either committed whole or not at all.
    for (const StoreCaller* store : {&stores.config, &stores.secrets}) {
        CallResult read = store->get(store == &stores.config ? "state" : "token");
        REQUIRE(read.status == WP_OK);
        CHECK(isWhole(read.value));
    }
    // A fresh host sees the same, and the secret still authenticates (bound to its revision).
    InstanceStores fresh(*location, "default");
    CallResult token = fresh.secrets.get("token");
    REQUIRE(token.status == WP_OK);
    CHECK(isWhole(token.value));
    CHECK(token.value == stores.secrets.get("token").value);
    CHECK(location->integrityCheck() == "ok");
}

TEST_CASE("postgresql: a host started while the server is down fails with unavailable, then opens") {
    PostgresServer& server = PostgresServer::shared();
    auto location = PostgresBackend::create();
    server.stop(SIGINT);
    try {
        HostStore store(location->options());
        FAIL("opened a store without a server");
    } catch (const StoreError& error) {
        CHECK(error.status() == WP_E_UNAVAILABLE);
        CHECK(error.code() == "store.unavailable");
        CHECK(std::string(error.what()).find("127.0.0.1") != std::string::npos);
    }
    server.start();
    InstanceStores stores(*location, "default");
    CHECK(stores.config.putIf("settings", 0, "{}").status == WP_OK);
}
