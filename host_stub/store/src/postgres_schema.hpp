// postgres_schema.hpp -- the PostgreSQL store's schema and its versioned migrations (private).
#pragma once

#include "pg_connection.hpp"

namespace wphost::detail {

/// The schema version this host writes and understands.
std::uint64_t latestPostgresSchemaVersion();

/// Brings the database to latestPostgresSchemaVersion(): reads schema_version, and when it is behind,
/// applies the missing migrations in ONE transaction under an advisory lock, so hosts starting together
/// migrate once.  Throws StoreError("store.schema_newer") when the database is ahead of this host.
void migratePostgresSchema(PgConnection& connection, const std::string& location);

} // namespace wphost::detail
