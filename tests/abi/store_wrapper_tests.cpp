// wp::Store (the plugin's view of a host store) against wp::host::StoreService (the host's side): the
// compare-and-swap semantics and the update loop, through the real C table in between.
#include "test_host.hpp"

#include <wp/store.hpp>

#include <doctest/doctest.h>

TEST_SUITE("store wrapper") {

    TEST_CASE("get, putIf, removeIf and list follow the compare-and-swap contract") {
        wptest::MemoryStore memory;
        wp::Store store(wp::host::makeStoreTable(memory), "config store");
        CHECK_FALSE(store.get("a").has_value());
        uint64_t revision = 0;
        CHECK(store.putIf("a", WP_REVISION_ABSENT, "1", &revision));
        CHECK(revision > 0);
        CHECK_FALSE(store.putIf("a", WP_REVISION_ABSENT, "again")); // create-only: exists already
        uint64_t current = 0;
        CHECK_FALSE(store.putIf("a", revision + 7, "stale", &current));
        CHECK(current == revision); // a conflict reports the current revision
        CHECK(store.putIf("a", revision, "2", &revision));
        CHECK(store.get("a")->value == "2");
        CHECK(store.get("a")->revision == revision);
        CHECK(store.putIf("b.x", WP_REVISION_ABSENT, ""));
        CHECK(store.list() == std::vector<std::string>{"a", "b.x"});
        CHECK(store.list("b.") == std::vector<std::string>{"b.x"});
        CHECK_FALSE(store.removeIf("a", revision + 1));
        CHECK(store.removeIf("a", revision));
        CHECK_FALSE(store.removeIf("a"));
    }

    TEST_CASE("update retries after losing a compare-and-swap") {
        wptest::MemoryStore memory;
        wp::Store store(wp::host::makeStoreTable(memory), "config store");
        memory.injectConflicts(3);
        int calls = 0;
        uint64_t revision = store.update("counter", [&](const std::optional<std::string>&) {
            ++calls;
            return std::optional<std::string>("done");
        });
        CHECK(calls == 4);
        CHECK(store.get("counter")->value == "done");
        CHECK(store.get("counter")->revision == revision);
    }

    TEST_CASE("update gives up with WP_E_CONFLICT after five lost attempts") {
        wptest::MemoryStore memory;
        wp::Store store(wp::host::makeStoreTable(memory), "secret store");
        memory.injectConflicts(wp::Store::kUpdateAttempts);
        try {
            store.update("k",
                         [](const std::optional<std::string>&) { return std::optional<std::string>("v"); });
            FAIL("update did not give up");
        } catch (const wp::Error& e) {
            CHECK(e.status() == WP_E_CONFLICT);
            CHECK(e.code() == "store.conflict");
        }
        CHECK(memory.writes() == 0);
    }

    TEST_CASE("update deletes when the function returns nullopt") {
        wptest::MemoryStore memory;
        wp::Store store(wp::host::makeStoreTable(memory), "config store");
        CHECK(store.putIf("k", WP_REVISION_ABSENT, "v"));
        CHECK(store.update("k", [](const std::optional<std::string>& v) {
            CHECK(v == std::optional<std::string>("v"));
            return std::optional<std::string>();
        }) == 0);
        CHECK_FALSE(store.get("k").has_value());
    }

    TEST_CASE("host-side failures arrive as wp::Error with the host's status and code") {
        struct BrokenStore final : wptest::MemoryStore {
            std::optional<wp::Versioned> get(std::string_view) override {
                throw wp::Error(WP_E_UNAVAILABLE, "store.busy", "the database is locked");
            }
        } broken;
        wp::Store store(wp::host::makeStoreTable(broken), "config store");
        try {
            store.get("k");
            FAIL("get did not throw");
        } catch (const wp::Error& e) {
            CHECK(e.status() == WP_E_UNAVAILABLE);
            CHECK(e.code() == "store.busy");
            CHECK(std::string(e.what()) == "the database is locked");
        }
        wp::Store missing;
        CHECK_THROWS_AS(missing.get("k"), wp::Error);
    }

} // TEST_SUITE
