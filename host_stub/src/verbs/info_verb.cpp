// verbs/info_verb.cpp -- `info`: the plugin's descriptor, ABI version and actions.
#include "verb_context.hpp"

namespace wphost {

wp_status runInfo(VerbContext& context) {
    context.printer.info(context.session.module());
    context.printer.result("info", WP_OK, nullptr);
    return WP_OK;
}

} // namespace wphost
