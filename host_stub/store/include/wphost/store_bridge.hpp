// wphost/store_bridge.hpp -- presents an InstanceStore as the ABI's wp_store table.
#pragma once

#include <wp/abi.h>

#include "wphost/instance_store.hpp"

namespace wphost {

/// Owns an InstanceStore and the wp_store whose ctx points at it.  The trampolines catch every
/// exception and turn it into a wp_status plus a filled wp_error; nothing is thrown across the ABI.
/// Not movable (the table points at this object): keep it where it was made, e.g. in a unique_ptr.
class StoreBridge {
public:
    explicit StoreBridge(InstanceStore store);
    StoreBridge(const StoreBridge&) = delete;
    StoreBridge& operator=(const StoreBridge&) = delete;

    /// The table to put into wp_host::config or wp_host::secrets; valid while this object lives.
    const wp_store& table() const noexcept { return _table; }
    const InstanceStore& store() const noexcept { return _store; }

private:
    InstanceStore _store;
    wp_store _table;
};

} // namespace wphost
