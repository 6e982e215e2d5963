// The token cache: refresh ahead of expiry, single-flight, error propagation, invalidate, bypass, and
// lock-free reads that stay valid while entries are replaced.
#include "support/fake_call.h"
#include "token_cache.h"

#include <doctest/doctest.h>

#include <atomic>
#include <barrier>
#include <thread>
#include <vector>

using namespace m365;
using namespace m365test;

namespace {

struct Fixture {
    std::atomic<int64_t> clock{1'000'000};
    std::atomic<int> counter{0};
    int64_t lifetime = 3600;
    int64_t refreshIn = 0;

    TokenCache::Fetcher fetcher() {
        return [this](std::string_view scope, const wp::Call*) {
            int n = ++counter;
            AccessToken token;
            token.token = SecretBuffer(std::string(scope) + "#" + std::to_string(n));
            token.expiresAt = clock.load() + lifetime;
            token.refreshAt = refreshIn > 0 ? clock.load() + refreshIn : 0;
            token.scope = std::string(scope);
            return token;
        };
    }
    TokenCache::Clock clockFn() {
        return [this] { return clock.load(); };
    }
    std::string get(TokenCache& cache, const char* scope = "graph", bool bypass = false) {
        TokenLease lease = cache.get(scope, nullptr, bypass);
        return std::string(lease->token.view());
    }
};

} // namespace

TEST_CASE_FIXTURE(Fixture, "cached until 5 minutes before expiry, then fetched again") {
    TokenCache cache(fetcher(), clockFn());
    CHECK(get(cache) == "graph#1");
    CHECK(get(cache) == "graph#1");
    CHECK(get(cache, "exchange") == "exchange#2");
    clock += 3600 - 301;
    CHECK(get(cache) == "graph#1");
    clock += 1; // 300 s left: treated as expired
    CHECK(get(cache) == "graph#3");
    CHECK(cache.fetchCount() == 3);
}

TEST_CASE_FIXTURE(Fixture, "short-lived tokens use half their lifetime as the margin") {
    lifetime = 60;
    TokenCache cache(fetcher(), clockFn());
    CHECK(get(cache) == "graph#1");
    clock += 29;
    CHECK(get(cache) == "graph#1");
    clock += 1;
    CHECK(get(cache) == "graph#2");
}

TEST_CASE_FIXTURE(Fixture,
                  "refresh_in: refreshed early - a failed early refresh keeps serving the valid token") {
    refreshIn = 1800;
    bool fail = false;
    auto base = fetcher();
    TokenCache cache(
        [&](std::string_view scope, const wp::Call* call) {
            if (fail)
                throw wp::Error(WP_E_UNAVAILABLE, "net.timeout", "down");
            return base(scope, call);
        },
        clockFn());
    CHECK(get(cache) == "graph#1");
    clock += 1800;
    fail = true;
    CHECK(get(cache) == "graph#1"); // refresh failed, token still has 30 min
    fail = false;
    CHECK(get(cache) == "graph#2"); // next caller refreshes
    CHECK(get(cache) == "graph#2");
}

TEST_CASE_FIXTURE(Fixture, "64 concurrent callers for a missing token cause exactly one fetch") {
    std::atomic<int> fetches{0};
    TokenCache cache(
        [&](std::string_view scope, const wp::Call*) {
            ++fetches;
            std::this_thread::sleep_for(std::chrono::milliseconds(200));
            AccessToken token;
            token.token = SecretBuffer(std::string(scope) + "-token");
            token.expiresAt = clock.load() + 3600;
            return token;
        },
        clockFn());
    std::barrier start(64);
    std::atomic<int> correct{0};
    std::vector<std::thread> threads;
    for (int i = 0; i < 64; ++i)
        threads.emplace_back([&] {
            start.arrive_and_wait();
            TokenLease lease = cache.get("https://graph.microsoft.com/.default", nullptr);
            if (lease->token.view() == "https://graph.microsoft.com/.default-token")
                ++correct;
        });
    for (auto& thread : threads)
        thread.join();
    CHECK(fetches.load() == 1);
    CHECK(correct.load() == 64);
}

TEST_CASE_FIXTURE(Fixture, "the single fetch's error reaches every waiting caller") {
    std::atomic<int> fetches{0};
    TokenCache cache(
        [&](std::string_view, const wp::Call*) -> AccessToken {
            ++fetches;
            std::this_thread::sleep_for(std::chrono::milliseconds(200));
            throw wp::Error(WP_E_AUTH_FAILED, "aad.AADSTS700027", "certificate not registered");
        },
        clockFn());
    std::barrier start(64);
    std::atomic<int> sameError{0};
    std::vector<std::thread> threads;
    for (int i = 0; i < 64; ++i)
        threads.emplace_back([&] {
            start.arrive_and_wait();
            try {
                cache.get("graph", nullptr);
            } catch (const wp::Error& e) {
                if (e.code() == "aad.AADSTS700027")
                    ++sameError;
            }
        });
    for (auto& thread : threads)
        thread.join();
    CHECK(fetches.load() == 1);
    CHECK(sameError.load() == 64);
    CHECK_THROWS_AS(cache.get("graph", nullptr), wp::Error); // errors are not cached: a later call fetches
    CHECK(fetches.load() == 2);
}

TEST_CASE_FIXTURE(Fixture, "invalidate forgets tokens - bypass always fetches and updates the cache") {
    TokenCache cache(fetcher(), clockFn());
    CHECK(get(cache) == "graph#1");
    cache.invalidate();
    CHECK(get(cache) == "graph#2");
    CHECK(get(cache, "graph", true) == "graph#3");
    CHECK(get(cache, "graph", true) == "graph#4");
    CHECK(get(cache) == "graph#4");
}

TEST_CASE_FIXTURE(Fixture, "a waiter's own cancel ends its wait - a cancelled leader hands over") {
    std::atomic<bool> release{false};
    std::atomic<int> fetches{0};
    TokenCache cache(
        [&](std::string_view, const wp::Call* call) {
            int n = ++fetches;
            while (!release.load()) {
                if (call != nullptr && call->cancelled())
                    throw wp::Error(WP_E_CANCELLED, "call.cancelled", "cancelled");
                std::this_thread::sleep_for(std::chrono::milliseconds(5));
            }
            AccessToken token;
            token.token = SecretBuffer("token-" + std::to_string(n));
            token.expiresAt = clock.load() + 3600;
            return token;
        },
        clockFn());
    FakeCall leaderCall, waiterCall, otherCall;
    wp::Call leader = leaderCall.call(), waiter = waiterCall.call(), other = otherCall.call();
    std::string leaderResult, otherResult;
    std::thread first([&] {
        try {
            cache.get("graph", &leader);
        } catch (const wp::Error& e) {
            leaderResult = e.code();
        }
    });
    while (fetches.load() == 0)
        std::this_thread::yield();
    std::thread second([&] {
        try {
            otherResult = std::string(cache.get("graph", &other)->token.view());
        } catch (const wp::Error& e) {
            otherResult = e.code();
        }
    });
    waiterCall.cancel();
    CHECK_THROWS_WITH_AS(cache.get("graph", &waiter), "the operation was cancelled", wp::Error);
    std::this_thread::sleep_for(std::chrono::milliseconds(50));
    leaderCall.cancel(); // the leader gives up; the other waiter must fetch instead of failing
    first.join();
    while (fetches.load() < 2)
        std::this_thread::yield();
    release = true;
    second.join();
    CHECK(leaderResult == "call.cancelled");
    CHECK(otherResult == "token-2");
}

TEST_CASE_FIXTURE(Fixture, "readers keep valid tokens while entries are replaced and reclaimed") {
    TokenCache cache(fetcher(), clockFn());
    std::atomic<bool> stop{false};
    std::atomic<long> reads{0};
    std::atomic<int> broken{0};
    std::vector<std::thread> readers;
    for (int i = 0; i < 4; ++i)
        readers.emplace_back([&] {
            while (!stop.load()) {
                TokenLease lease = cache.get("graph", nullptr);
                std::string_view token = lease->token.view();
                if (token.substr(0, 6) != "graph#" || lease->scope != "graph")
                    ++broken;
                ++reads;
            }
        });
    for (int i = 0; i < 2000; ++i) {
        if (i % 2 == 0)
            cache.invalidate();
        else
            cache.get("graph", nullptr, true);
    }
    stop = true;
    for (auto& reader : readers)
        reader.join();
    CHECK(broken.load() == 0);
    CHECK(reads.load() > 0);
}

TEST_CASE_FIXTURE(Fixture, "a nested lease on the same thread takes the shared path") {
    TokenCache cache(fetcher(), clockFn());
    get(cache);
    TokenLease outer = cache.get("graph", nullptr);
    TokenLease inner = cache.get("graph", nullptr);
    CHECK(outer->token.view() == inner->token.view());
    TokenLease moved = std::move(outer);
    CHECK_FALSE(static_cast<bool>(outer));
    CHECK(moved->token.view() == "graph#1");
}
