// verbs/acquire_verb.cpp -- `acquire [--resource R] [--show-token]`: one credential, masked by default.
#include "verb_context.hpp"

namespace wphost {

wp_status runAcquire(VerbContext& context) {
    auto loaded = context.session.openInstance(context.options.instance);
    context.printer.setInstance(context.options.instance);
    HookOutput output(context.printer);
    // A backup job has nobody to sign in: acquire runs without a prompter, like a scheduled job.
    wp::host::CallFrame frame(context.cancel, output.output());
    wp_credential_request request{};
    request.struct_size = sizeof request;
    request.resource = context.options.resource.c_str();
    request.flags = context.options.bypassCache ? WP_ACQUIRE_BYPASS_CACHE : 0u;
    frame.check(loaded->instance().acquire(frame.call(), request));
    context.printer.result("acquire", WP_OK, nullptr);
    return WP_OK;
}

} // namespace wphost
