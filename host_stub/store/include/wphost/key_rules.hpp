// wphost/key_rules.hpp -- what a store key, an instance name and a value may look like.
#pragma once

#include <cstddef>
#include <string_view>

namespace wphost {

/// Largest value a store accepts (the ABI promises at least 1 MiB).
inline constexpr std::size_t MaxValueBytes = 1024 * 1024;
/// Longest key: 1..128 characters of [a-z0-9._-] (the ABI's rule).
inline constexpr std::size_t MaxKeyLength = 128;
/// Longest instance name or plugin id.
inline constexpr std::size_t MaxNameLength = 64;

/// Throws StoreError(WP_E_INVALID_ARGUMENT, "store.key_invalid") unless key follows the ABI's rule.
void checkKey(std::string_view key);
/// Throws StoreError(WP_E_INVALID_ARGUMENT, "store.prefix_invalid") for a list prefix that no key could have.
void checkPrefix(std::string_view prefix);
/// Throws StoreError(WP_E_INVALID_ARGUMENT, "store.value_too_large") above MaxValueBytes.
void checkValueSize(std::size_t size);
/// Instance names (chosen by the person running the host): 1..64 of [A-Za-z0-9._-].
/// Throws StoreError(WP_E_INVALID_ARGUMENT, "store.instance_invalid").
void checkInstanceName(std::string_view instance);
/// Plugin ids come from the plugin's table: 1..64 of [A-Za-z0-9._-].
/// Throws StoreError(WP_E_INVALID_ARGUMENT, "store.plugin_id_invalid").
void checkPluginId(std::string_view pluginId);

} // namespace wphost
