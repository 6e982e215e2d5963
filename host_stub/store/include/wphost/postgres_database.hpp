// wphost/postgres_database.hpp -- the store on a PostgreSQL server, shared by a fleet of hosts.
#pragma once

#include "wphost/store_database.hpp"

#include <memory>
#include <mutex>

namespace wphost {

namespace detail {
class PgConnection;
}

/// One libpq connection to the store database, shared by every store object of the process.
/// Thread-safe: calls are serialized by a mutex.  Fleet-safe: revisions come from one sequence and
/// every compare-and-swap is a single statement (UPDATE ... WHERE revision = expected, or INSERT ...
/// ON CONFLICT DO NOTHING), so concurrent hosts never overwrite each other.
/// Connection loss: the call fails with WP_E_UNAVAILABLE ("store.unavailable"); a write either committed
/// as a whole or not at all (read again to know); the next call connects again.
/// Do not use an object across fork(); open a new one in the child.
class PostgresDatabase final : public StoreDatabase {
public:
    /// Connects to uri (libpq: postgresql://user[:password]@host:port/db?param=value) and creates or
    /// migrates the schema.  Throws StoreError: "store.unavailable" (WP_E_UNAVAILABLE),
    /// "store.schema_newer" (WP_E_INCOMPATIBLE), "store.schema_failed" (WP_E_INTERNAL).
    static std::shared_ptr<PostgresDatabase> open(const std::string& uri);

    PostgresDatabase(const PostgresDatabase&) = delete;
    PostgresDatabase& operator=(const PostgresDatabase&) = delete;
    ~PostgresDatabase() override;

    const std::string& location() const noexcept override { return _location; }

    std::optional<StoredRecord> get(const StoreScope& scope, std::string_view key) override;
    WriteOutcome putIf(const StoreScope& scope, std::string_view key, std::uint64_t expectedRevision,
                       const std::function<std::string(std::uint64_t newRevision)>& encode) override;
    RemoveOutcome removeIf(const StoreScope& scope, std::string_view key,
                           std::uint64_t expectedRevision) override;
    std::vector<std::string> listKeys(const StoreScope& scope, std::string_view prefix) override;
    std::vector<std::string> listInstances(std::string_view pluginId) override;
    std::vector<StoredEntry> entries(std::string_view pluginId, std::string_view instance) override;

private:
    explicit PostgresDatabase(std::unique_ptr<detail::PgConnection> connection);

    std::unique_ptr<detail::PgConnection> _connection;
    std::string _location;
    std::mutex _mutex;
};

/// The URI with any password replaced by "********" (for logs and messages).
std::string redactPostgresUri(const std::string& uri);

} // namespace wphost
