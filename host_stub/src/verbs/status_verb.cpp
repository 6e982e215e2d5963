// verbs/status_verb.cpp -- `status`: an offline validate of every configured instance of the plugin,
// flagging those that need attention.  The plugin's findings and facts say what; the host stays generic.
#include "verb_context.hpp"

#include <optional>

namespace wphost {
namespace {

/// Validates one instance offline; returns its status and worst finding severity.
wp_status validateOffline(VerbContext& context, const std::string& instance, int& worstSeverity,
                          std::optional<wp::Error>& failure) {
    context.printer.setInstance(instance);
    HookOutput output(context.printer);
    wp_status status = WP_OK;
    try {
        auto loaded = context.session.openInstance(instance);
        wp::host::CallFrame frame(context.cancel, output.output());
        status = loaded->instance().validate(frame.call(), "{\"offline\":true}");
        if (status != WP_OK) {
            failure = frame.error(status);
        }
    } catch (const wp::Error& error) { // create() failed, or the store did
        status = error.status();
        failure = error;
    }
    worstSeverity = output.worstSeverity();
    return status;
}

} // namespace

wp_status runStatus(VerbContext& context) {
    const std::string& pluginId = context.session.module().id();
    std::vector<std::string> instances = context.session.store().catalog().instances(pluginId);
    if (instances.empty()) {
        context.printer.text("no configured instances of plugin '" + pluginId + "' in " +
                             context.session.store().databasePath());
    }
    wp_status overall = WP_OK;
    std::size_t attention = 0;
    for (const std::string& instance : instances) {
        if (context.cancel.requested()) {
            throw wp::Error(WP_E_CANCELLED, "host.cancelled", "status was cancelled");
        }
        int worst = WP_SEVERITY_OK;
        std::optional<wp::Error> failure;
        context.printer.text(instance + ":");
        wp_status status = validateOffline(context, instance, worst, failure);
        context.printer.setInstance({});
        context.printer.instanceStatus(instance, status, worst, failure ? &*failure : nullptr);
        if (status != WP_OK || worst != WP_SEVERITY_OK) {
            ++attention;
        }
        if (overall == WP_OK) {
            overall = status; // the exit code: the first instance that failed
        }
    }
    context.printer.text("");
    context.printer.text(std::to_string(instances.size()) + " instance(s), " + std::to_string(attention) +
                         " need(s) attention");
    if (overall != WP_OK) {
        throw wp::Error(overall, "status.attention",
                        std::to_string(attention) + " of " + std::to_string(instances.size()) +
                            " instance(s) need attention",
                        "run validate --instance NAME for details, then follow the findings");
    }
    context.printer.result("status", WP_OK, nullptr);
    return WP_OK;
}

} // namespace wphost
