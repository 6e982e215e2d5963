// wphost/store_catalog.hpp -- what the host itself reads from the store (instances, masked listings).
#pragma once

#include "wphost/store_database.hpp"

#include <memory>
#include <string>
#include <vector>

namespace wphost {

/// The mask shown instead of every secret value.
inline constexpr const char* SecretMask = "********";

/// One key as the host shows it: config values as stored, secret values always masked.
struct CatalogEntry {
    StoreKind kind = StoreKind::Config;
    std::string key;
    std::uint64_t revision = 0;
    std::string displayValue;
};

/// Read-only view for the host's `store` and `status` verbs.  Never decrypts a secret, so it needs
/// no master key and cannot leak one.
class StoreCatalog {
public:
    explicit StoreCatalog(std::shared_ptr<StoreDatabase> database) : _database(std::move(database)) {}

    /// Configured instances of a plugin (instances with at least one key), ascending.
    std::vector<std::string> instances(const std::string& pluginId) const;

    /// The instance's keys of both kinds (config first); secret values masked.
    std::vector<CatalogEntry> entries(const std::string& pluginId, const std::string& instance) const;

private:
    std::shared_ptr<StoreDatabase> _database;
};

} // namespace wphost
