// sqlite_database.cpp -- the store's SQLite file: creation (0600), WAL, schema, compare-and-swap.
#include "wphost/sqlite_database.hpp"

#include "sqlite_statement.hpp"
#include "wphost/store_paths.hpp"

#include <cerrno>
#include <chrono>
#include <cstring>
#include <ctime>
#include <fcntl.h>
#include <sys/stat.h>
#include <thread>
#include <unistd.h>

namespace wphost {
namespace {

using detail::Statement;
using detail::WriteTransaction;

constexpr std::uint64_t SchemaVersion = 1;
// Long enough to ride out another process's transaction (they are short), short enough that a stuck
// peer surfaces as WP_E_UNAVAILABLE instead of a hang.
constexpr int BusyTimeoutMs = 15000;

// revision_counter hands out revisions for the whole database, so a key that is deleted and created
// again continues above every revision it ever had (no ABA for a compare-and-swap holding an old one).
constexpr const char* SchemaSql = R"sql(
CREATE TABLE IF NOT EXISTS meta (name TEXT PRIMARY KEY, value TEXT NOT NULL);
CREATE TABLE IF NOT EXISTS revision_counter (id INTEGER PRIMARY KEY CHECK (id = 1), last INTEGER NOT NULL);
INSERT OR IGNORE INTO revision_counter (id, last) VALUES (1, 0);
CREATE TABLE IF NOT EXISTS entries (
    plugin     TEXT    NOT NULL,
    instance   TEXT    NOT NULL,
    kind       TEXT    NOT NULL CHECK (kind IN ('config', 'secret')),
    key        TEXT    NOT NULL,
    revision   INTEGER NOT NULL,
    value      BLOB    NOT NULL,
    updated_at INTEGER NOT NULL,
    PRIMARY KEY (plugin, instance, kind, key)
) WITHOUT ROWID;
)sql";

/// Creates the file with mode 0600 before SQLite touches it (SQLite gives its -wal and -shm files the
/// database file's mode), and refuses a database others can read.
void createPrivateFile(const std::string& path) {
    ensureParentDirectory(path);
    int fd = ::open(path.c_str(), O_RDWR | O_CREAT | O_CLOEXEC | O_NOFOLLOW, 0600);
    if (fd < 0) {
        throw StoreError(WP_E_UNAVAILABLE, "store.open_failed",
                         "cannot open store '" + path + "': " + std::strerror(errno),
                         "check the path given with --store and its permissions");
    }
    struct stat info {};
    bool shared = ::fstat(fd, &info) == 0 && (info.st_mode & 077) != 0;
    ::close(fd);
    if (shared) {
        throw StoreError(WP_E_UNAVAILABLE, "store.permissions",
                         "store '" + path + "' is accessible by other users",
                         "run: chmod 600 '" + path + "'");
    }
}

void bindScope(Statement& statement, const StoreScope& scope) {
    statement.bind(1, scope.pluginId).bind(2, scope.instance).bind(3, storeKindName(scope.kind));
}

/// Current revision of a key inside the caller's transaction; 0 if absent.
std::uint64_t currentRevision(sqlite3* db, const StoreScope& scope, std::string_view key) {
    Statement select(
        db, "SELECT revision FROM entries WHERE plugin = ?1 AND instance = ?2 AND kind = ?3 AND key = ?4");
    bindScope(select, scope);
    select.bind(4, key);
    return select.step() ? select.number(0) : 0;
}

std::uint64_t nextRevision(sqlite3* db) {
    Statement next(db, "UPDATE revision_counter SET last = last + 1 WHERE id = 1 RETURNING last");
    if (!next.step()) {
        throw StoreError(WP_E_INTERNAL, "store.corrupt", "store revision counter is missing",
                         "restore the store file from a backup");
    }
    std::uint64_t revision = next.number(0);
    while (next.step()) {
    }
    return revision;
}

/// Opening a fresh database races with other processes opening it: switching to WAL and creating the
/// schema need locks for which SQLite does not always consult the busy handler.  Retry those steps for
/// as long as the busy timeout would have waited.
template <typename Step> void retryWhileBusy(Step&& step) {
    auto deadline = std::chrono::steady_clock::now() + std::chrono::milliseconds(BusyTimeoutMs);
    for (;;) {
        try {
            step();
            return;
        } catch (const StoreError& error) {
            if (error.code() != "store.busy" || std::chrono::steady_clock::now() > deadline) {
                throw;
            }
        }
        std::this_thread::sleep_for(std::chrono::milliseconds(20));
    }
}

} // namespace

std::shared_ptr<SqliteDatabase> SqliteDatabase::open(const std::string& path) {
    createPrivateFile(path);
    sqlite3* handle = nullptr;
    // NOMUTEX: this class serializes every use of the connection with its own mutex.
    int rc = sqlite3_open_v2(path.c_str(), &handle, SQLITE_OPEN_READWRITE | SQLITE_OPEN_NOMUTEX, nullptr);
    if (rc != SQLITE_OK) {
        std::string detail = handle != nullptr ? sqlite3_errmsg(handle) : sqlite3_errstr(rc);
        sqlite3_close(handle);
        throw StoreError(WP_E_UNAVAILABLE, "store.open_failed", "cannot open store '" + path + "': " + detail,
                         "check the path given with --store and its permissions");
    }
    std::shared_ptr<SqliteDatabase> database(new SqliteDatabase(path, handle));
    sqlite3_extended_result_codes(handle, 1);
    sqlite3_busy_timeout(handle, BusyTimeoutMs);
    // WAL: readers never block the writer; FULL: a committed write survives even a power cut.
    // secure_delete: overwritten values do not linger in free pages.
    retryWhileBusy([handle] { detail::execute(handle, "PRAGMA journal_mode = WAL"); });
    detail::execute(handle, "PRAGMA synchronous = FULL");
    detail::execute(handle, "PRAGMA secure_delete = ON");
    retryWhileBusy([&database] { database->createSchema(); });
    return database;
}

SqliteDatabase::SqliteDatabase(std::string path, sqlite3* handle) : _path(std::move(path)), _db(handle) {}

SqliteDatabase::~SqliteDatabase() {
    sqlite3_close(_db);
}

void SqliteDatabase::createSchema() {
    std::lock_guard<std::mutex> lock(_mutex);
    WriteTransaction transaction(_db);
    detail::execute(_db, SchemaSql);
    Statement select(_db, "SELECT value FROM meta WHERE name = 'schema_version'");
    if (select.step()) {
        std::uint64_t found = std::stoull(select.text(0));
        if (found > SchemaVersion) {
            throw StoreError(WP_E_INCOMPATIBLE, "store.schema_newer",
                             "store '" + _path + "' has schema version " + std::to_string(found) +
                                 ", this host understands up to " + std::to_string(SchemaVersion),
                             "use a newer host, or another --store");
        }
    } else {
        Statement insert(_db, "INSERT INTO meta (name, value) VALUES ('schema_version', ?1)");
        insert.bind(1, std::to_string(SchemaVersion));
        insert.step();
    }
    transaction.commit();
}

std::optional<StoredRecord> SqliteDatabase::get(const StoreScope& scope, std::string_view key) {
    std::lock_guard<std::mutex> lock(_mutex);
    Statement select(_db, "SELECT value, revision FROM entries "
                          "WHERE plugin = ?1 AND instance = ?2 AND kind = ?3 AND key = ?4");
    bindScope(select, scope);
    select.bind(4, key);
    if (!select.step()) {
        return std::nullopt;
    }
    return StoredRecord{select.blob(0), select.number(1)};
}

WriteOutcome SqliteDatabase::putIf(const StoreScope& scope, std::string_view key,
                                   std::uint64_t expectedRevision,
                                   const std::function<std::string(std::uint64_t)>& encode) {
    std::lock_guard<std::mutex> lock(_mutex);
    WriteTransaction transaction(_db);
    std::uint64_t current = currentRevision(_db, scope, key);
    if (current != expectedRevision) {
        return WriteOutcome{false, current}; // the transaction rolls back: nothing written
    }
    std::uint64_t revision = nextRevision(_db);
    std::string stored = encode(revision);
    Statement upsert(
        _db, "INSERT INTO entries (plugin, instance, kind, key, revision, value, updated_at) "
             "VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7) "
             "ON CONFLICT (plugin, instance, kind, key) DO UPDATE SET "
             "revision = excluded.revision, value = excluded.value, updated_at = excluded.updated_at");
    bindScope(upsert, scope);
    upsert.bind(4, key).bind(5, revision).bindBlob(6, stored);
    upsert.bind(7, static_cast<std::uint64_t>(std::time(nullptr)));
    upsert.step();
    transaction.commit();
    return WriteOutcome{true, revision};
}

RemoveOutcome SqliteDatabase::removeIf(const StoreScope& scope, std::string_view key,
                                       std::uint64_t expectedRevision) {
    std::lock_guard<std::mutex> lock(_mutex);
    WriteTransaction transaction(_db);
    std::uint64_t current = currentRevision(_db, scope, key);
    if (current == 0) {
        return RemoveOutcome::NotFound;
    }
    if (expectedRevision != WP_REVISION_ANY && current != expectedRevision) {
        return RemoveOutcome::Conflict;
    }
    Statement remove(_db,
                     "DELETE FROM entries WHERE plugin = ?1 AND instance = ?2 AND kind = ?3 AND key = ?4");
    bindScope(remove, scope);
    remove.bind(4, key);
    remove.step();
    transaction.commit();
    return RemoveOutcome::Removed;
}

std::vector<std::string> SqliteDatabase::listKeys(const StoreScope& scope, std::string_view prefix) {
    std::lock_guard<std::mutex> lock(_mutex);
    Statement select(_db, "SELECT key FROM entries WHERE plugin = ?1 AND instance = ?2 AND kind = ?3 "
                          "AND substr(key, 1, ?4) = ?5 ORDER BY key");
    bindScope(select, scope);
    select.bind(4, static_cast<std::uint64_t>(prefix.size())).bind(5, prefix);
    std::vector<std::string> keys;
    while (select.step()) {
        keys.push_back(select.text(0));
    }
    return keys;
}

std::vector<std::string> SqliteDatabase::listInstances(std::string_view pluginId) {
    std::lock_guard<std::mutex> lock(_mutex);
    Statement select(_db, "SELECT DISTINCT instance FROM entries WHERE plugin = ?1 ORDER BY instance");
    select.bind(1, pluginId);
    std::vector<std::string> instances;
    while (select.step()) {
        instances.push_back(select.text(0));
    }
    return instances;
}

std::vector<StoredEntry> SqliteDatabase::entries(std::string_view pluginId, std::string_view instance) {
    std::lock_guard<std::mutex> lock(_mutex);
    Statement select(_db,
                     "SELECT kind, key, revision, value FROM entries WHERE plugin = ?1 AND instance = ?2 "
                     "ORDER BY kind = 'secret', key");
    select.bind(1, pluginId).bind(2, instance);
    std::vector<StoredEntry> rows;
    while (select.step()) {
        StoreKind kind = select.text(0) == "secret" ? StoreKind::Secret : StoreKind::Config;
        rows.push_back(StoredEntry{kind, select.text(1), select.number(2), select.blob(3)});
    }
    return rows;
}

} // namespace wphost
