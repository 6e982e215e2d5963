// instance_store.cpp -- one instance's config or secret keys: validation, sealing, compare-and-swap.
#include "wphost/instance_store.hpp"

#include "wphost/key_rules.hpp"
#include "wphost/store_error.hpp"

namespace wphost {

InstanceStore::InstanceStore(std::shared_ptr<StoreDatabase> database, StoreScope scope,
                             std::shared_ptr<MasterKeyProvider> masterKey)
    : _database(std::move(database)), _scope(std::move(scope)), _masterKey(std::move(masterKey)) {
    checkPluginId(_scope.pluginId);
    checkInstanceName(_scope.instance);
    if (isSecret() && !_masterKey) {
        throw StoreError(WP_E_INTERNAL, "store.no_master_key", "a secret store needs a master key", "");
    }
}

std::optional<VersionedValue> InstanceStore::get(std::string_view key) const {
    checkKey(key);
    auto record = _database->get(_scope, key);
    if (!record) {
        return std::nullopt;
    }
    VersionedValue result;
    result.revision = record->revision;
    if (!isSecret()) {
        result.value.bytes() = std::move(record->value);
        return result;
    }
    auto plaintext =
        openSecret(_masterKey->key(), record->value,
                   secretAssociatedData(_scope.pluginId, _scope.instance, key, record->revision));
    if (!plaintext) {
        throw StoreError(WP_E_INTERNAL, "store.secret_tampered",
                         "secret '" + std::string(key) +
                             "' failed authentication: the store was modified outside the host or the "
                             "master key changed",
                         "restore the store and its master key from the same backup, or remove the secret "
                         "and configure the instance again");
    }
    result.value = std::move(*plaintext);
    return result;
}

WriteOutcome InstanceStore::putIf(std::string_view key, std::uint64_t expectedRevision,
                                  std::string_view value) const {
    checkKey(key);
    checkValueSize(value.size());
    if (!isSecret()) {
        return _database->putIf(_scope, key, expectedRevision,
                                [value](std::uint64_t) { return std::string(value); });
    }
    // Load (or create) the key before the write transaction starts, so no lock is held meanwhile.
    const MasterKey& masterKey = _masterKey->key();
    return _database->putIf(_scope, key, expectedRevision, [&](std::uint64_t newRevision) {
        return sealSecret(masterKey, value,
                          secretAssociatedData(_scope.pluginId, _scope.instance, key, newRevision));
    });
}

RemoveOutcome InstanceStore::removeIf(std::string_view key, std::uint64_t expectedRevision) const {
    checkKey(key);
    return _database->removeIf(_scope, key, expectedRevision);
}

std::vector<std::string> InstanceStore::list(std::string_view prefix) const {
    checkPrefix(prefix);
    return _database->listKeys(_scope, prefix);
}

} // namespace wphost
