#include "child_process.h"

#include <fcntl.h>
#include <poll.h>
#include <signal.h>
#include <sys/prctl.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>
#include <stdexcept>
#include <thread>

extern char** environ;

namespace wptest {

namespace {
int decodeStatus(int status) {
    if (WIFEXITED(status))
        return WEXITSTATUS(status);
    if (WIFSIGNALED(status))
        return 128 + WTERMSIG(status);
    return -1;
}

std::vector<std::string> mergedEnvironment(const std::map<std::string, std::string>& extra) {
    std::vector<std::string> env;
    for (char** entry = environ; *entry; ++entry) {
        std::string item(*entry);
        if (!extra.count(item.substr(0, item.find('='))))
            env.push_back(item);
    }
    for (const auto& [name, value] : extra)
        env.push_back(name + "=" + value);
    return env;
}

int openForWriting(const std::string& path) {
    int fd = ::open(path.c_str(), O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0600);
    if (fd < 0)
        throw std::runtime_error("cannot open " + path + ": " + std::strerror(errno));
    return fd;
}
} // namespace

ChildProcess::ChildProcess(Options options) {
    if (options.argv.empty())
        throw std::invalid_argument("ChildProcess needs argv[0]");
    // Everything the child needs is prepared before fork(): only async-signal-safe calls after it.
    std::vector<std::string> env = mergedEnvironment(options.extraEnv);
    std::vector<char*> argvPointers, envPointers;
    for (auto& arg : options.argv)
        argvPointers.push_back(arg.data());
    argvPointers.push_back(nullptr);
    for (auto& item : env)
        envPointers.push_back(item.data());
    envPointers.push_back(nullptr);

    int stdoutPipe[2] = {-1, -1};
    int stdoutTarget = -1;
    if (options.stdoutFile.empty()) {
        if (::pipe2(stdoutPipe, O_CLOEXEC) != 0)
            throw std::runtime_error(std::string("pipe failed: ") + std::strerror(errno));
        stdoutTarget = stdoutPipe[1];
    } else {
        stdoutTarget = openForWriting(options.stdoutFile);
    }
    int stderrTarget = options.stderrFile.empty() ? -1 : openForWriting(options.stderrFile);

    // A child of the main thread dies with the test runner, even when a sanitizer aborts it before any
    // destructor runs (a surviving server would keep ctest waiting on its output pipe). Not for children
    // of other threads: the signal fires when the forking thread ends.
    const pid_t parent = ::getpid();
    const bool dieWithParent = ::gettid() == parent;
    _pid = ::fork();
    if (_pid < 0)
        throw std::runtime_error(std::string("fork failed: ") + std::strerror(errno));
    if (_pid == 0) {
        if (dieWithParent && (::prctl(PR_SET_PDEATHSIG, SIGKILL) != 0 || ::getppid() != parent))
            ::_exit(127);
        ::dup2(stdoutTarget, STDOUT_FILENO);
        if (stderrTarget >= 0)
            ::dup2(stderrTarget, STDERR_FILENO);
        sigset_t none;
        sigemptyset(&none);
        ::sigprocmask(SIG_SETMASK, &none,
                      nullptr); // the parent may block signals; the child must not inherit that
        ::execve(argvPointers[0], argvPointers.data(), envPointers.data());
        ::_exit(127);
    }
    ::close(stdoutTarget);
    if (stderrTarget >= 0)
        ::close(stderrTarget);
    _stdoutFd = stdoutPipe[0];
}

ChildProcess::~ChildProcess() {
    stop();
    if (_stdoutFd >= 0)
        ::close(_stdoutFd);
}

std::optional<std::string> ChildProcess::readLine(std::chrono::milliseconds timeout) {
    const auto deadline = std::chrono::steady_clock::now() + timeout;
    while (true) {
        auto newline = _buffer.find('\n');
        if (newline != std::string::npos) {
            std::string line = _buffer.substr(0, newline);
            _buffer.erase(0, newline + 1);
            return line;
        }
        if (_stdoutFd < 0)
            return std::nullopt;
        auto left = std::chrono::duration_cast<std::chrono::milliseconds>(deadline -
                                                                          std::chrono::steady_clock::now());
        if (left.count() <= 0)
            return std::nullopt;
        pollfd p{_stdoutFd, POLLIN, 0};
        int ready = ::poll(&p, 1, static_cast<int>(left.count()));
        if (ready < 0 && errno == EINTR)
            continue;
        if (ready <= 0)
            return std::nullopt;
        char chunk[4096];
        ssize_t n = ::read(_stdoutFd, chunk, sizeof chunk);
        if (n <= 0) { // end of output
            ::close(_stdoutFd);
            _stdoutFd = -1;
            if (_buffer.empty())
                return std::nullopt;
            std::string line = std::move(_buffer);
            _buffer.clear();
            return line;
        }
        _buffer.append(chunk, static_cast<std::size_t>(n));
    }
}

bool ChildProcess::running() {
    if (_exitStatus || _pid <= 0)
        return false;
    int status = 0;
    pid_t done = ::waitpid(_pid, &status, WNOHANG);
    if (done == _pid) {
        _exitStatus = decodeStatus(status);
        return false;
    }
    return done == 0;
}

std::optional<int> ChildProcess::wait(std::chrono::milliseconds timeout) {
    const auto deadline = std::chrono::steady_clock::now() + timeout;
    while (running()) {
        if (std::chrono::steady_clock::now() >= deadline)
            return std::nullopt;
        std::this_thread::sleep_for(std::chrono::milliseconds(10));
    }
    return _exitStatus;
}

int ChildProcess::stop(std::chrono::milliseconds grace) {
    if (_pid <= 0)
        return -1;
    if (running()) {
        ::kill(_pid, SIGTERM);
        if (!wait(grace)) {
            ::kill(_pid, SIGKILL);
            wait(std::chrono::seconds(10));
        }
    }
    return _exitStatus.value_or(-1);
}

} // namespace wptest
