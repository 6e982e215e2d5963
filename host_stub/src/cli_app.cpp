// cli_app.cpp -- option definitions, --help, and dispatching a verb with the host's services.
#include "cli_app.hpp"

#include "console.hpp"
#include "console_logger.hpp"
#include "console_prompter.hpp"
#include "output_printer.hpp"
#include "plugin_session.hpp"
#include "signal_watcher.hpp"
#include "verbs/verb_context.hpp"

#include <Poco/Exception.h>
#include <Poco/NumberParser.h>
#include <Poco/Util/HelpFormatter.h>
#include <Poco/Util/Option.h>
#include <Poco/Util/OptionException.h>

#include <algorithm>
#include <iostream>

namespace wphost {
namespace {

using Poco::Util::Option;

constexpr const char* VerbsHelp =
    R"(Loads a workload-plugin module and runs one verb against one plugin instance. The
instance's configuration and secrets live in a SQLite file or, for a fleet of hosts, a PostgreSQL
database (secrets encrypted with AES-256-GCM by the host before they are stored).

Verbs:
  info                         the plugin's descriptor, ABI version and configure actions
  configure --action NAME      run a configure action; settings from --settings and --set
  validate [--offline]         check an instance's configuration: findings and facts
  acquire [--resource R]       get a credential (the token stays hidden unless --show-token);
                               --repeat/--interval/--threads keep acquiring, like backup jobs do
  store list [--secrets]       what an instance stored (secret values always masked)
  store get KEY [--secrets]    one stored key (secret values always masked)
  status                       offline validate of every configured instance of the plugin,
                               flagging those that need attention)";

constexpr const char* ExitCodesHelp = R"(Exit codes (the wp_status of the outcome):
  0 ok                 5 permission_denied   10 timeout
  1 invalid_argument   6 not_found           11 unsupported
  2 invalid_config     7 conflict            12 incompatible
  3 auth_required      8 unavailable         13 internal
  4 auth_failed        9 cancelled
Ctrl-C cancels the running hook cleanly (exit 9); a second Ctrl-C quits at once.

Files and environment:
  store       --store PATH, default $XDG_STATE_HOME/wp-host/store.db (~/.local/state/wp-host/store.db);
              --store postgresql://USER@HOST:PORT/DB shares one database among hosts (docs/fleet.md)
  master key  --master-key PATH, default master.key beside the store (beside the default store for
              PostgreSQL), created with mode 0600; WP_HOST_MASTER_KEY (base64 of 32 bytes) supplies
              the key instead.  Every host of a fleet needs the same key.
Output: with --json every event, finding, fact, credential and the result is one JSON object per line on
stdout ("type": info|event|finding|fact|credential|device_code|store_entry|instance_status|result).
Logs and prompts go to stderr.)";

struct VerbEntry {
    const char* name;
    wp_status (*run)(VerbContext&);
};

constexpr VerbEntry Verbs[] = {{"info", runInfo},         {"configure", runConfigure},
                               {"validate", runValidate}, {"acquire", runAcquire},
                               {"store", runStore},       {"status", runStatus}};

Option flag(const char* name, const char* shortName, const char* description) {
    return Option(name, shortName, description).required(false).repeatable(false);
}

Option valued(const char* name, const char* shortName, const char* description, const char* argument) {
    return Option(name, shortName, description).required(false).repeatable(false).argument(argument);
}

} // namespace

CliApp::CliApp() {
    setUnixOptions(true);
}

void CliApp::defineOptions(Poco::Util::OptionSet& options) {
    Application::defineOptions(options);
    options.addOption(flag("help", "h", "show this help and exit"));
    options.addOption(valued(
        "plugin", "p", "plugin module to load (default: <bin>/../lib/" WPHOST_DEFAULT_PLUGIN ")", "PATH"));
    options.addOption(valued("instance", "i", "plugin instance to use (default: default)", "NAME"));
    options.addOption(Option("set", "s",
                             "a setting for configure; the value is taken as JSON if it parses "
                             "(numbers, true/false, [arrays]), else as a string; repeatable")
                          .required(false)
                          .repeatable(true)
                          .argument("KEY=VALUE"));
    options.addOption(
        valued("settings", "", "settings for configure from a JSON object file (--set wins)", "FILE"));
    options.addOption(valued("action", "a", "configure: the action to run (see info)", "NAME"));
    options.addOption(valued("resource", "r", "acquire: what the credential is for (plugin-defined)", "R"));
    options.addOption(
        flag("bypass-cache", "", "acquire: fetch a fresh credential even if a cached one is valid"));
    options.addOption(
        valued("repeat", "", "acquire: acquisitions per thread; 0 = until Ctrl-C/SIGTERM (default 1)", "N"));
    options.addOption(valued("interval", "", "acquire: pause between acquisitions (default 0)", "MS"));
    options.addOption(valued("threads", "", "acquire: threads acquiring concurrently (default 1)", "T"));
    options.addOption(flag("show-token", "", "acquire: print the token (hidden by default)"));
    options.addOption(flag("secrets", "", "store: the secret store (values always masked)"));
    options.addOption(flag("offline", "", "validate: do not contact any service"));
    options.addOption(valued("store", "", "the store: a SQLite file, or a postgresql:// URI", "PATH|URI"));
    options.addOption(valued("master-key", "", "the master key file for secrets", "PATH"));
    options.addOption(flag("json", "j", "machine-readable output: one JSON object per line on stdout"));
    options.addOption(flag("verbose", "v", "log everything down to trace level"));
    options.addOption(flag("quiet", "q", "log errors only and print no progress"));
    options.addOption(
        valued("qr", "", "sign-in: QR code of the URI: auto (on a terminal), always, never", "WHEN"));
    options.addOption(
        flag("non-interactive", "n", "nobody can sign in: plugins answer auth_required instead"));
    options.addOption(
        valued("cancel-after", "", "request cancellation after MS milliseconds (for tests)", "MS"));
}

void CliApp::handleOption(const std::string& name, const std::string& value) {
    Application::handleOption(name, value);
    if (name == "help") {
        _options.help = true;
        stopOptionsProcessing();
    } else if (name == "plugin") {
        _options.pluginPath = value;
    } else if (name == "instance") {
        _options.instance = value;
    } else if (name == "set") {
        _options.sets.push_back(value);
    } else if (name == "settings") {
        _options.settingsFile = value;
    } else if (name == "action") {
        _options.action = value;
    } else if (name == "resource") {
        _options.resource = value;
    } else if (name == "bypass-cache") {
        _options.bypassCache = true;
    } else if (name == "show-token") {
        _options.showToken = true;
    } else if (name == "secrets") {
        _options.secrets = true;
    } else if (name == "offline") {
        _options.offline = true;
    } else if (name == "store") {
        _options.storePath = value;
    } else if (name == "master-key") {
        _options.masterKeyPath = value;
    } else if (name == "json") {
        _options.json = true;
    } else if (name == "verbose") {
        _options.verbose = true;
    } else if (name == "quiet") {
        _options.quiet = true;
    } else if (name == "qr") {
        if (value != "auto" && value != "always" && value != "never") {
            throw Poco::Util::InvalidArgumentException("--qr takes auto, always or never");
        }
        _options.qr = value;
    } else if (name == "non-interactive") {
        _options.nonInteractive = true;
    } else if (name == "repeat") {
        _options.repeat = Poco::NumberParser::parseUnsigned(value);
    } else if (name == "interval") {
        _options.intervalMs = Poco::NumberParser::parseUnsigned(value);
    } else if (name == "threads") {
        _options.threads = std::max(1u, Poco::NumberParser::parseUnsigned(value));
    } else if (name == "cancel-after") {
        _options.cancelAfterMs = Poco::NumberParser::parseUnsigned(value); // throws SyntaxException
    }
}

void CliApp::printHelp() const {
    Poco::Util::HelpFormatter formatter(options());
    formatter.setUnixStyle(true);
    formatter.setCommand("host_stub");
    formatter.setUsage("VERB [options]");
    formatter.setWidth(110);
    formatter.setHeader(std::string("\n") + VerbsHelp + "\n\nOptions:");
    formatter.setFooter(std::string("\n") + ExitCodesHelp);
    formatter.format(std::cout);
}

int CliApp::main(const std::vector<std::string>& arguments) {
    if (_options.help) {
        printHelp();
        return WP_OK;
    }
    _options.arguments = arguments;
    return runVerb();
}

int CliApp::runVerb() {
    Console console;
    int32_t level = _options.verbose ? WP_LOG_TRACE : _options.quiet ? WP_LOG_ERROR : WP_LOG_INFO;
    ConsoleLogger logger(console, level);
    OutputPrinter printer(console, _options.json, _options.showToken, _options.quiet, _options.verbose);
    wp::host::Cancellation cancel;
    SignalWatcher watcher(cancel, console, std::chrono::milliseconds(_options.cancelAfterMs));
    std::unique_ptr<ConsolePrompter> prompter;
    if (!_options.nonInteractive) {
        auto qr = _options.qr == "always"  ? ConsolePrompter::QrMode::Always
                  : _options.qr == "never" ? ConsolePrompter::QrMode::Never
                                           : ConsolePrompter::QrMode::Auto;
        prompter = std::make_unique<ConsolePrompter>(console, printer, qr);
    }
    std::string verb = _options.arguments.empty() ? std::string() : _options.arguments.front();
    try {
        const VerbEntry* entry = nullptr;
        for (const VerbEntry& candidate : Verbs) {
            if (verb == candidate.name) {
                entry = &candidate;
            }
        }
        if (entry == nullptr) {
            throw wp::Error(WP_E_INVALID_ARGUMENT, verb.empty() ? "cli.verb_missing" : "cli.verb_unknown",
                            verb.empty() ? "no verb given" : "unknown verb '" + verb + "'",
                            "verbs: info, configure, validate, acquire, store, status (host_stub --help)");
        }
        if (verb != "store" && _options.arguments.size() > 1) {
            throw wp::Error(WP_E_INVALID_ARGUMENT, "cli.extra_argument",
                            "unexpected argument '" + _options.arguments[1] + "' after " + verb,
                            "options start with --; host_stub --help lists them");
        }
        PluginSession session(_options.pluginPath.empty() ? defaultPluginPath() : _options.pluginPath,
                              StoreOptions{_options.storePath, _options.masterKeyPath}, logger);
        VerbContext context{_options, console, logger, printer, cancel, prompter.get(), session};
        return entry->run(context);
    } catch (const wp::Error& error) {
        printer.result(verb, error.status(), &error);
        return error.status();
    } catch (const Poco::Exception& exception) {
        wp::Error error(WP_E_INTERNAL, "host.internal", exception.displayText(), "report this as a bug");
        printer.result(verb, error.status(), &error);
        return error.status();
    } catch (const std::exception& exception) {
        wp::Error error(WP_E_INTERNAL, "host.internal", exception.what(), "report this as a bug");
        printer.result(verb, error.status(), &error);
        return error.status();
    }
}

} // namespace wphost
