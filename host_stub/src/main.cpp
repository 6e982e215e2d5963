// main.cpp -- host_stub's entry: signals first, then the Poco application; exit code = wp_status.
#include "cli_app.hpp"
#include "signal_watcher.hpp"

#include <wp/abi.h>
#include <wp/error.hpp>

#include <Poco/Exception.h>
#include <Poco/JSON/Object.h>
#include <Poco/JSONString.h>

#include <cstring>
#include <iostream>

namespace {

bool wantsJson(int argc, char** argv) {
    for (int i = 1; i < argc; ++i) {
        if (std::strcmp(argv[i], "--json") == 0 || std::strcmp(argv[i], "-j") == 0) {
            return true;
        }
    }
    return false;
}

/// A command line Poco could not parse: report it like any other failure (status 1, invalid_argument).
int reportUsageError(const std::string& message, bool json) {
    const std::string hint = "host_stub --help lists the verbs and options";
    if (json) {
        Poco::JSON::Object result(Poco::JSON_PRESERVE_KEY_ORDER);
        result.set("type", "result");
        result.set("verb", "");
        result.set("status", WP_E_INVALID_ARGUMENT);
        result.set("status_name", wp::statusName(WP_E_INVALID_ARGUMENT));
        result.set("code", "cli.bad_option");
        result.set("message", message);
        result.set("hint", hint);
        result.stringify(std::cout);
        std::cout << std::endl;
    }
    std::cerr << "host_stub: " << message << " [cli.bad_option]\n  hint: " << hint << std::endl;
    return WP_E_INVALID_ARGUMENT;
}

} // namespace

int main(int argc, char** argv) {
    // Before any thread exists, so that every thread inherits the blocked mask and only the watcher
    // thread receives SIGINT/SIGTERM.
    wphost::blockTerminationSignals();
    wphost::CliApp app;
    try {
        app.init(argc, argv);
    } catch (const Poco::Exception& exception) {
        return reportUsageError(exception.displayText(), wantsJson(argc, argv));
    }
    return app.run();
}
