// verbs/store_verb.cpp -- `store list` / `store get KEY [--secrets]`: what an instance stored.
// Secret values are always masked: this verb never decrypts (and never needs the master key).
#include "verb_context.hpp"

namespace wphost {
namespace {

std::vector<CatalogEntry> instanceEntries(VerbContext& context) {
    const std::string& pluginId = context.session.module().id();
    return context.session.store().catalog().entries(pluginId, context.options.instance);
}

wp_status listEntries(VerbContext& context) {
    std::size_t shown = 0;
    for (const CatalogEntry& entry : instanceEntries(context)) {
        if (context.options.secrets && entry.kind != StoreKind::Secret) {
            continue;
        }
        context.printer.storeEntry(entry, false);
        ++shown;
    }
    if (shown == 0) {
        context.printer.text("  (nothing stored for instance '" + context.options.instance + "')");
    }
    context.printer.result("store list", WP_OK, nullptr);
    return WP_OK;
}

wp_status getEntry(VerbContext& context, const std::string& key) {
    StoreKind wanted = context.options.secrets ? StoreKind::Secret : StoreKind::Config;
    for (const CatalogEntry& entry : instanceEntries(context)) {
        if (entry.kind == wanted && entry.key == key) {
            context.printer.storeEntry(entry, true);
            context.printer.result("store get", WP_OK, nullptr);
            return WP_OK;
        }
    }
    throw wp::Error(WP_E_NOT_FOUND, "store.not_found",
                    std::string(wanted == StoreKind::Secret ? "secret" : "config") + " key '" + key +
                        "' does not exist for instance '" + context.options.instance + "'",
                    wanted == StoreKind::Secret ? "store list --secrets shows the secret keys"
                                                : "store list shows the keys; add --secrets for secret keys");
}

} // namespace

wp_status runStore(VerbContext& context) {
    const auto& arguments = context.options.arguments; // "store", subcommand, operand
    context.printer.setInstance(context.options.instance);
    if (arguments.size() == 2 && arguments[1] == "list") {
        return listEntries(context);
    }
    if (arguments.size() == 3 && arguments[1] == "get") {
        return getEntry(context, arguments[2]);
    }
    throw wp::Error(WP_E_INVALID_ARGUMENT, "cli.store_usage", "usage: store list | store get KEY [--secrets]",
                    "host_stub --help lists the verbs");
}

} // namespace wphost
