// wphost/sqlite_database.hpp -- the SQLite file behind the config and secret stores.
#pragma once

#include "wphost/store_database.hpp"

#include <memory>
#include <mutex>

struct sqlite3;

namespace wphost {

/// One connection to the store database, shared by every store object of the process.
/// Thread-safe: calls are serialized by a mutex.  Process-safe: WAL mode, a busy timeout, and every
/// write is one BEGIN IMMEDIATE transaction that re-reads the revision it compares against.
/// Do not use an object across fork(); open a new one in the child.
class SqliteDatabase final : public StoreDatabase {
public:
    /// Opens the database at path, creating it (mode 0600, directory 0700) and its schema when new.
    /// Throws StoreError: "store.open_failed" (WP_E_UNAVAILABLE), "store.schema_newer" (WP_E_INCOMPATIBLE).
    static std::shared_ptr<SqliteDatabase> open(const std::string& path);

    SqliteDatabase(const SqliteDatabase&) = delete;
    SqliteDatabase& operator=(const SqliteDatabase&) = delete;
    ~SqliteDatabase() override;

    const std::string& path() const noexcept { return _path; }
    const std::string& location() const noexcept override { return _path; }

    std::optional<StoredRecord> get(const StoreScope& scope, std::string_view key) override;

    /// Writes the key if its current revision equals expectedRevision (0 = only if absent).
    /// encode(newRevision) produces the bytes to store; it runs inside the transaction, so the secret
    /// store can bind the new revision into the ciphertext.
    WriteOutcome putIf(const StoreScope& scope, std::string_view key, std::uint64_t expectedRevision,
                       const std::function<std::string(std::uint64_t newRevision)>& encode) override;

    /// Deletes the key if its revision equals expectedRevision (WP_REVISION_ANY: whatever it is).
    RemoveOutcome removeIf(const StoreScope& scope, std::string_view key,
                           std::uint64_t expectedRevision) override;

    /// Keys of the scope starting with prefix, ascending (byte order).
    std::vector<std::string> listKeys(const StoreScope& scope, std::string_view prefix) override;

    /// Instances of a plugin that have at least one key (config or secret), ascending.
    std::vector<std::string> listInstances(std::string_view pluginId) override;

    /// Every row of one instance (both kinds), config first, keys ascending.
    std::vector<StoredEntry> entries(std::string_view pluginId, std::string_view instance) override;

private:
    SqliteDatabase(std::string path, sqlite3* handle);
    void createSchema();

    std::string _path;
    sqlite3* _db;
    std::mutex _mutex;
};

} // namespace wphost
