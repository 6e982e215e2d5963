// wphost/instance_store.hpp -- one plugin instance's config store or secret store (C++ side).
#pragma once

#include "wphost/master_key.hpp"
#include "wphost/secret_cipher.hpp"
#include "wphost/store_database.hpp"

#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace wphost {

/// A value read from an InstanceStore: the bytes are wiped when it goes away (they may be a secret).
struct VersionedValue {
    SensitiveBytes value;
    std::uint64_t revision = 0;
};

/// The keys of one (plugin id, instance, kind).  Validates keys and sizes; the secret kind seals every
/// value with AES-256-GCM bound to its place and revision.  Thread-safe.  Throws StoreError.
class InstanceStore {
public:
    /// A config store (masterKey unused) or a secret store (masterKey required, loaded on first use).
    InstanceStore(std::shared_ptr<StoreDatabase> database, StoreScope scope,
                  std::shared_ptr<MasterKeyProvider> masterKey = nullptr);

    const StoreScope& scope() const noexcept { return _scope; }

    /// nullopt if absent.  A secret that fails authentication throws StoreError(WP_E_INTERNAL,
    /// "store.secret_tampered").
    std::optional<VersionedValue> get(std::string_view key) const;

    /// Compare-and-swap (expectedRevision 0 = create only if absent).
    WriteOutcome putIf(std::string_view key, std::uint64_t expectedRevision, std::string_view value) const;

    /// Delete if the revision matches (WP_REVISION_ANY: unconditionally).
    RemoveOutcome removeIf(std::string_view key, std::uint64_t expectedRevision) const;

    /// Key names (never values) starting with prefix, ascending.
    std::vector<std::string> list(std::string_view prefix) const;

private:
    bool isSecret() const noexcept { return _scope.kind == StoreKind::Secret; }

    std::shared_ptr<StoreDatabase> _database;
    StoreScope _scope;
    std::shared_ptr<MasterKeyProvider> _masterKey;
};

} // namespace wphost
