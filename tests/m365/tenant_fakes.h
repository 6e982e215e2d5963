// tenant_fakes.h -- an in-memory wp_host (logger + config and secret stores with revisions and CAS) for
// the unit tests of the tenant-configuration code (setup pieces, journal, validate).
#pragma once

#include <wp/plugin.hpp>

#include <map>
#include <memory>
#include <mutex>
#include <string>
#include <vector>

namespace m365test {

class MemoryStore {
public:
    MemoryStore() {
        _table.ctx = this;
        _table.get = &MemoryStore::get;
        _table.put_if = &MemoryStore::putIf;
        _table.remove = &MemoryStore::remove;
        _table.list = &MemoryStore::list;
    }
    const wp_store& table() const { return _table; }
    std::map<std::string, std::string> snapshot() const {
        std::lock_guard<std::mutex> lock(_mutex);
        std::map<std::string, std::string> values;
        for (const auto& [key, entry] : _entries)
            values[key] = entry.first;
        return values;
    }

private:
    static MemoryStore& self(void* ctx) { return *static_cast<MemoryStore*>(ctx); }
    static wp_status get(void* ctx, const char* key, const wp_sink* value, uint64_t* revision, wp_error*) {
        auto& store = self(ctx);
        std::lock_guard<std::mutex> lock(store._mutex);
        auto found = store._entries.find(key);
        if (found == store._entries.end()) {
            if (revision)
                *revision = 0;
            return WP_E_NOT_FOUND;
        }
        if (value && value->write)
            value->write(value->ctx, found->second.first.data(), found->second.first.size());
        if (revision)
            *revision = found->second.second;
        return WP_OK;
    }
    static wp_status putIf(void* ctx, const char* key, uint64_t expected, const char* value, size_t len,
                           uint64_t* newRevision, wp_error*) {
        auto& store = self(ctx);
        std::lock_guard<std::mutex> lock(store._mutex);
        auto found = store._entries.find(key);
        uint64_t current = found == store._entries.end() ? 0 : found->second.second;
        if (current != expected) {
            if (newRevision)
                *newRevision = current;
            return WP_E_CONFLICT;
        }
        auto revision = ++store._counter;
        store._entries[key] = {std::string(value, len), revision};
        if (newRevision)
            *newRevision = revision;
        return WP_OK;
    }
    static wp_status remove(void* ctx, const char* key, uint64_t expected, wp_error*) {
        auto& store = self(ctx);
        std::lock_guard<std::mutex> lock(store._mutex);
        auto found = store._entries.find(key);
        if (found == store._entries.end())
            return WP_E_NOT_FOUND;
        if (expected != WP_REVISION_ANY && expected != found->second.second)
            return WP_E_CONFLICT;
        store._entries.erase(found);
        return WP_OK;
    }
    static wp_status list(void* ctx, const char* prefix, const wp_sink* keys, wp_error*) {
        auto& store = self(ctx);
        std::lock_guard<std::mutex> lock(store._mutex);
        std::string p = prefix ? prefix : "";
        for (const auto& [key, entry] : store._entries) {
            if (key.compare(0, p.size(), p) == 0 && keys && keys->write)
                keys->write(keys->ctx, key.data(), key.size());
        }
        return WP_OK;
    }

    mutable std::mutex _mutex;
    std::map<std::string, std::pair<std::string, uint64_t>> _entries;
    uint64_t _counter = 0;
    wp_store _table{};
};

/// A wp_host whose logger records lines and whose stores live in memory.
class FakeHost {
public:
    FakeHost() {
        _raw.struct_size = sizeof _raw;
        _raw.abi_version = WP_ABI_VERSION;
        _raw.host_name = "unit-test-host";
        _raw.log.ctx = this;
        _raw.log.write = &FakeHost::write;
        _raw.log.min_level = WP_LOG_TRACE;
        _raw.config = config.table();
        _raw.secrets = secrets.table();
        _host = std::make_unique<wp::Host>(_raw);
    }
    const wp::Host& host() const { return *_host; }
    std::vector<std::string> lines() const {
        std::lock_guard<std::mutex> lock(_mutex);
        return _lines;
    }

    MemoryStore config;
    MemoryStore secrets;

private:
    static void write(void* ctx, int32_t, const char* msg, size_t len) {
        auto& self = *static_cast<FakeHost*>(ctx);
        std::lock_guard<std::mutex> lock(self._mutex);
        self._lines.emplace_back(msg, len);
    }

    mutable std::mutex _mutex;
    std::vector<std::string> _lines;
    wp_host _raw{};
    std::unique_ptr<wp::Host> _host;
};

} // namespace m365test
