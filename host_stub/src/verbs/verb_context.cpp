// verbs/verb_context.cpp -- wiring a hook's output to the printer.
#include "verb_context.hpp"

namespace wphost {

HookOutput::HookOutput(OutputPrinter& printer) {
    _output.onEvent = [&printer](std::string_view json) { printer.event(json); };
    _output.onFinding = [this, &printer](const wp_finding& finding) {
        int worst = _worst.load();
        while (finding.severity > worst && !_worst.compare_exchange_weak(worst, finding.severity)) {
        }
        printer.finding(finding);
    };
    _output.onFact = [&printer](std::string_view key, std::string_view value) { printer.fact(key, value); };
    _output.onCredential = [&printer](const wp_credential& credential) { printer.credential(credential); };
}

} // namespace wphost
