// key_rules.cpp -- validation of keys, names and value sizes (the ABI's wp_store rules).
#include "wphost/key_rules.hpp"

#include "wphost/store_error.hpp"

#include <string>

namespace wphost {
namespace {

bool isKeyChar(char c) {
    return (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '.' || c == '_' || c == '-';
}

bool isNameChar(char c) {
    return isKeyChar(c) || (c >= 'A' && c <= 'Z');
}

template <typename Pred> bool allOf(std::string_view text, Pred pred) {
    for (char c : text) {
        if (!pred(c)) {
            return false;
        }
    }
    return true;
}

// Keys may come from anywhere; quote them only when they are printable and short.
std::string quoted(std::string_view text) {
    if (text.size() > MaxKeyLength || !allOf(text, [](char c) { return c >= 0x20 && c < 0x7f; })) {
        return "(" + std::to_string(text.size()) + " bytes)";
    }
    return "'" + std::string(text) + "'";
}

} // namespace

void checkKey(std::string_view key) {
    if (key.empty() || key.size() > MaxKeyLength || !allOf(key, isKeyChar)) {
        throw StoreError(WP_E_INVALID_ARGUMENT, "store.key_invalid",
                         "store key " + quoted(key) + " is invalid",
                         "use 1 to 128 characters of a-z, 0-9, '.', '_' and '-'");
    }
}

void checkPrefix(std::string_view prefix) {
    if (prefix.size() > MaxKeyLength || !allOf(prefix, isKeyChar)) {
        throw StoreError(WP_E_INVALID_ARGUMENT, "store.prefix_invalid",
                         "store key prefix " + quoted(prefix) + " is invalid",
                         "use up to 128 characters of a-z, 0-9, '.', '_' and '-'");
    }
}

void checkValueSize(std::size_t size) {
    if (size > MaxValueBytes) {
        throw StoreError(WP_E_INVALID_ARGUMENT, "store.value_too_large",
                         "store value of " + std::to_string(size) + " bytes is larger than the limit of " +
                             std::to_string(MaxValueBytes) + " bytes",
                         "store large data elsewhere and keep a reference in the store");
    }
}

void checkInstanceName(std::string_view instance) {
    if (instance.empty() || instance.size() > MaxNameLength || !allOf(instance, isNameChar)) {
        throw StoreError(WP_E_INVALID_ARGUMENT, "store.instance_invalid",
                         "instance name " + quoted(instance) + " is invalid",
                         "use 1 to 64 characters of A-Z, a-z, 0-9, '.', '_' and '-'");
    }
}

void checkPluginId(std::string_view pluginId) {
    if (pluginId.empty() || pluginId.size() > MaxNameLength || !allOf(pluginId, isNameChar)) {
        throw StoreError(WP_E_INVALID_ARGUMENT, "store.plugin_id_invalid",
                         "plugin id " + quoted(pluginId) + " is invalid",
                         "a plugin id is 1 to 64 characters of A-Z, a-z, 0-9, '.', '_' and '-'");
    }
}

} // namespace wphost
