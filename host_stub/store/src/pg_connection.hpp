// pg_connection.hpp -- one libpq connection that reconnects on demand (private to the store library).
#pragma once

#include "wphost/store_error.hpp"

#include <cstdint>
#include <initializer_list>
#include <memory>
#include <string>
#include <string_view>

struct pg_conn;
struct pg_result;

namespace wphost::detail {

/// A statement's result, in binary format: text and bytea columns are their raw bytes, bigint is
/// decoded from network order.  Cleared on destruction.
class PgResult {
public:
    explicit PgResult(pg_result* result) : _result(result) {}
    PgResult(PgResult&& other) noexcept : _result(other._result) { other._result = nullptr; }
    PgResult(const PgResult&) = delete;
    PgResult& operator=(const PgResult&) = delete;
    PgResult& operator=(PgResult&&) = delete;
    ~PgResult();

    int rows() const;
    /// Rows an INSERT/UPDATE/DELETE changed.
    std::uint64_t affected() const;
    std::string bytes(int row, int column) const;
    /// A bigint column (cast smaller integers to bigint in the SQL).
    std::uint64_t number(int row, int column) const;
    bool isNull(int row, int column) const;

private:
    pg_result* _result;
};

/// A statement parameter: text unless binary (bytea values are sent as raw bytes).
struct PgParam {
    std::string_view bytes;
    bool binary = false;
};

/// Not thread-safe: the owner serializes calls.  Every failure is a StoreError: connection problems,
/// shutdowns, lock timeouts and serialization failures are WP_E_UNAVAILABLE ("store.unavailable" /
/// "store.busy"), anything else WP_E_INTERNAL ("store.backend_failed").  After a connection problem the
/// connection is dropped, and the next call opens a new one.
class PgConnection {
public:
    /// Does not connect yet; location is the URI without its password, for messages.
    PgConnection(std::string uri, std::string location);
    PgConnection(const PgConnection&) = delete;
    PgConnection& operator=(const PgConnection&) = delete;
    ~PgConnection();

    /// Runs one parameterised statement ($1, $2, ...).  Connects first when needed.
    PgResult run(const char* sql, std::initializer_list<PgParam> params = {});

    /// Like run(), but when the connection turns out to be broken, tries once more on a new one.  Only
    /// for statements that are harmless to repeat (reads, nextval).
    PgResult runRepeatable(const char* sql, std::initializer_list<PgParam> params = {});

    /// Runs SQL that may hold several statements and has no parameters (migrations).
    void execute(const char* sql);

private:
    void ensureConnected();
    void drop();
    [[noreturn]] void fail(pg_result* result, std::string_view what);

    std::string _uri;
    std::string _location;
    pg_conn* _conn = nullptr;
};

} // namespace wphost::detail
