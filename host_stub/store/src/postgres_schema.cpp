// postgres_schema.cpp -- versioned migrations of the PostgreSQL store (documented in docs/fleet.md).
#include "postgres_schema.hpp"

#include <iterator>

namespace wphost::detail {
namespace {

struct Migration {
    std::uint64_t version;
    const char* description;
    const char* sql;
};

// Append only: a released migration never changes.  Each runs inside the migration transaction.
// Version 1: revisions come from one sequence (never reused, even after a rollback, so a key deleted and
// created again never repeats a revision); values are opaque bytes (secrets arrive sealed by the host).
constexpr Migration Migrations[] = {
    {1, "entries and the store_revision sequence", R"sql(
CREATE SEQUENCE store_revision AS bigint MINVALUE 1;
CREATE TABLE entries (
    plugin     text        NOT NULL,
    instance   text        NOT NULL,
    kind       text        NOT NULL CHECK (kind IN ('config', 'secret')),
    key        text        NOT NULL,
    revision   bigint      NOT NULL,
    value      bytea       NOT NULL,
    updated_at timestamptz NOT NULL DEFAULT now(),
    PRIMARY KEY (plugin, instance, kind, key)
);
)sql"},
};

// Any constant shared by every host: pg_advisory_xact_lock serializes hosts migrating at once.
constexpr const char* MigrationLockSql = "SELECT pg_advisory_xact_lock(7310251650914520001)";

std::uint64_t currentVersion(PgConnection& connection) {
    PgResult exists = connection.runRepeatable("SELECT to_regclass('schema_version') IS NOT NULL");
    if (exists.bytes(0, 0) != std::string(1, '\1')) {
        return 0;
    }
    PgResult version = connection.run("SELECT coalesce(max(version), 0)::bigint FROM schema_version");
    return version.number(0, 0);
}

void refuseNewer(std::uint64_t found, const std::string& location) {
    if (found > latestPostgresSchemaVersion()) {
        throw StoreError(WP_E_INCOMPATIBLE, "store.schema_newer",
                         "PostgreSQL store " + location + " has schema version " + std::to_string(found) +
                             ", this host understands up to " + std::to_string(latestPostgresSchemaVersion()),
                         "upgrade this host to the version the rest of the fleet runs");
    }
}

} // namespace

std::uint64_t latestPostgresSchemaVersion() {
    return std::prev(std::end(Migrations))->version;
}

void migratePostgresSchema(PgConnection& connection, const std::string& location) {
    std::uint64_t found = currentVersion(connection);
    refuseNewer(found, location);
    if (found == latestPostgresSchemaVersion()) {
        return; // the common case: no DDL, so a host with read/write rights only is enough
    }
    connection.execute("BEGIN");
    try {
        connection.run(MigrationLockSql);
        connection.execute("CREATE TABLE IF NOT EXISTS schema_version ("
                           " version integer PRIMARY KEY,"
                           " description text NOT NULL,"
                           " applied_at timestamptz NOT NULL DEFAULT now())");
        found = connection.run("SELECT coalesce(max(version), 0)::bigint FROM schema_version").number(0, 0);
        refuseNewer(found, location); // another host may have got here first
        for (const Migration& migration : Migrations) {
            if (migration.version <= found) {
                continue;
            }
            connection.execute(migration.sql);
            std::string version = std::to_string(migration.version);
            connection.run("INSERT INTO schema_version (version, description) VALUES ($1::integer, $2)",
                           {{version}, {migration.description}});
        }
        connection.execute("COMMIT");
    } catch (...) {
        try {
            connection.execute("ROLLBACK");
        } catch (...) {
            // The connection is gone: the server rolled the transaction back itself.
        }
        throw;
    }
}

} // namespace wphost::detail
