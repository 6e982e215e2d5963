// store_backends.cpp -- the SQLite and PostgreSQL locations of the parametrised store suite.
#include "store_backends.hpp"

#include "postgres_server.hpp"

#include <sqlite3.h>

#include <filesystem>
#include <stdexcept>

namespace wphost::test {
namespace {

/// A raw sqlite3 connection that edits the file behind the host's back.
struct RawSqlite {
    explicit RawSqlite(const std::string& path) {
        if (sqlite3_open(path.c_str(), &db) != SQLITE_OK) {
            sqlite3_close(db);
            throw std::runtime_error("cannot open " + path);
        }
        sqlite3_busy_timeout(db, 10000);
    }
    ~RawSqlite() { sqlite3_close(db); }
    sqlite3_stmt* prepare(const std::string& sql) const {
        sqlite3_stmt* statement = nullptr;
        if (sqlite3_prepare_v2(db, sql.c_str(), -1, &statement, nullptr) != SQLITE_OK) {
            throw std::runtime_error(std::string("raw SQL failed: ") + sqlite3_errmsg(db));
        }
        return statement;
    }
    sqlite3* db = nullptr;
};

class SqliteLocation final : public StoreLocation {
public:
    std::string store() const override { return dir().file("store.db"); }

    void rawExecute(const std::string& sql) const override {
        RawSqlite raw(store());
        char* message = nullptr;
        int rc = sqlite3_exec(raw.db, sql.c_str(), nullptr, nullptr, &message);
        std::string text = message != nullptr ? message : "";
        sqlite3_free(message);
        if (rc != SQLITE_OK) {
            throw std::runtime_error("raw SQL failed: " + text);
        }
    }

    std::string rawQueryBlob(const std::string& sql) const override {
        RawSqlite raw(store());
        sqlite3_stmt* statement = raw.prepare(sql);
        std::string result;
        if (sqlite3_step(statement) == SQLITE_ROW) {
            auto size = static_cast<std::size_t>(sqlite3_column_bytes(statement, 0));
            result.assign(static_cast<const char*>(sqlite3_column_blob(statement, 0)), size);
        }
        sqlite3_finalize(statement);
        return result;
    }

    void rawUpdateBlob(const std::string& sql, const std::string& blob) const override {
        RawSqlite raw(store());
        sqlite3_stmt* statement = raw.prepare(sql);
        sqlite3_bind_blob(statement, 1, blob.data(), static_cast<int>(blob.size()), SQLITE_TRANSIENT);
        int rc = sqlite3_step(statement);
        sqlite3_finalize(statement);
        if (rc != SQLITE_DONE || sqlite3_changes(raw.db) != 1) {
            throw std::runtime_error("raw update changed no row: " + sql);
        }
    }

    bool atRestContains(const std::string& needle) const override {
        for (const char* suffix : {"", "-wal"}) {
            if (readFileBytes(store() + suffix).find(needle) != std::string::npos) {
                return true;
            }
        }
        return false;
    }

    std::string integrityCheck() const override { return rawQueryBlob("PRAGMA integrity_check"); }
};

/// SQLite-style "?1" placeholders become PostgreSQL's "$1".
std::string postgresPlaceholders(std::string sql) {
    for (std::size_t at; (at = sql.find("?1")) != std::string::npos;) {
        sql.replace(at, 2, "$1");
    }
    return sql;
}

class PostgresLocation final : public StoreLocation {
public:
    PostgresLocation() : _server(PostgresServer::shared()), _database(_server.createDatabase()) {}
    ~PostgresLocation() override { _server.dropDatabase(_database); }

    std::string store() const override { return _server.uri(_database); }

    void rawExecute(const std::string& sql) const override { _server.query(_database, sql); }

    std::string rawQueryBlob(const std::string& sql) const override {
        // bytea comes back as text "\x<hex>": decode it.
        std::string text = _server.query(_database, sql);
        if (text.rfind("\\x", 0) != 0) {
            return text;
        }
        std::string bytes;
        for (std::size_t i = 2; i + 1 < text.size(); i += 2) {
            bytes.push_back(static_cast<char>(std::stoi(text.substr(i, 2), nullptr, 16)));
        }
        return bytes;
    }

    void rawUpdateBlob(const std::string& sql, const std::string& blob) const override {
        static const char* Hex = "0123456789abcdef";
        std::string literal = "'\\x";
        for (unsigned char byte : blob) {
            literal += Hex[byte >> 4];
            literal += Hex[byte & 15];
        }
        literal += "'::bytea";
        std::string statement = postgresPlaceholders(sql);
        statement.replace(statement.find("$1"), 2, literal);
        _server.query(_database,
                      "WITH changed AS (" + statement + " RETURNING 1) SELECT count(*) FROM changed") == "1"
            ? void()
            : throw std::runtime_error("raw update changed no row: " + sql);
    }

    bool atRestContains(const std::string& needle) const override {
        _server.query(_database, "CHECKPOINT"); // heap pages reach the data files, not only the WAL
        std::string oid =
            _server.query(_database, "SELECT oid FROM pg_database WHERE datname = current_database()");
        // This database's files and the write-ahead log (other tests' databases cannot hold our canary).
        for (const std::string& directory : {"/base/" + oid, std::string("/pg_wal")}) {
            for (const auto& entry :
                 std::filesystem::directory_iterator(_server.dataDirectory() + directory)) {
                if (entry.is_regular_file() &&
                    readFileBytes(entry.path().string()).find(needle) != std::string::npos) {
                    return true;
                }
            }
        }
        return false;
    }

    std::string integrityCheck() const override {
        // Every row is whole: a primary key per (plugin, instance, kind, key) and revisions in range.
        return _server.query(_database,
                             "SELECT CASE WHEN count(*) = count(DISTINCT revision) AND "
                             "coalesce(min(revision), 1) > 0 THEN 'ok' ELSE 'bad' END FROM entries");
    }

private:
    PostgresServer& _server;
    std::string _database;
};

} // namespace

std::unique_ptr<StoreLocation> SqliteBackend::create() {
    return std::make_unique<SqliteLocation>();
}

std::unique_ptr<StoreLocation> PostgresBackend::create() {
    return std::make_unique<PostgresLocation>();
}

InstanceStores::InstanceStores(const StoreLocation& location, const std::string& instance,
                               const std::string& pluginId)
    : service(std::make_unique<HostStore>(location.options())),
      configBridge(std::make_unique<StoreBridge>(service->configStore(pluginId, instance))),
      secretBridge(std::make_unique<StoreBridge>(service->secretStore(pluginId, instance))),
      config(configBridge->table()), secrets(secretBridge->table()) {}

} // namespace wphost::test
