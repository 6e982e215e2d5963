// A child process for tests: spawned with extra environment variables, stdout read line by line
// (or sent to a file), stderr to a file or inherited; stopped by PID (SIGTERM, then SIGKILL) at the
// latest in the destructor, so a failing test never leaves a server behind.
#pragma once

#include <sys/types.h>

#include <chrono>
#include <map>
#include <optional>
#include <string>
#include <vector>

namespace wptest {

class ChildProcess {
public:
    struct Options {
        std::vector<std::string> argv;               ///< argv[0] is the executable path
        std::map<std::string, std::string> extraEnv; ///< added to (or replacing in) the parent's environment
        std::string stdoutFile;                      ///< empty: a pipe read by readLine()
        std::string stderrFile;                      ///< empty: inherit the parent's stderr
    };

    /// Starts the process; throws std::runtime_error when it cannot be spawned (exec failures show up as
    /// exit code 127).
    explicit ChildProcess(Options options);
    ~ChildProcess();
    ChildProcess(const ChildProcess&) = delete;
    ChildProcess& operator=(const ChildProcess&) = delete;

    pid_t pid() const { return _pid; }

    /// The next stdout line (without '\n'), or nullopt on timeout / end of output.
    std::optional<std::string> readLine(std::chrono::milliseconds timeout);

    /// Waits for the exit; the exit code, 128 + signal when killed, nullopt on timeout.
    std::optional<int> wait(std::chrono::milliseconds timeout);
    bool running();

    /// SIGTERM, then SIGKILL after `grace`; returns the exit status as wait() does. Idempotent.
    int stop(std::chrono::milliseconds grace = std::chrono::seconds(5));

private:
    pid_t _pid = -1;
    int _stdoutFd = -1;
    std::string _buffer;
    std::optional<int> _exitStatus;
};

} // namespace wptest
