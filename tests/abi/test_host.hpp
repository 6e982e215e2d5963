// Test doubles for the ABI tests: an in-memory StoreService (with injectable compare-and-swap conflicts),
// a TestHost bundling the services a plugin instance borrows, and a Recorder that captures one call's
// output.  Built only from the public host helpers of wp/host.hpp.
#ifndef WP_TESTS_ABI_TEST_HOST_HPP
#define WP_TESTS_ABI_TEST_HOST_HPP

#include <wp/host.hpp>

#include <map>
#include <mutex>
#include <string>
#include <vector>

namespace wptest {

class MemoryStore : public wp::host::StoreService {
public:
    /// The next `count` writes lose their compare-and-swap as if another writer came first.
    void injectConflicts(int count) {
        std::lock_guard lock(_mutex);
        _conflicts = count;
    }
    int writes() const {
        std::lock_guard lock(_mutex);
        return _writes;
    }

    std::optional<wp::Versioned> get(std::string_view key) override {
        std::lock_guard lock(_mutex);
        auto it = _values.find(key);
        if (it == _values.end())
            return std::nullopt;
        return it->second;
    }
    CasResult putIf(std::string_view key, uint64_t expected, std::string_view value) override {
        std::lock_guard lock(_mutex);
        auto it = _values.find(key);
        uint64_t current = it == _values.end() ? 0 : it->second.revision;
        if (_conflicts > 0) { // someone else wrote: the revision moves on
            --_conflicts;
            _values[std::string(key)] = {"(written by another process)", ++_lastRevision};
            return {false, _lastRevision};
        }
        if (current != expected)
            return {false, current};
        ++_writes;
        _values[std::string(key)] = {std::string(value), ++_lastRevision};
        return {true, _lastRevision};
    }
    wp_status remove(std::string_view key, uint64_t expected) override {
        std::lock_guard lock(_mutex);
        auto it = _values.find(key);
        if (it == _values.end())
            return WP_E_NOT_FOUND;
        if (expected != WP_REVISION_ANY && expected != it->second.revision)
            return WP_E_CONFLICT;
        _values.erase(it);
        return WP_OK;
    }
    std::vector<std::string> list(std::string_view prefix) override {
        std::lock_guard lock(_mutex);
        std::vector<std::string> keys;
        for (const auto& [key, value] : _values)
            if (key.compare(0, prefix.size(), prefix) == 0)
                keys.push_back(key);
        return keys;
    }

private:
    mutable std::mutex _mutex;
    std::map<std::string, wp::Versioned, std::less<>> _values;
    uint64_t _lastRevision = 0;
    int _conflicts = 0;
    int _writes = 0;
};

/// Everything an instance borrows from its host, with the log lines kept for inspection.
struct TestHost {
    MemoryStore config;
    MemoryStore secrets;
    std::mutex logMutex;
    std::vector<std::string> logLines;
    wp::host::HostServices services{"abi_tests 1.0",
                                    [this](int32_t, std::string_view line) {
                                        std::lock_guard lock(logMutex);
                                        logLines.emplace_back(line);
                                    },
                                    WP_LOG_TRACE, config, secrets};

    const wp_host& table() const { return services.table(); }
};

/// One call's services plus what came back through them.
struct Recorder {
    std::vector<std::string> events;
    std::vector<std::pair<int32_t, std::string>> findings; // severity, code
    std::map<std::string, std::string> facts;
    std::vector<std::string> tokens;
    wp::host::Cancellation cancel;
    wp::host::Output output;
    wp::host::CallFrame frame{cancel, output};

    Recorder() {
        output.onEvent = [this](std::string_view json) { events.emplace_back(json); };
        output.onFinding = [this](const wp_finding& f) { findings.emplace_back(f.severity, f.code); };
        output.onFact = [this](std::string_view key, std::string_view value) {
            facts[std::string(key)] = value;
        };
        output.onCredential = [this](const wp_credential& c) { tokens.emplace_back(c.token, c.token_len); };
    }
    const wp_call& call() { return frame.call(); }
    std::string code() const { return frame.record().code; }
    std::string message() const { return frame.record().message; }
};

} // namespace wptest

#endif // WP_TESTS_ABI_TEST_HOST_HPP
