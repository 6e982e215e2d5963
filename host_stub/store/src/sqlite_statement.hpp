// sqlite_statement.hpp -- small RAII helpers over the sqlite3 C API (private to the store library).
#pragma once

#include "wphost/store_error.hpp"

#include <sqlite3.h>

#include <cstdint>
#include <string>
#include <string_view>

namespace wphost::detail {

/// Throws the StoreError that matches an SQLite result code (busy -> WP_E_UNAVAILABLE, ...).
[[noreturn]] void throwSqliteError(sqlite3* db, int rc, std::string_view what);

/// Runs SQL without results; throws on failure.
void execute(sqlite3* db, const char* sql);

/// A prepared statement, finalized on destruction.
class Statement {
public:
    Statement(sqlite3* db, const char* sql);
    Statement(const Statement&) = delete;
    Statement& operator=(const Statement&) = delete;
    ~Statement();

    Statement& bind(int index, std::string_view text);
    Statement& bindBlob(int index, std::string_view bytes);
    Statement& bind(int index, std::uint64_t number);

    /// true while there is a row to read, false when done; throws on failure.
    bool step();

    std::string text(int column) const;
    std::string blob(int column) const;
    std::uint64_t number(int column) const;

private:
    sqlite3* _db;
    sqlite3_stmt* _statement = nullptr;
};

/// BEGIN IMMEDIATE ... COMMIT; rolls back in the destructor unless committed.  IMMEDIATE takes the
/// write lock up front (waiting up to the busy timeout), so the read that a compare-and-swap compares
/// against can never be stale by the time it writes.
class WriteTransaction {
public:
    explicit WriteTransaction(sqlite3* db);
    WriteTransaction(const WriteTransaction&) = delete;
    WriteTransaction& operator=(const WriteTransaction&) = delete;
    ~WriteTransaction();
    void commit();

private:
    sqlite3* _db;
    bool _open = true;
};

} // namespace wphost::detail
