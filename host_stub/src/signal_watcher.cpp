// signal_watcher.cpp -- sigwait() thread for clean cancellation, and the --cancel-after timer.
#include "signal_watcher.hpp"

#include <csignal>
#include <pthread.h>
#include <unistd.h>

namespace wphost {
namespace {

// SIGUSR2 is only ever sent by the destructor, to wake the watcher thread so it can be joined.
constexpr int WakeSignal = SIGUSR2;

sigset_t watchedSignals() {
    sigset_t set;
    sigemptyset(&set);
    sigaddset(&set, SIGINT);
    sigaddset(&set, SIGTERM);
    sigaddset(&set, WakeSignal);
    return set;
}

} // namespace

void blockTerminationSignals() {
    sigset_t set = watchedSignals();
    pthread_sigmask(SIG_BLOCK, &set, nullptr);
}

SignalWatcher::SignalWatcher(wp::host::Cancellation& cancel, Console& console,
                             std::chrono::milliseconds cancelAfter)
    : _cancel(cancel), _console(console) {
    _signals = std::thread([this] { watch(); });
    if (cancelAfter.count() > 0) {
        _timer = std::thread([this, cancelAfter] {
            if (!_shutdown.waitFor(cancelAfter)) {
                _console.line("cancelling after " + std::to_string(cancelAfter.count()) +
                              " ms (--cancel-after)");
                _cancel.request();
            }
        });
    }
}

SignalWatcher::~SignalWatcher() {
    _shutdown.request();
    if (_timer.joinable()) {
        _timer.join();
    }
    pthread_kill(_signals.native_handle(), WakeSignal);
    _signals.join();
}

void SignalWatcher::watch() {
    sigset_t set = watchedSignals();
    int received = 0;
    for (int count = 0;;) {
        if (sigwait(&set, &received) != 0 || received == WakeSignal) {
            return;
        }
        if (++count == 1) {
            _console.clearStatus();
            _console.line("cancelling... (press Ctrl-C again to quit at once)");
            _cancel.request();
        } else {
            _console.clearStatus();
            _console.line("quitting");
            ::_exit(WP_E_CANCELLED);
        }
    }
}

} // namespace wphost
