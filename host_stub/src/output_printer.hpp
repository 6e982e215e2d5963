// output_printer.hpp -- how results reach the user: readable text, or JSON lines with stable field names.
#pragma once

#include <wp/abi.h>
#include <wp/error.hpp>

#include "console.hpp"

#include <Poco/JSON/Object.h>

#include <string>
#include <string_view>

namespace wp::host {
class Module;
}

namespace wphost {

struct CatalogEntry;

/// Renders every event, finding, fact, credential and result.  With json, each is one JSON object per
/// line on stdout, with a "type" field ("info", "event", "finding", "fact", "credential", "device_code",
/// "store_entry", "instance_status", "result"); otherwise readable text (results on stdout, errors on
/// stderr).  Tokens are masked unless showToken.  Thread-safe (acquire may report from any thread).
class OutputPrinter {
public:
    /// verbose: also show progress events ("step", "wait") in text mode, where the plugin's log lines
    /// already say the same.
    OutputPrinter(Console& console, bool json, bool showToken, bool quiet, bool verbose = false);

    bool json() const noexcept { return _json; }
    /// The instance the following lines belong to ("instance" field in JSON).
    void setInstance(std::string instance) { _instance = std::move(instance); }

    void info(const wp::host::Module& module);
    void event(std::string_view json);
    void finding(const wp_finding& finding);
    void fact(std::string_view key, std::string_view value);
    void credential(const wp_credential& credential);
    void deviceCode(const wp_device_code& code);
    /// One failed acquisition of a repeated acquire (the run goes on).
    void acquireError(const wp::Error& error);
    /// The totals of a repeated acquire.
    void acquireSummary(std::uint64_t acquired, std::uint64_t failed);
    /// A stored key; in text mode long values are cut unless whole (JSON lines always carry all of it).
    void storeEntry(const CatalogEntry& entry, bool whole);
    /// One instance's line in `status`; error: why its validate failed, if it did.
    void instanceStatus(const std::string& instance, wp_status status, int worstSeverity,
                        const wp::Error* error);
    /// A line of text output (ignored in JSON mode).
    void text(std::string_view line);
    /// The final line: status, and on failure the error's code, message and hint.
    void result(std::string_view verb, wp_status status, const wp::Error* error);

private:
    Poco::JSON::Object line(const char* type, bool withInstance = true) const;
    void emit(const Poco::JSON::Object& object);

    Console& _console;
    bool _json;
    bool _showToken;
    bool _quiet;
    bool _verbose;
    std::string _instance;
};

/// "ok", "warning" or "error".
const char* severityName(int32_t severity);
/// "2026-11-29T10:20:00Z".
std::string isoTime(int64_t unixSeconds);

} // namespace wphost
