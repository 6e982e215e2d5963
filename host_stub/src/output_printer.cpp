// output_printer.cpp -- text and JSON-lines rendering of hook results.
#include "output_printer.hpp"

#include "wphost/store_catalog.hpp"

#include <wp/host.hpp>

#include <Poco/Exception.h>
#include <Poco/JSON/Array.h>
#include <Poco/JSON/ParseHandler.h>
#include <Poco/JSON/Parser.h>
#include <Poco/JSONString.h>

#include <ctime>
#include <sstream>

namespace wphost {
namespace {

constexpr const char* TokenMask = "********";

std::string relativeTime(int64_t unixSeconds) {
    int64_t delta = unixSeconds - static_cast<int64_t>(std::time(nullptr));
    if (delta < 0) {
        return "expired";
    }
    if (delta < 120) {
        return "in " + std::to_string(delta) + " s";
    }
    if (delta < 7200) {
        return "in " + std::to_string(delta / 60) + " min";
    }
    return "in " + std::to_string(delta / 3600) + " h";
}

/// Plugin events are JSON objects; in text mode "step: step=sign_in state=done" (the plugin's order).
std::string eventText(const Poco::JSON::Object& event) {
    std::string text = event.has("event") ? event.get("event").toString() + ":" : std::string("event:");
    for (const auto& name : event.getNames()) {
        if (name != "event") {
            text += " " + name + "=" + event.get(name).toString();
        }
    }
    return text;
}

/// "step" and "wait" events report progress that plugins also log as readable lines (docs/plugin-api.md),
/// so text mode shows them only with --verbose; everything else (a plan, a result) always.
bool isProgressEvent(const Poco::JSON::Object::Ptr& event) {
    if (!event || !event->has("event")) {
        return false;
    }
    std::string kind = event->get("event").toString();
    return kind == "step" || kind == "wait";
}

/// Long config values are cut in listings (store get shows them whole).
std::string shortened(const std::string& value) {
    constexpr std::size_t Limit = 100;
    if (value.size() <= Limit) {
        return value;
    }
    return value.substr(0, Limit) + "... (" + std::to_string(value.size()) + " bytes)";
}

} // namespace

const char* severityName(int32_t severity) {
    switch (severity) {
    case WP_SEVERITY_OK:
        return "ok";
    case WP_SEVERITY_WARNING:
        return "warning";
    default:
        return "error";
    }
}

std::string isoTime(int64_t unixSeconds) {
    std::time_t seconds = static_cast<std::time_t>(unixSeconds);
    std::tm utc{};
    ::gmtime_r(&seconds, &utc);
    char text[32];
    std::strftime(text, sizeof text, "%Y-%m-%dT%H:%M:%SZ", &utc);
    return text;
}

OutputPrinter::OutputPrinter(Console& console, bool json, bool showToken, bool quiet, bool verbose)
    : _console(console), _json(json), _showToken(showToken), _quiet(quiet), _verbose(verbose) {}

Poco::JSON::Object OutputPrinter::line(const char* type, bool withInstance) const {
    Poco::JSON::Object object(Poco::JSON_PRESERVE_KEY_ORDER);
    object.set("type", type);
    if (withInstance && !_instance.empty()) {
        object.set("instance", _instance);
    }
    return object;
}

void OutputPrinter::emit(const Poco::JSON::Object& object) {
    std::ostringstream out;
    object.stringify(out);
    out << '\n';
    _console.out(out.str());
}

void OutputPrinter::text(std::string_view line) {
    if (!_json) {
        _console.out(std::string(line) + "\n");
    }
}

void OutputPrinter::info(const wp::host::Module& module) {
    if (_json) {
        Poco::JSON::Object object = line("info", false);
        object.set("id", module.id());
        object.set("display_name", module.displayName());
        object.set("version", module.version());
        object.set("description", module.description());
        object.set("abi_version", module.abiVersionText());
        object.set("host_abi_version", wp::host::Module::versionText(WP_ABI_VERSION));
        object.set("path", module.path());
        Poco::JSON::Array actions;
        for (const auto& action : module.actions()) {
            Poco::JSON::Object entry(Poco::JSON_PRESERVE_KEY_ORDER);
            entry.set("name", action.name);
            entry.set("summary", action.summary);
            entry.set("interactive", (action.flags & WP_ACTION_INTERACTIVE) != 0);
            entry.set("read_only", (action.flags & WP_ACTION_READ_ONLY) != 0);
            actions.add(entry);
        }
        object.set("actions", actions);
        emit(object);
        return;
    }
    text(module.displayName() + " (" + module.id() + ") " + module.version());
    text("  " + module.description());
    text("  module:  " + module.path());
    text("  ABI:     " + module.abiVersionText() +
         " (this host: " + wp::host::Module::versionText(WP_ABI_VERSION) + ")");
    text("  actions (configure --action NAME):");
    for (const auto& action : module.actions()) {
        std::string flags;
        if ((action.flags & WP_ACTION_INTERACTIVE) != 0) {
            flags += " [interactive]";
        }
        if ((action.flags & WP_ACTION_READ_ONLY) != 0) {
            flags += " [read-only]";
        }
        text("    " + action.name + std::string(action.name.size() < 10 ? 10 - action.name.size() : 1, ' ') +
             action.summary + flags);
    }
}

void OutputPrinter::event(std::string_view json) {
    Poco::JSON::Object::Ptr parsed;
    try {
        // Keep the plugin's field order: it wrote them in the order that reads best.
        Poco::JSON::Parser parser(new Poco::JSON::ParseHandler(true));
        parsed = parser.parse(std::string(json)).extract<Poco::JSON::Object::Ptr>();
    } catch (const Poco::Exception&) {
    } catch (const std::exception&) {
    }
    if (_json) {
        Poco::JSON::Object object = line("event");
        if (parsed) {
            object.set("data", parsed);
        } else {
            object.set("raw", std::string(json)); // not an object: pass it on untouched
        }
        emit(object);
    } else if (!_quiet && (_verbose || !isProgressEvent(parsed))) {
        text("  * " + (parsed ? eventText(*parsed) : std::string(json)));
    }
}

void OutputPrinter::finding(const wp_finding& finding) {
    std::string code = finding.code != nullptr ? finding.code : "";
    std::string message = finding.message != nullptr ? finding.message : "";
    if (_json) {
        Poco::JSON::Object object = line("finding");
        object.set("severity", severityName(finding.severity));
        object.set("code", code);
        object.set("message", message);
        emit(object);
        return;
    }
    std::string tag = std::string("[") + severityName(finding.severity) + "]";
    text("  " + tag + std::string(10 - tag.size(), ' ') + code + ": " + message);
}

void OutputPrinter::fact(std::string_view key, std::string_view value) {
    if (_json) {
        Poco::JSON::Object object = line("fact");
        object.set("key", std::string(key));
        object.set("value", std::string(value));
        emit(object);
        return;
    }
    text("  " + std::string(key) + ": " + std::string(value));
}

void OutputPrinter::credential(const wp_credential& credential) {
    std::string type = credential.type != nullptr ? credential.type : "";
    std::string scope = credential.scope != nullptr ? credential.scope : "";
    // The token is copied only when it is to be shown.
    std::string token = _showToken && credential.token != nullptr
                            ? std::string(credential.token, credential.token_len)
                            : std::string(TokenMask);
    if (_json) {
        Poco::JSON::Object object = line("credential");
        object.set("token_type", type);
        object.set("scope", scope);
        object.set("expires_at", credential.expires_at_unix);
        object.set("expires_at_iso", isoTime(credential.expires_at_unix));
        object.set("token_length", static_cast<Poco::UInt64>(credential.token_len));
        object.set("token", token);
        emit(object);
        return;
    }
    text("credential: " + type + " for " + scope);
    text("  expires: " + isoTime(credential.expires_at_unix) + " (" +
         relativeTime(credential.expires_at_unix) + ")");
    if (_showToken) {
        text("  token:   " + token);
    } else {
        text("  token:   " + token + " (" + std::to_string(credential.token_len) +
             " characters, hidden; --show-token prints it)");
    }
}

void OutputPrinter::deviceCode(const wp_device_code& code) {
    if (!_json) {
        return; // the console prompter shows it on stderr
    }
    Poco::JSON::Object object = line("device_code");
    object.set("verification_uri",
               std::string(code.verification_uri != nullptr ? code.verification_uri : ""));
    object.set("user_code", std::string(code.user_code != nullptr ? code.user_code : ""));
    object.set("message", std::string(code.message != nullptr ? code.message : ""));
    object.set("expires_at", code.expires_at_unix);
    emit(object);
}

void OutputPrinter::acquireError(const wp::Error& error) {
    if (_json) {
        Poco::JSON::Object object = line("acquire_error");
        object.set("status", error.status());
        object.set("status_name", wp::statusName(error.status()));
        object.set("code", error.code());
        object.set("message", std::string(error.message()));
        emit(object);
        return;
    }
    _console.line("acquire failed: " + std::string(error.message()) + " [" + error.code() + "]");
}

void OutputPrinter::acquireSummary(std::uint64_t acquired, std::uint64_t failed) {
    if (_json) {
        Poco::JSON::Object object = line("acquire_summary");
        object.set("acquired", static_cast<Poco::UInt64>(acquired));
        object.set("failed", static_cast<Poco::UInt64>(failed));
        emit(object);
        return;
    }
    text("acquired " + std::to_string(acquired) + " credential(s), " + std::to_string(failed) + " failed");
}

void OutputPrinter::storeEntry(const CatalogEntry& entry, bool whole) {
    const char* store = entry.kind == StoreKind::Secret ? "secret" : "config";
    if (_json) {
        Poco::JSON::Object object = line("store_entry");
        object.set("store", store);
        object.set("key", entry.key);
        object.set("revision", static_cast<Poco::UInt64>(entry.revision));
        object.set("value", entry.displayValue);
        emit(object);
        return;
    }
    text(std::string("  ") + store + "  " + entry.key + "  (revision " + std::to_string(entry.revision) +
         "): " + (whole ? entry.displayValue : shortened(entry.displayValue)));
}

void OutputPrinter::instanceStatus(const std::string& instance, wp_status status, int worstSeverity,
                                   const wp::Error* error) {
    bool attention = status != WP_OK || worstSeverity != WP_SEVERITY_OK;
    if (_json) {
        Poco::JSON::Object object = line("instance_status", false);
        object.set("instance", instance);
        object.set("status", status);
        object.set("status_name", wp::statusName(status));
        object.set("worst_severity", severityName(worstSeverity));
        object.set("needs_attention", attention);
        object.set("code", error != nullptr ? error->code() : std::string());
        object.set("message", error != nullptr ? std::string(error->message()) : std::string());
        emit(object);
        return;
    }
    text(std::string("  => ") + (attention ? "NEEDS ATTENTION" : "ok") +
         (status != WP_OK ? std::string(" (") + wp::statusName(status) + ")" : std::string()));
    if (error != nullptr) {
        text("     " + std::string(error->message()) + " [" + error->code() + "]");
        if (!error->hint().empty()) {
            text("     hint: " + error->hint());
        }
    }
}

void OutputPrinter::result(std::string_view verb, wp_status status, const wp::Error* error) {
    if (_json) {
        Poco::JSON::Object object = line("result");
        object.set("verb", std::string(verb));
        object.set("status", status);
        object.set("status_name", wp::statusName(status));
        object.set("code", error != nullptr ? error->code() : std::string());
        object.set("message", error != nullptr ? std::string(error->message()) : std::string());
        object.set("hint", error != nullptr ? error->hint() : std::string());
        emit(object);
        return;
    }
    if (status == WP_OK) {
        if (!_quiet) {
            _console.line(std::string(verb) + ": ok");
        }
        return;
    }
    std::string message = error != nullptr ? std::string(error->message()) : "failed";
    std::string code = error != nullptr ? error->code() : std::string();
    _console.line(std::string(verb) + " failed: " + message + " [" + code + ", " + wp::statusName(status) +
                  ", exit code " + std::to_string(status) + "]");
    if (error != nullptr && !error->hint().empty()) {
        _console.line("  hint: " + error->hint());
    }
}

} // namespace wphost
