// wphost/host_store.hpp -- the host's store in one object: database, master key, per-instance stores.
#pragma once

#include "wphost/instance_store.hpp"
#include "wphost/store_bridge.hpp"
#include "wphost/store_catalog.hpp"
#include "wphost/store_database.hpp"

#include <memory>
#include <string>

namespace wphost {

struct StoreOptions {
    /// A SQLite file path, or a PostgreSQL URI (postgresql://user@host:port/db) shared by a fleet.
    std::string databasePath; ///< empty: defaultDatabasePath()
    /// empty: master.key beside a SQLite file; for PostgreSQL beside defaultDatabasePath()
    std::string masterKeyPath;
};

/// Opens the database once; hands out InstanceStores and bridges for any (plugin, instance).
class HostStore {
public:
    /// Throws StoreError when the database cannot be opened.  The master key is loaded lazily.
    explicit HostStore(StoreOptions options);

    /// The store's location for messages (a PostgreSQL URI without its password).
    const std::string& databasePath() const noexcept { return _database->location(); }
    const std::string& masterKeyPath() const noexcept { return _masterKey->path(); }

    InstanceStore configStore(const std::string& pluginId, const std::string& instance) const;
    InstanceStore secretStore(const std::string& pluginId, const std::string& instance) const;
    StoreCatalog catalog() const { return StoreCatalog(_database); }

private:
    std::shared_ptr<StoreDatabase> _database;
    std::shared_ptr<MasterKeyProvider> _masterKey;
};

} // namespace wphost
