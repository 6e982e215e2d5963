// pg_connection.cpp -- libpq calls, error classification and reconnection for the PostgreSQL store.
#include "pg_connection.hpp"

#include <libpq-fe.h>

#include <poll.h>
#include <vector>

namespace wphost::detail {
namespace {

const char* const UnavailableHint = "check that the PostgreSQL server is running and reachable; the call "
                                    "can be retried (a write either committed or did not: read again)";

/// SQLSTATEs that mean "the server is there but cannot serve this now": retrying later may succeed.
bool isTransient(std::string_view state) {
    return state.rfind("08", 0) == 0     // connection exception
           || state.rfind("53", 0) == 0  // insufficient resources (too many connections, disk full)
           || state.rfind("57P", 0) == 0 // admin/crash shutdown, cannot connect now
           || state == "40001"           // serialization failure
           || state == "40P01"           // deadlock detected
           || state == "55P03"           // lock not available (lock_timeout)
           || state == "57014";          // statement timeout
}

/// libpq's message without its trailing newline (it never contains a password).
std::string trimmed(const char* message) {
    std::string text = message != nullptr ? message : "";
    while (!text.empty() && (text.back() == '\n' || text.back() == ' ')) {
        text.pop_back();
    }
    return text;
}

} // namespace

PgResult::~PgResult() {
    PQclear(_result);
}

int PgResult::rows() const {
    return PQntuples(_result);
}

std::uint64_t PgResult::affected() const {
    const char* count = PQcmdTuples(_result);
    return count != nullptr && count[0] != '\0' ? std::stoull(count) : 0;
}

std::string PgResult::bytes(int row, int column) const {
    return std::string(PQgetvalue(_result, row, column),
                       static_cast<std::size_t>(PQgetlength(_result, row, column)));
}

std::uint64_t PgResult::number(int row, int column) const {
    if (PQgetlength(_result, row, column) != 8) {
        throw StoreError(WP_E_INTERNAL, "store.backend_failed", "PostgreSQL returned a non-bigint number",
                         "report this as a bug");
    }
    const auto* raw = reinterpret_cast<const unsigned char*>(PQgetvalue(_result, row, column));
    std::uint64_t value = 0;
    for (int i = 0; i < 8; ++i) {
        value = (value << 8) | raw[i];
    }
    return value;
}

bool PgResult::isNull(int row, int column) const {
    return PQgetisnull(_result, row, column) != 0;
}

PgConnection::PgConnection(std::string uri, std::string location)
    : _uri(std::move(uri)), _location(std::move(location)) {}

PgConnection::~PgConnection() {
    drop();
}

void PgConnection::drop() {
    if (_conn != nullptr) {
        PQfinish(_conn);
        _conn = nullptr;
    }
}

void PgConnection::ensureConnected() {
    if (_conn != nullptr) {
        // An idle connection has nothing to read.  If it does, the server said goodbye (shutdown,
        // terminated backend) or closed the socket: start afresh instead of failing the next statement.
        pollfd idle{PQsocket(_conn), POLLIN, 0};
        bool stale = PQstatus(_conn) != CONNECTION_OK || idle.fd < 0 || ::poll(&idle, 1, 0) != 0;
        if (!stale) {
            return;
        }
        drop();
    }
    // Defaults first: the URI (expanded from dbname, last) overrides any of them.  Keepalives and a TCP
    // user timeout turn a silently vanished server into an error instead of a hang; lock_timeout turns a
    // stuck peer holding a row into WP_E_UNAVAILABLE, like the SQLite busy timeout.
    const char* keywords[] = {
        "connect_timeout",  "application_name", "keepalives", "keepalives_idle", "keepalives_interval",
        "keepalives_count", "tcp_user_timeout", "options",    "dbname",          nullptr};
    const char* values[] = {"5",          "wp-host", "1",     "10",
                            "5",          "3",       "15000", "-c lock_timeout=15s -c statement_timeout=60s",
                            _uri.c_str(), nullptr};
    _conn = PQconnectdbParams(keywords, values, 1);
    if (_conn == nullptr || PQstatus(_conn) != CONNECTION_OK) {
        std::string detail = _conn != nullptr ? trimmed(PQerrorMessage(_conn)) : "out of memory";
        drop();
        throw StoreError(WP_E_UNAVAILABLE, "store.unavailable",
                         "cannot connect to the PostgreSQL store " + _location + ": " + detail,
                         UnavailableHint);
    }
}

void PgConnection::fail(pg_result* result, std::string_view what) {
    const char* stateField = result != nullptr ? PQresultErrorField(result, PG_DIAG_SQLSTATE) : nullptr;
    std::string state = stateField != nullptr ? stateField : "";
    std::string detail = trimmed(result != nullptr ? PQresultErrorMessage(result) : nullptr);
    if (detail.empty()) {
        detail = trimmed(PQerrorMessage(_conn));
    }
    PQclear(result);
    bool connectionLost = PQstatus(_conn) != CONNECTION_OK;
    if (connectionLost) {
        drop(); // the next call connects again
    }
    if (connectionLost || isTransient(state)) {
        bool busy = !connectionLost && (state == "55P03" || state == "40001" || state == "40P01");
        throw StoreError(WP_E_UNAVAILABLE, busy ? "store.busy" : "store.unavailable",
                         "PostgreSQL store " + _location + " unavailable while " + std::string(what) + ": " +
                             detail,
                         UnavailableHint);
    }
    throw StoreError(WP_E_INTERNAL, "store.backend_failed",
                     "PostgreSQL store " + _location + " failed while " + std::string(what) + " (SQLSTATE " +
                         state + "): " + detail,
                     "check the server log; the store schema may have been changed outside the host");
}

PgResult PgConnection::run(const char* sql, std::initializer_list<PgParam> params) {
    ensureConnected();
    std::vector<const char*> values;
    std::vector<int> lengths;
    std::vector<int> formats;
    for (const PgParam& param : params) {
        values.push_back(param.bytes.data());
        lengths.push_back(static_cast<int>(param.bytes.size()));
        formats.push_back(param.binary ? 1 : 0);
    }
    // Text parameters must be NUL-terminated: copy them.
    std::vector<std::string> texts;
    texts.reserve(params.size());
    std::size_t index = 0;
    for (const PgParam& param : params) {
        if (!param.binary) {
            texts.emplace_back(param.bytes);
            values[index] = texts.back().c_str();
        }
        ++index;
    }
    pg_result* result = PQexecParams(_conn, sql, static_cast<int>(values.size()), nullptr, values.data(),
                                     lengths.data(), formats.data(), 1);
    ExecStatusType status = result != nullptr ? PQresultStatus(result) : PGRES_FATAL_ERROR;
    if (status != PGRES_TUPLES_OK && status != PGRES_COMMAND_OK) {
        fail(result, "running a statement");
    }
    return PgResult(result);
}

PgResult PgConnection::runRepeatable(const char* sql, std::initializer_list<PgParam> params) {
    try {
        return run(sql, params);
    } catch (const StoreError&) {
        if (_conn != nullptr) {
            throw; // the connection is fine: the statement itself failed
        }
    }
    return run(sql, params);
}

void PgConnection::execute(const char* sql) {
    ensureConnected();
    pg_result* result = PQexec(_conn, sql);
    ExecStatusType status = result != nullptr ? PQresultStatus(result) : PGRES_FATAL_ERROR;
    if (status != PGRES_TUPLES_OK && status != PGRES_COMMAND_OK) {
        fail(result, "migrating the schema");
    }
    PQclear(result);
}

} // namespace wphost::detail
