// host_store.cpp -- wires database path, master-key path and per-instance stores together.
#include "wphost/host_store.hpp"

#include "wphost/store_paths.hpp"

namespace wphost {

namespace {

std::string masterKeyPathFor(const StoreOptions& options, const std::string& databaseLocation) {
    if (!options.masterKeyPath.empty()) {
        return options.masterKeyPath;
    }
    // A database server has no directory beside it: the key lives in this host's state directory
    // (every host of a fleet needs the same key: docs/fleet.md).
    return defaultMasterKeyPath(isPostgresLocation(databaseLocation) ? defaultDatabasePath()
                                                                     : databaseLocation);
}

} // namespace

HostStore::HostStore(StoreOptions options) {
    std::string location = options.databasePath.empty() ? defaultDatabasePath() : options.databasePath;
    _database = openStoreDatabase(location);
    _masterKey = std::make_shared<MasterKeyProvider>(masterKeyPathFor(options, location));
}

InstanceStore HostStore::configStore(const std::string& pluginId, const std::string& instance) const {
    return InstanceStore(_database, StoreScope{pluginId, instance, StoreKind::Config});
}

InstanceStore HostStore::secretStore(const std::string& pluginId, const std::string& instance) const {
    return InstanceStore(_database, StoreScope{pluginId, instance, StoreKind::Secret}, _masterKey);
}

} // namespace wphost
