// verbs/validate_verb.cpp -- `validate [--offline]`: the plugin's findings and facts for one instance.
#include "verb_context.hpp"

namespace wphost {

wp_status runValidate(VerbContext& context) {
    auto loaded = context.session.openInstance(context.options.instance);
    context.printer.setInstance(context.options.instance);
    HookOutput output(context.printer);
    // validate never signs anyone in: no prompter.
    wp::host::CallFrame frame(context.cancel, output.output());
    std::string options = context.options.offline ? "{\"offline\":true}" : "";
    frame.check(loaded->instance().validate(frame.call(), options));
    context.printer.result("validate", WP_OK, nullptr);
    return WP_OK;
}

} // namespace wphost
