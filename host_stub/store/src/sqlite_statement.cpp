// sqlite_statement.cpp -- prepared statements, transactions and error mapping for the store.
#include "sqlite_statement.hpp"

namespace wphost::detail {

void throwSqliteError(sqlite3* db, int rc, std::string_view what) {
    std::string detail = db != nullptr ? sqlite3_errmsg(db) : sqlite3_errstr(rc);
    std::string message = "store " + std::string(what) + " failed: " + detail;
    switch (rc & 0xFF) { // primary result code
    case SQLITE_BUSY:
    case SQLITE_LOCKED:
        throw StoreError(WP_E_UNAVAILABLE, "store.busy", message,
                         "another process holds the store for too long; retry later");
    case SQLITE_CORRUPT:
    case SQLITE_NOTADB:
        throw StoreError(WP_E_INTERNAL, "store.corrupt", message, "restore the store file from a backup");
    case SQLITE_FULL:
    case SQLITE_IOERR:
    case SQLITE_CANTOPEN:
    case SQLITE_READONLY:
    case SQLITE_PERM:
        throw StoreError(WP_E_UNAVAILABLE, "store.io_failed", message,
                         "check free space and the permissions of the store file");
    default:
        throw StoreError(WP_E_INTERNAL, "store.sqlite_failed", message, "report this as a bug");
    }
}

void execute(sqlite3* db, const char* sql) {
    int rc = sqlite3_exec(db, sql, nullptr, nullptr, nullptr);
    if (rc != SQLITE_OK) {
        throwSqliteError(db, rc, "statement");
    }
}

Statement::Statement(sqlite3* db, const char* sql) : _db(db) {
    int rc = sqlite3_prepare_v2(db, sql, -1, &_statement, nullptr);
    if (rc != SQLITE_OK) {
        throwSqliteError(db, rc, "prepare");
    }
}

Statement::~Statement() {
    sqlite3_finalize(_statement);
}

Statement& Statement::bind(int index, std::string_view text) {
    int rc =
        sqlite3_bind_text(_statement, index, text.data(), static_cast<int>(text.size()), SQLITE_TRANSIENT);
    if (rc != SQLITE_OK) {
        throwSqliteError(_db, rc, "bind");
    }
    return *this;
}

Statement& Statement::bindBlob(int index, std::string_view bytes) {
    // A zero-length blob must still be a blob, not NULL: pass a valid pointer.
    static const char empty = 0;
    const char* data = bytes.empty() ? &empty : bytes.data();
    int rc = sqlite3_bind_blob(_statement, index, data, static_cast<int>(bytes.size()), SQLITE_TRANSIENT);
    if (rc != SQLITE_OK) {
        throwSqliteError(_db, rc, "bind");
    }
    return *this;
}

Statement& Statement::bind(int index, std::uint64_t number) {
    int rc = sqlite3_bind_int64(_statement, index, static_cast<sqlite3_int64>(number));
    if (rc != SQLITE_OK) {
        throwSqliteError(_db, rc, "bind");
    }
    return *this;
}

bool Statement::step() {
    int rc = sqlite3_step(_statement);
    if (rc == SQLITE_ROW) {
        return true;
    }
    if (rc == SQLITE_DONE) {
        return false;
    }
    throwSqliteError(_db, rc, "query");
}

std::string Statement::text(int column) const {
    const unsigned char* data = sqlite3_column_text(_statement, column);
    auto size = static_cast<std::size_t>(sqlite3_column_bytes(_statement, column));
    return data == nullptr ? std::string() : std::string(reinterpret_cast<const char*>(data), size);
}

std::string Statement::blob(int column) const {
    const void* data = sqlite3_column_blob(_statement, column);
    auto size = static_cast<std::size_t>(sqlite3_column_bytes(_statement, column));
    return data == nullptr ? std::string() : std::string(static_cast<const char*>(data), size);
}

std::uint64_t Statement::number(int column) const {
    return static_cast<std::uint64_t>(sqlite3_column_int64(_statement, column));
}

WriteTransaction::WriteTransaction(sqlite3* db) : _db(db) {
    execute(db, "BEGIN IMMEDIATE");
}

WriteTransaction::~WriteTransaction() {
    if (_open) {
        sqlite3_exec(_db, "ROLLBACK", nullptr, nullptr, nullptr); // nothing to report: nothing was written
    }
}

void WriteTransaction::commit() {
    execute(_db, "COMMIT");
    _open = false;
}

} // namespace wphost::detail
