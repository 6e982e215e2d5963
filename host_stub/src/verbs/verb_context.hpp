// verbs/verb_context.hpp -- what every verb gets, and the verbs themselves.
#pragma once

#include <wp/host.hpp>

#include "../cli_options.hpp"
#include "../console.hpp"
#include "../console_logger.hpp"
#include "../console_prompter.hpp"
#include "../output_printer.hpp"
#include "../plugin_session.hpp"

namespace wphost {

/// The host's services for one run of a verb.
struct VerbContext {
    const CliOptions& options;
    Console& console;
    ConsoleLogger& logger;
    OutputPrinter& printer;
    wp::host::Cancellation& cancel;
    ConsolePrompter* prompter; ///< nullptr with --non-interactive
    PluginSession& session;
};

/// Routes a hook's output (events, findings, facts, credentials) to the printer; remembers the worst
/// finding severity seen (for status).
class HookOutput {
public:
    explicit HookOutput(OutputPrinter& printer);
    const wp::host::Output& output() const noexcept { return _output; }
    int worstSeverity() const noexcept { return _worst.load(); }

private:
    wp::host::Output _output;
    std::atomic<int> _worst{WP_SEVERITY_OK};
};

/// Each verb returns the process exit code (a wp_status) after printing its result; a failure is
/// thrown as wp::Error (the caller prints it).
wp_status runInfo(VerbContext& context);
wp_status runConfigure(VerbContext& context);
wp_status runValidate(VerbContext& context);
wp_status runAcquire(VerbContext& context);
wp_status runStore(VerbContext& context);
wp_status runStatus(VerbContext& context);

} // namespace wphost
