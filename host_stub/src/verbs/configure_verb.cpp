// verbs/configure_verb.cpp -- `configure --action NAME`: one configure action with the given settings.
#include "../settings_builder.hpp"
#include "verb_context.hpp"

namespace wphost {
namespace {

std::string actionList(const wp::host::Module& module) {
    std::string names;
    for (const auto& action : module.actions()) {
        names += (names.empty() ? "" : ", ") + action.name;
    }
    return names.empty() ? "(none)" : names;
}

} // namespace

wp_status runConfigure(VerbContext& context) {
    const CliOptions& options = context.options;
    const wp::host::Module& module = context.session.module();
    if (options.action.empty()) {
        throw wp::Error(WP_E_INVALID_ARGUMENT, "cli.action_missing", "configure needs --action NAME",
                        "actions of plugin '" + module.id() + "': " + actionList(module));
    }
    const wp_action* action = module.findAction(options.action);
    if (action == nullptr) {
        throw wp::Error(WP_E_INVALID_ARGUMENT, "cli.action_unknown",
                        "plugin '" + module.id() + "' has no action '" + options.action + "'",
                        "its actions: " + actionList(module));
    }
    std::string request =
        buildConfigureRequest(options.action, buildSettingsJson(options.settingsFile, options.sets));
    if ((action->flags & WP_ACTION_INTERACTIVE) != 0 && context.prompter == nullptr) {
        context.logger.write(WP_LOG_INFO, "host",
                             "action '" + options.action +
                                 "' may need a sign-in, but --non-interactive is set");
    }

    auto loaded = context.session.openInstance(options.instance);
    context.printer.setInstance(options.instance);
    HookOutput output(context.printer);
    wp::host::CallFrame frame(context.cancel, output.output(),
                              context.prompter != nullptr ? &context.prompter->prompter() : nullptr);
    context.logger.write(WP_LOG_DEBUG, "host",
                         "configure '" + options.action + "' on instance '" + options.instance + "'");
    frame.check(loaded->instance().configure(frame.call(), request));
    context.printer.result("configure", WP_OK, nullptr);
    return WP_OK;
}

} // namespace wphost
