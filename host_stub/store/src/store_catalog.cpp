// store_catalog.cpp -- the host's read-only view of the store; secret values never leave masked.
#include "wphost/store_catalog.hpp"

namespace wphost {

std::vector<std::string> StoreCatalog::instances(const std::string& pluginId) const {
    return _database->listInstances(pluginId);
}

std::vector<CatalogEntry> StoreCatalog::entries(const std::string& pluginId,
                                                const std::string& instance) const {
    std::vector<CatalogEntry> result;
    for (auto& row : _database->entries(pluginId, instance)) {
        bool secret = row.kind == StoreKind::Secret;
        result.push_back(CatalogEntry{row.kind, std::move(row.key), row.revision,
                                      secret ? std::string(SecretMask) : std::move(row.value)});
    }
    return result;
}

} // namespace wphost
