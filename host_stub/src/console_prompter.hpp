// console_prompter.hpp -- interactive sign-in on the console: the device code and a live countdown.
#pragma once

#include <wp/host.hpp>

#include "console.hpp"
#include "output_printer.hpp"

#include <condition_variable>
#include <cstdint>
#include <mutex>
#include <string>
#include <thread>

namespace wphost {

/// Shows a device code (verification URI, user code, a QR code of the URI, the service's message) on
/// stderr, then keeps a countdown to its expiry on the status line until the plugin dismisses it.  In JSON
/// mode the code is also printed as a "device_code" line on stdout, so a script can act on it.
class ConsolePrompter {
public:
    /// When to draw the QR code of the verification URI: on a terminal (Auto), always, or never.
    enum class QrMode { Auto, Always, Never };

    ConsolePrompter(Console& console, OutputPrinter& printer, QrMode qr = QrMode::Auto);
    ConsolePrompter(const ConsolePrompter&) = delete;
    ConsolePrompter& operator=(const ConsolePrompter&) = delete;
    ~ConsolePrompter();

    /// The prompter to put into a CallFrame.
    const wp::host::Prompter& prompter() const noexcept { return _prompter; }

private:
    wp_status show(const wp_device_code& code);
    void dismiss();
    void runCountdown();
    void stopCountdown();

    Console& _console;
    OutputPrinter& _printer;
    wp::host::Prompter _prompter;
    QrMode _qr;
    int _shownCodes = 0; ///< codes shown in this run; a second one replaces an expired code

    std::mutex _mutex;
    std::condition_variable _wakeUp;
    bool _stop = false;
    std::string _userCode;
    int64_t _expiresAt = 0;
    std::thread _countdown;
};

} // namespace wphost
