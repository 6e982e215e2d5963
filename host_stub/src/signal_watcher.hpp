// signal_watcher.hpp -- Ctrl-C and SIGTERM become a cancellation request; a second one exits at once.
#pragma once

#include <wp/host.hpp>

#include "console.hpp"

#include <chrono>
#include <thread>

namespace wphost {

/// Blocks SIGINT and SIGTERM in the calling thread (and so in every thread started afterwards).
/// Call first thing in main(), before any thread exists.
void blockTerminationSignals();

/// A thread that waits for SIGINT/SIGTERM with sigwait() (no async-signal-safety puzzles): the first
/// signal requests cancellation of the running hook, the second ends the process at once with exit
/// code WP_E_CANCELLED.  Optionally it also requests cancellation after a delay (--cancel-after).
class SignalWatcher {
public:
    SignalWatcher(wp::host::Cancellation& cancel, Console& console,
                  std::chrono::milliseconds cancelAfter = std::chrono::milliseconds(0));
    SignalWatcher(const SignalWatcher&) = delete;
    SignalWatcher& operator=(const SignalWatcher&) = delete;
    ~SignalWatcher();

private:
    void watch();

    wp::host::Cancellation& _cancel;
    Console& _console;
    std::thread _signals;
    std::thread _timer;
    wp::host::Cancellation _shutdown; // wakes the timer thread at exit
};

} // namespace wphost
