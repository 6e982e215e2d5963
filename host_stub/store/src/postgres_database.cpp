// postgres_database.cpp -- the store on PostgreSQL: single-statement compare-and-swap, reconnect on demand.
#include "wphost/postgres_database.hpp"

#include "pg_connection.hpp"
#include "postgres_schema.hpp"

#include <wp/abi.h>

#include <limits>

namespace wphost {
namespace {

using detail::PgConnection;
using detail::PgParam;
using detail::PgResult;

/// Current revision of a key (0 if absent), to report with a conflict.
std::uint64_t currentRevision(PgConnection& connection, const StoreScope& scope, std::string_view key) {
    PgResult result =
        connection.runRepeatable("SELECT revision FROM entries WHERE plugin = $1 AND instance = $2 AND "
                                 "kind = $3 AND key = $4",
                                 {{scope.pluginId}, {scope.instance}, {storeKindName(scope.kind)}, {key}});
    return result.rows() > 0 ? result.number(0, 0) : 0;
}

/// Revisions are bigint: a larger expected revision cannot match any row (and must not reach the SQL).
bool isStorableRevision(std::uint64_t revision) {
    return revision <= static_cast<std::uint64_t>(std::numeric_limits<std::int64_t>::max());
}

} // namespace

std::string redactPostgresUri(const std::string& uri) {
    std::string result = uri;
    // userinfo: scheme://user:password@host -> scheme://user:********@host
    auto start = result.find("://");
    if (start != std::string::npos) {
        start += 3;
        auto at = result.find('@', start);
        auto slash = result.find('/', start);
        if (at != std::string::npos && (slash == std::string::npos || at < slash)) {
            auto colon = result.find(':', start);
            if (colon != std::string::npos && colon < at) {
                result.replace(colon + 1, at - colon - 1, "********");
            }
        }
    }
    // query parameter: ?password=... or &password=...
    for (std::string marker : {"?password=", "&password="}) {
        auto found = result.find(marker);
        if (found != std::string::npos) {
            auto valueStart = found + marker.size();
            auto valueEnd = result.find('&', valueStart);
            result.replace(valueStart,
                           (valueEnd == std::string::npos ? result.size() : valueEnd) - valueStart,
                           "********");
        }
    }
    return result;
}

std::shared_ptr<PostgresDatabase> PostgresDatabase::open(const std::string& uri) {
    auto connection = std::make_unique<PgConnection>(uri, redactPostgresUri(uri));
    detail::migratePostgresSchema(*connection, redactPostgresUri(uri));
    return std::shared_ptr<PostgresDatabase>(new PostgresDatabase(std::move(connection)));
}

PostgresDatabase::PostgresDatabase(std::unique_ptr<PgConnection> connection)
    : _connection(std::move(connection)) {}

PostgresDatabase::~PostgresDatabase() = default;

std::optional<StoredRecord> PostgresDatabase::get(const StoreScope& scope, std::string_view key) {
    std::lock_guard<std::mutex> lock(_mutex);
    PgResult result = _connection->runRepeatable(
        "SELECT value, revision FROM entries WHERE plugin = $1 AND instance = $2 AND kind = $3 AND key = $4",
        {{scope.pluginId}, {scope.instance}, {storeKindName(scope.kind)}, {key}});
    if (result.rows() == 0) {
        return std::nullopt;
    }
    return StoredRecord{result.bytes(0, 0), result.number(0, 1)};
}

WriteOutcome PostgresDatabase::putIf(const StoreScope& scope, std::string_view key,
                                     std::uint64_t expectedRevision,
                                     const std::function<std::string(std::uint64_t)>& encode) {
    std::lock_guard<std::mutex> lock(_mutex);
    if (!isStorableRevision(expectedRevision)) {
        return WriteOutcome{false, currentRevision(*_connection, scope, key)}; // no row can hold it
    }
    // Allocating a revision changes nothing visible (a lost number is just a gap), so it may be repeated.
    std::uint64_t revision = _connection->runRepeatable("SELECT nextval('store_revision')").number(0, 0);
    std::string stored = encode(revision);
    std::string revisionText = std::to_string(revision);
    std::string expectedText = std::to_string(expectedRevision);
    // The compare-and-swap is ONE autocommitted statement: it either wrote the whole row or nothing.
    // If the connection breaks meanwhile the outcome is unknown to us, so it is NOT repeated.
    PgResult written =
        expectedRevision == WP_REVISION_ABSENT
            ? _connection->run("INSERT INTO entries (plugin, instance, kind, key, revision, value) "
                               "VALUES ($1, $2, $3, $4, $5::bigint, $6) ON CONFLICT DO NOTHING",
                               {{scope.pluginId},
                                {scope.instance},
                                {storeKindName(scope.kind)},
                                {key},
                                {revisionText},
                                PgParam{stored, true}})
            : _connection->run("UPDATE entries SET revision = $5::bigint, value = $6, updated_at = now() "
                               "WHERE plugin = $1 AND instance = $2 AND kind = $3 AND key = $4 "
                               "AND revision = $7::bigint",
                               {{scope.pluginId},
                                {scope.instance},
                                {storeKindName(scope.kind)},
                                {key},
                                {revisionText},
                                PgParam{stored, true},
                                {expectedText}});
    if (written.affected() == 1) {
        return WriteOutcome{true, revision};
    }
    return WriteOutcome{false, currentRevision(*_connection, scope, key)};
}

RemoveOutcome PostgresDatabase::removeIf(const StoreScope& scope, std::string_view key,
                                         std::uint64_t expectedRevision) {
    std::lock_guard<std::mutex> lock(_mutex);
    if (expectedRevision != WP_REVISION_ANY && !isStorableRevision(expectedRevision)) {
        return currentRevision(*_connection, scope, key) == 0 ? RemoveOutcome::NotFound
                                                              : RemoveOutcome::Conflict;
    }
    std::string expectedText = std::to_string(expectedRevision);
    PgResult removed =
        expectedRevision == WP_REVISION_ANY
            ? _connection->run(
                  "DELETE FROM entries WHERE plugin = $1 AND instance = $2 AND kind = $3 AND key = $4",
                  {{scope.pluginId}, {scope.instance}, {storeKindName(scope.kind)}, {key}})
            : _connection->run(
                  "DELETE FROM entries WHERE plugin = $1 AND instance = $2 AND kind = $3 AND key = $4 "
                  "AND revision = $5::bigint",
                  {{scope.pluginId}, {scope.instance}, {storeKindName(scope.kind)}, {key}, {expectedText}});
    if (removed.affected() == 1) {
        return RemoveOutcome::Removed;
    }
    return currentRevision(*_connection, scope, key) == 0 ? RemoveOutcome::NotFound : RemoveOutcome::Conflict;
}

std::vector<std::string> PostgresDatabase::listKeys(const StoreScope& scope, std::string_view prefix) {
    std::lock_guard<std::mutex> lock(_mutex);
    // Byte order (COLLATE "C"), like SQLite; the prefix is compared literally (no LIKE wildcards).
    PgResult result = _connection->runRepeatable(
        "SELECT key FROM entries WHERE plugin = $1 AND instance = $2 AND kind = $3 "
        "AND left(key, length($4)) = $4 ORDER BY key COLLATE \"C\"",
        {{scope.pluginId}, {scope.instance}, {storeKindName(scope.kind)}, {prefix}});
    std::vector<std::string> keys;
    for (int row = 0; row < result.rows(); ++row) {
        keys.push_back(result.bytes(row, 0));
    }
    return keys;
}

std::vector<std::string> PostgresDatabase::listInstances(std::string_view pluginId) {
    std::lock_guard<std::mutex> lock(_mutex);
    PgResult result = _connection->runRepeatable(
        "SELECT DISTINCT instance COLLATE \"C\" FROM entries WHERE plugin = $1 ORDER BY 1", {{pluginId}});
    std::vector<std::string> instances;
    for (int row = 0; row < result.rows(); ++row) {
        instances.push_back(result.bytes(row, 0));
    }
    return instances;
}

std::vector<StoredEntry> PostgresDatabase::entries(std::string_view pluginId, std::string_view instance) {
    std::lock_guard<std::mutex> lock(_mutex);
    PgResult result = _connection->runRepeatable(
        "SELECT kind, key, revision, value FROM entries WHERE plugin = $1 AND instance = $2 "
        "ORDER BY kind = 'secret', key COLLATE \"C\"",
        {{pluginId}, {instance}});
    std::vector<StoredEntry> rows;
    for (int row = 0; row < result.rows(); ++row) {
        StoreKind kind = result.bytes(row, 0) == "secret" ? StoreKind::Secret : StoreKind::Config;
        rows.push_back(StoredEntry{kind, result.bytes(row, 1), result.number(row, 2), result.bytes(row, 3)});
    }
    return rows;
}

} // namespace wphost
