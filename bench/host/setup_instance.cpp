// setup_instance.cpp -- issue 7 item 6: configure --action setup end to end through the plugin ABI, in this
// process (the same call host_stub makes, without its console): the device code is "shown" to a prompter
// that only acknowledges it, because the emulator runs with --auto-approve 0 and approves it at once.
// Prints the wall time; scripts/bench.sh reads the emulator's request counts around this process.
#include "benches.h"
#include "host_setup.h"
#include "json_line.h"

#include <stdexcept>

namespace wpbench {

int runSetup(const Options& options) {
    BenchHost host = openHost(options);
    auto opened = host.open(options.text("instance"));
    const std::string authority = options.text("authority");
    const std::string request = R"({"action":"setup","settings":{"tenant":")" + options.text("tenant") +
                                R"(","cloud":"custom","authority_host":")" + authority +
                                R"(","graph_host":")" + options.text("graph", authority) +
                                R"(","ca_file":")" + options.text("ca-file") + R"("}})";
    wp::host::Cancellation cancel;
    wp::host::Output output;
    wp::host::Prompter prompter;
    int shown = 0;
    prompter.onShow = [&](const wp_device_code&) {
        ++shown;
        return WP_OK;
    };
    wp::host::CallFrame frame(cancel, output, &prompter);
    uint64_t start = nowNs();
    frame.check(opened->instance().configure(frame.call(), request));
    const double ms = static_cast<double>(nowNs() - start) / 1e6;
    if (shown != 1)
        throw std::runtime_error("setup showed " + std::to_string(shown) + " device codes, expected 1");
    JsonLine("setup_call").add("instance", opened->name()).add("ms", ms).print();
    return 0;
}

} // namespace wpbench
