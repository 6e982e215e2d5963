// host_store.cpp -- wires database path, master-key path and per-instance stores together.
#include "wphost/host_store.hpp"

#include "wphost/store_paths.hpp"

namespace wphost {

HostStore::HostStore(StoreOptions options)
    : _databasePath(options.databasePath.empty() ? defaultDatabasePath() : std::move(options.databasePath)),
      _database(SqliteDatabase::open(_databasePath)),
      _masterKey(std::make_shared<MasterKeyProvider>(options.masterKeyPath.empty()
                                                         ? defaultMasterKeyPath(_databasePath)
                                                         : std::move(options.masterKeyPath))) {}

InstanceStore HostStore::configStore(const std::string& pluginId, const std::string& instance) const {
    return InstanceStore(_database, StoreScope{pluginId, instance, StoreKind::Config});
}

InstanceStore HostStore::secretStore(const std::string& pluginId, const std::string& instance) const {
    return InstanceStore(_database, StoreScope{pluginId, instance, StoreKind::Secret}, _masterKey);
}

} // namespace wphost
