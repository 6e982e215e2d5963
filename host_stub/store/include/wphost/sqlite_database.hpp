// wphost/sqlite_database.hpp -- the SQLite file behind the config and secret stores.
#pragma once

#include <cstdint>
#include <functional>
#include <memory>
#include <mutex>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

struct sqlite3;

namespace wphost {

enum class StoreKind { Config, Secret };
/// "config" or "secret": the value of the kind column.
std::string_view storeKindName(StoreKind kind);

/// Which keys a store object sees: one plugin instance's config or secrets.
struct StoreScope {
    std::string pluginId;
    std::string instance;
    StoreKind kind = StoreKind::Config;
};

/// A stored value and its revision (1.. ; strictly increasing across ALL writes of the database, so a
/// key deleted and created again never reuses a revision another process may still hold).
struct StoredRecord {
    std::string value;
    std::uint64_t revision = 0;
};

/// Outcome of a compare-and-swap.  revision: the new one when written, else the current one (0 = absent).
struct WriteOutcome {
    bool written = false;
    std::uint64_t revision = 0;
};

enum class RemoveOutcome { Removed, Conflict, NotFound };

/// One row, for the host's own listing (StoreCatalog).  value is the raw stored bytes.
struct StoredEntry {
    StoreKind kind = StoreKind::Config;
    std::string key;
    std::uint64_t revision = 0;
    std::string value;
};

/// One connection to the store database, shared by every store object of the process.
/// Thread-safe: calls are serialized by a mutex.  Process-safe: WAL mode, a busy timeout, and every
/// write is one BEGIN IMMEDIATE transaction that re-reads the revision it compares against.
/// Do not use an object across fork(); open a new one in the child.
class SqliteDatabase {
public:
    /// Opens the database at path, creating it (mode 0600, directory 0700) and its schema when new.
    /// Throws StoreError: "store.open_failed" (WP_E_UNAVAILABLE), "store.schema_newer" (WP_E_INCOMPATIBLE).
    static std::shared_ptr<SqliteDatabase> open(const std::string& path);

    SqliteDatabase(const SqliteDatabase&) = delete;
    SqliteDatabase& operator=(const SqliteDatabase&) = delete;
    ~SqliteDatabase();

    const std::string& path() const noexcept { return _path; }

    std::optional<StoredRecord> get(const StoreScope& scope, std::string_view key);

    /// Writes the key if its current revision equals expectedRevision (0 = only if absent).
    /// encode(newRevision) produces the bytes to store; it runs inside the transaction, so the secret
    /// store can bind the new revision into the ciphertext.
    WriteOutcome putIf(const StoreScope& scope, std::string_view key, std::uint64_t expectedRevision,
                       const std::function<std::string(std::uint64_t newRevision)>& encode);

    /// Deletes the key if its revision equals expectedRevision (WP_REVISION_ANY: whatever it is).
    RemoveOutcome removeIf(const StoreScope& scope, std::string_view key, std::uint64_t expectedRevision);

    /// Keys of the scope starting with prefix, ascending (byte order).
    std::vector<std::string> listKeys(const StoreScope& scope, std::string_view prefix);

    /// Instances of a plugin that have at least one key (config or secret), ascending.
    std::vector<std::string> listInstances(std::string_view pluginId);

    /// Every row of one instance (both kinds), config first, keys ascending.
    std::vector<StoredEntry> entries(std::string_view pluginId, std::string_view instance);

private:
    SqliteDatabase(std::string path, sqlite3* handle);
    void createSchema();

    std::string _path;
    sqlite3* _db;
    std::mutex _mutex;
};

} // namespace wphost
