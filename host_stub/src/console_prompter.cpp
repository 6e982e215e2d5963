// console_prompter.cpp -- device-code prompt with a countdown thread owned by the host.
#include "console_prompter.hpp"

#include "qr_text.hpp"

#include <chrono>
#include <cstdio>
#include <ctime>

namespace wphost {
namespace {

std::string text(const char* s) {
    return s != nullptr ? s : "";
}

std::string minutesSeconds(int64_t seconds) {
    char buffer[32];
    std::snprintf(buffer, sizeof buffer, "%lld:%02lld", static_cast<long long>(seconds / 60),
                  static_cast<long long>(seconds % 60));
    return buffer;
}

} // namespace

ConsolePrompter::ConsolePrompter(Console& console, OutputPrinter& printer, QrMode qr)
    : _console(console), _printer(printer), _qr(qr) {
    _prompter.onShow = [this](const wp_device_code& code) { return show(code); };
    _prompter.onDismiss = [this] { dismiss(); };
}

ConsolePrompter::~ConsolePrompter() {
    stopCountdown();
}

wp_status ConsolePrompter::show(const wp_device_code& code) {
    stopCountdown(); // a replaced code restarts the countdown
    std::string uri = text(code.verification_uri);
    std::string userCode = text(code.user_code);
    if (_shownCodes > 0) {
        _console.line("");
        _console.line("A new sign-in code was requested (code " + std::to_string(_shownCodes + 1) +
                      "); the previous one is no longer valid.");
    }
    ++_shownCodes;
    _console.line("");
    if (_qr == QrMode::Always || (_qr == QrMode::Auto && _console.interactive())) {
        for (const auto& row : qrTextLines(uri)) {
            _console.line("  " + row);
        }
        _console.line("  (scan to open " + uri + " on a phone)");
    }
    _console.line("Sign-in required: open " + uri + " and enter the code " + userCode);
    if (code.message != nullptr && code.message[0] != '\0') {
        _console.line("  " + text(code.message));
    }
    int64_t left = code.expires_at_unix - static_cast<int64_t>(std::time(nullptr));
    _console.line("  The code expires at " + isoTime(code.expires_at_unix) + " (in " +
                  minutesSeconds(left > 0 ? left : 0) + "). Ctrl-C cancels.");
    _printer.deviceCode(code);
    if (_console.interactive()) {
        std::lock_guard<std::mutex> lock(_mutex);
        _stop = false;
        _userCode = userCode;
        _expiresAt = code.expires_at_unix;
        _countdown = std::thread([this] { runCountdown(); });
    }
    return WP_OK;
}

void ConsolePrompter::dismiss() {
    stopCountdown();
    _console.clearStatus();
}

void ConsolePrompter::runCountdown() {
    std::unique_lock<std::mutex> lock(_mutex);
    while (!_stop) {
        int64_t left = _expiresAt - static_cast<int64_t>(std::time(nullptr));
        if (left <= 0) {
            // Said once, as a line that stays: the plugin either asks for a new code or gives up.
            std::string code = _userCode;
            lock.unlock();
            _console.clearStatus();
            _console.line("  The code " + code + " has expired.");
            lock.lock();
            _wakeUp.wait(lock, [this] { return _stop; });
            break;
        }
        std::string line =
            "  waiting for sign-in with code " + _userCode + ": expires in " + minutesSeconds(left);
        lock.unlock();
        _console.status(line);
        lock.lock();
        _wakeUp.wait_for(lock, std::chrono::seconds(1), [this] { return _stop; });
    }
}

void ConsolePrompter::stopCountdown() {
    {
        std::lock_guard<std::mutex> lock(_mutex);
        _stop = true;
    }
    _wakeUp.notify_all();
    if (_countdown.joinable()) {
        _countdown.join();
    }
    _console.clearStatus();
}

} // namespace wphost
