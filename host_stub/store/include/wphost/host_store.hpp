// wphost/host_store.hpp -- the host's store in one object: database, master key, per-instance stores.
#pragma once

#include "wphost/instance_store.hpp"
#include "wphost/sqlite_database.hpp"
#include "wphost/store_bridge.hpp"
#include "wphost/store_catalog.hpp"

#include <memory>
#include <string>

namespace wphost {

struct StoreOptions {
    std::string databasePath;  ///< empty: defaultDatabasePath()
    std::string masterKeyPath; ///< empty: master.key beside the database
};

/// Opens the database once; hands out InstanceStores and bridges for any (plugin, instance).
class HostStore {
public:
    /// Throws StoreError when the database cannot be opened.  The master key is loaded lazily.
    explicit HostStore(StoreOptions options);

    const std::string& databasePath() const noexcept { return _databasePath; }
    const std::string& masterKeyPath() const noexcept { return _masterKey->path(); }

    InstanceStore configStore(const std::string& pluginId, const std::string& instance) const;
    InstanceStore secretStore(const std::string& pluginId, const std::string& instance) const;
    StoreCatalog catalog() const { return StoreCatalog(_database); }

private:
    std::string _databasePath;
    std::shared_ptr<SqliteDatabase> _database;
    std::shared_ptr<MasterKeyProvider> _masterKey;
};

} // namespace wphost
