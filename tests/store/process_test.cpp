// process_test.cpp -- several processes on one store: no lost update, and SIGKILL loses nothing committed.
#include "store_backends.hpp"

#include <csignal>
#include <cstdio>
#include <sys/wait.h>
#include <unistd.h>
#include <vector>

using namespace wphost;
using namespace wphost::test;

namespace {

/// Runs body in a forked child that opens its own store (a connection never crosses fork) and exits
/// with body's code.  The parent gets the pid.
template <typename Body> pid_t spawnChild(Body&& body) {
    std::fflush(nullptr);
    pid_t pid = ::fork();
    if (pid == 0) {
        int code = 3;
        try {
            code = body();
        } catch (...) {
            code = 4;
        }
        ::_exit(code);
    }
    return pid;
}

int waitExitCode(pid_t pid) {
    int status = 0;
    if (::waitpid(pid, &status, 0) != pid) {
        return -1;
    }
    return WIFEXITED(status) ? WEXITSTATUS(status) : 128 + WTERMSIG(status);
}

/// Kills the child by pid if the test leaves early.
struct ChildGuard {
    pid_t pid;
    ~ChildGuard() {
        if (pid > 0) {
            ::kill(pid, SIGKILL);
            ::waitpid(pid, nullptr, 0);
        }
    }
};

} // namespace

STORE_TEST_CASE("two processes each increment one counter 500 times: the result is exactly 1000") {
    auto location = Backend::create();
    { InstanceStores create(*location, "default"); } // schema exists before the race starts

    // Both children open their store, then wait at a barrier (a pipe the parent closes) so that their
    // 500 increments really overlap instead of running one after the other.
    int barrier[2];
    REQUIRE(::pipe(barrier) == 0);
    auto worker = [&location, &barrier] {
        ::close(barrier[1]);
        InstanceStores stores(*location, "default");
        char byte;
        if (::read(barrier[0], &byte, 1) != 0) {
            return 2;
        }
        for (int i = 0; i < 500; ++i) {
            if (!incrementCounter(stores.config, "counter")) {
                return 1;
            }
        }
        return 0;
    };
    pid_t first = spawnChild(worker);
    pid_t second = spawnChild(worker);
    ::close(barrier[0]);
    ::close(barrier[1]); // go
    REQUIRE(first > 0);
    REQUIRE(second > 0);
    CHECK(waitExitCode(first) == 0);
    CHECK(waitExitCode(second) == 0);

    InstanceStores stores(*location, "default");
    CHECK(stores.config.get("counter").value == "1000");
}

STORE_TEST_CASE("a process killed with SIGKILL while writing leaves a readable store with its last commit") {
    auto location = Backend::create();
    { InstanceStores create(*location, "default"); }
    int pipeFds[2];
    REQUIRE(::pipe(pipeFds) == 0);

    // The child writes a secret and a counter in turns and reports each committed counter value.
    pid_t pid = spawnChild([&location, &pipeFds] {
        ::close(pipeFds[0]);
        InstanceStores stores(*location, "default");
        std::uint64_t secretRevision = 0;
        std::uint64_t counterRevision = 0;
        for (long i = 1;; ++i) {
            CallResult secret = stores.secrets.putIf("token", secretRevision, "token-" + std::to_string(i));
            CallResult counter = stores.config.putIf("counter", counterRevision, std::to_string(i));
            if (secret.status != WP_OK || counter.status != WP_OK) {
                return 1;
            }
            secretRevision = secret.revision;
            counterRevision = counter.revision;
            std::string line = std::to_string(i) + "\n";
            if (::write(pipeFds[1], line.data(), line.size()) != static_cast<ssize_t>(line.size())) {
                return 2;
            }
        }
    });
    REQUIRE(pid > 0);
    ChildGuard guard{pid};
    ::close(pipeFds[1]);

    // Let it commit a few hundred times, then kill it wherever it is.
    std::string reported;
    char buffer[4096];
    long lastReported = 0;
    while (lastReported < 300) {
        ssize_t n = ::read(pipeFds[0], buffer, sizeof buffer);
        REQUIRE(n > 0);
        reported.append(buffer, static_cast<std::size_t>(n));
        auto end = reported.rfind('\n');
        if (end != std::string::npos) {
            auto start = reported.rfind('\n', end - 1);
            lastReported = std::stol(reported.substr(start == std::string::npos ? 0 : start + 1));
        }
    }
    REQUIRE(::kill(pid, SIGKILL) == 0);
    CHECK(waitExitCode(pid) == 128 + SIGKILL);
    guard.pid = 0;
    // Drain what it reported before it died.
    for (ssize_t n; (n = ::read(pipeFds[0], buffer, sizeof buffer)) > 0;) {
        reported.append(buffer, static_cast<std::size_t>(n));
    }
    ::close(pipeFds[0]);
    auto end = reported.rfind('\n');
    auto start = reported.rfind('\n', end - 1);
    lastReported = std::stol(reported.substr(start == std::string::npos ? 0 : start + 1));

    InstanceStores stores(*location, "default");
    CHECK(location->integrityCheck() == "ok");
    CallResult counter = stores.config.get("counter");
    REQUIRE(counter.status == WP_OK);
    long committed = std::stol(counter.value);
    // Committed values are never lost; at most the one commit it had no time to report is extra.
    CHECK(committed >= lastReported);
    CHECK(committed <= lastReported + 1);
    CallResult secret = stores.secrets.get("token");
    REQUIRE(secret.status == WP_OK);
    long secretValue = std::stol(secret.value.substr(std::string("token-").size()));
    CHECK(secretValue >= committed);
    CHECK(secretValue <= committed + 1);
    // And it still takes writes.
    CHECK(stores.config.putIf("counter", counter.revision, "after the crash").status == WP_OK);
}

STORE_TEST_CASE("processes opening a brand-new store at once all succeed and share one master key") {
    for (int round = 0; round < 5; ++round) {
        auto location = Backend::create();
        constexpr int Processes = 8;
        int barrier[2];
        REQUIRE(::pipe(barrier) == 0);
        std::vector<pid_t> children;
        for (int i = 0; i < Processes; ++i) {
            children.push_back(spawnChild([&location, &barrier, i] {
                ::close(barrier[1]);
                char byte;
                if (::read(barrier[0], &byte, 1) != 0) {
                    return 2;
                }
                // Nothing exists yet: the database, its schema and the master key are created in a race.
                InstanceStores stores(*location, "instance-" + std::to_string(i));
                bool ok =
                    stores.secrets.putIf("token", 0, "secret of " + std::to_string(i)).status == WP_OK &&
                    stores.config.putIf("settings", 0, "{}").status == WP_OK;
                return ok ? 0 : 1;
            }));
        }
        ::close(barrier[0]);
        ::close(barrier[1]); // go
        for (pid_t child : children) {
            CHECK(waitExitCode(child) == 0);
        }
        for (int i = 0; i < Processes; ++i) {
            InstanceStores stores(*location, "instance-" + std::to_string(i));
            CHECK(stores.secrets.get("token").value == "secret of " + std::to_string(i));
        }
    }
}
