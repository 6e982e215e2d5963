// wphost/store_database.hpp -- where the config and secret stores keep their bytes: the backend interface.
#pragma once

#include <cstdint>
#include <functional>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace wphost {

enum class StoreKind { Config, Secret };
/// "config" or "secret": the value of the kind column.
std::string_view storeKindName(StoreKind kind);

/// Which keys a store object sees: one plugin instance's config or secrets.
struct StoreScope {
    std::string pluginId;
    std::string instance;
    StoreKind kind = StoreKind::Config;
};

/// A stored value and its revision (1.. ; unique across ALL writes of the database, so a key deleted
/// and created again never reuses a revision another process may still hold).
struct StoredRecord {
    std::string value;
    std::uint64_t revision = 0;
};

/// Outcome of a compare-and-swap.  revision: the new one when written, else the current one (0 = absent).
struct WriteOutcome {
    bool written = false;
    std::uint64_t revision = 0;
};

enum class RemoveOutcome { Removed, Conflict, NotFound };

/// One row, for the host's own listing (StoreCatalog).  value is the raw stored bytes.
struct StoredEntry {
    StoreKind kind = StoreKind::Config;
    std::string key;
    std::uint64_t revision = 0;
    std::string value;
};

/// A backend: keeps opaque bytes per (plugin, instance, kind, key) with a revision, and offers
/// compare-and-swap.  It never sees a plaintext secret (InstanceStore seals them before putIf).
/// Implementations are thread-safe and throw StoreError; an unreachable backend is WP_E_UNAVAILABLE.
class StoreDatabase {
public:
    virtual ~StoreDatabase() = default;

    /// Where the bytes live, for messages (a file path, or a URL without its password).
    virtual const std::string& location() const noexcept = 0;

    virtual std::optional<StoredRecord> get(const StoreScope& scope, std::string_view key) = 0;

    /// Writes the key if its current revision equals expectedRevision (0 = only if absent).
    /// encode(newRevision) produces the bytes to store once the new revision is known, so the secret
    /// store can bind it into the ciphertext.
    virtual WriteOutcome putIf(const StoreScope& scope, std::string_view key, std::uint64_t expectedRevision,
                               const std::function<std::string(std::uint64_t newRevision)>& encode) = 0;

    /// Deletes the key if its revision equals expectedRevision (WP_REVISION_ANY: whatever it is).
    virtual RemoveOutcome removeIf(const StoreScope& scope, std::string_view key,
                                   std::uint64_t expectedRevision) = 0;

    /// Keys of the scope starting with prefix, ascending (byte order).
    virtual std::vector<std::string> listKeys(const StoreScope& scope, std::string_view prefix) = 0;

    /// Instances of a plugin that have at least one key (config or secret), ascending.
    virtual std::vector<std::string> listInstances(std::string_view pluginId) = 0;

    /// Every row of one instance (both kinds), config first, keys ascending.
    virtual std::vector<StoredEntry> entries(std::string_view pluginId, std::string_view instance) = 0;
};

/// true for "postgresql://..." and "postgres://..." (libpq connection URIs).
bool isPostgresLocation(std::string_view location);

/// Opens the backend a --store value names: a PostgreSQL URI, otherwise a SQLite file path.
std::shared_ptr<StoreDatabase> openStoreDatabase(const std::string& location);

} // namespace wphost
