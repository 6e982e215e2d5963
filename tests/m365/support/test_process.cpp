// test_process.cpp -- see test_process.h.
#include "support/test_process.h"

#include <cerrno>
#include <csignal>
#include <cstdlib>
#include <cstring>
#include <fcntl.h>
#include <filesystem>
#include <fstream>
#include <poll.h>
#include <stdexcept>
#include <sys/wait.h>
#include <unistd.h>

namespace m365test {

namespace {

pid_t spawn(const std::vector<std::string>& argv, const std::string& workDir, int& stdinFd, int& stdoutFd) {
    int in[2], out[2];
    if (pipe(in) != 0 || pipe(out) != 0)
        throw std::runtime_error("pipe failed");
    pid_t pid = fork();
    if (pid < 0)
        throw std::runtime_error("fork failed");
    if (pid == 0) {
        dup2(in[0], 0);
        dup2(out[1], 1);
        int devnull = open("/dev/null", O_WRONLY);
        dup2(devnull, 2);
        close(in[1]);
        close(out[0]);
        if (!workDir.empty() && chdir(workDir.c_str()) != 0)
            _exit(126);
        std::vector<char*> args;
        for (const auto& arg : argv)
            args.push_back(const_cast<char*>(arg.c_str()));
        args.push_back(nullptr);
        execvp(args[0], args.data());
        _exit(127);
    }
    close(in[0]);
    close(out[1]);
    stdinFd = in[1];
    stdoutFd = out[0];
    return pid;
}

} // namespace

TempDir::TempDir() {
    std::string pattern = (std::filesystem::temp_directory_path() / "m365-test-XXXXXX").string();
    if (mkdtemp(pattern.data()) == nullptr)
        throw std::runtime_error("mkdtemp failed");
    _path = pattern;
}

TempDir::~TempDir() {
    std::error_code ignored;
    std::filesystem::remove_all(_path, ignored);
}

void TempDir::write(const std::string& name, const std::string& content) const {
    std::ofstream(file(name), std::ios::binary) << content;
}

ProcessResult run(const std::vector<std::string>& argv, const std::string& input) {
    int stdinFd = -1, stdoutFd = -1;
    pid_t pid = spawn(argv, {}, stdinFd, stdoutFd);
    if (!input.empty() && write(stdinFd, input.data(), input.size()) < 0)
        (void)0; // the child may not read stdin; its exit code tells
    close(stdinFd);
    ProcessResult result;
    char buffer[4096];
    ssize_t got;
    while ((got = read(stdoutFd, buffer, sizeof buffer)) > 0)
        result.output.append(buffer, static_cast<std::size_t>(got));
    close(stdoutFd);
    int status = 0;
    waitpid(pid, &status, 0);
    result.exitCode = WIFEXITED(status) ? WEXITSTATUS(status) : -1;
    return result;
}

std::string openssl(const std::vector<std::string>& arguments, const std::string& input) {
    std::vector<std::string> argv{M365_TEST_OPENSSL};
    argv.insert(argv.end(), arguments.begin(), arguments.end());
    ProcessResult result = run(argv, input);
    if (result.exitCode != 0)
        throw std::runtime_error("openssl " + (arguments.empty() ? std::string() : arguments[0]) + " failed");
    return result.output;
}

TestPki::TestPki(const TempDir& directory, const std::string& caName) : dir(directory) {
    caPem = dir.file("ca.pem");
    caKey = dir.file("ca.key");
    openssl({"req", "-x509", "-newkey", "rsa:2048", "-nodes", "-keyout", caKey, "-out", caPem, "-days", "2",
             "-subj", "/CN=" + caName, "-addext", "basicConstraints=critical,CA:TRUE", "-addext",
             "keyUsage=critical,keyCertSign,cRLSign"});
}

void TestPki::issue(const std::string& name, const std::string& subjectAltName) const {
    std::string key = dir.file(name + ".key"), csr = dir.file(name + ".csr"), pem = dir.file(name + ".pem");
    dir.write(name + ".ext", "subjectAltName=" + subjectAltName + "\nbasicConstraints=CA:FALSE\n");
    openssl({"req", "-newkey", "rsa:2048", "-nodes", "-keyout", key, "-out", csr, "-subj", "/CN=" + name});
    openssl({"x509", "-req", "-in", csr, "-CA", caPem, "-CAkey", caKey, "-CAcreateserial", "-out", pem,
             "-days", "2", "-extfile", dir.file(name + ".ext")});
}

TlsTestServer::TlsTestServer(const std::string& certFile, const std::string& keyFile,
                             const std::string& wwwDir) {
    int stdinFd = -1;
    _pid = spawn(
        {M365_TEST_OPENSSL, "s_server", "-accept", "127.0.0.1:0", "-cert", certFile, "-key", keyFile, "-WWW"},
        wwwDir, stdinFd, _stdout);
    close(stdinFd);
    // s_server prints "ACCEPT 127.0.0.1:<port>" once it listens.
    std::string seen;
    for (int i = 0; i < 100 && _port == 0; ++i) {
        pollfd fd{_stdout, POLLIN, 0};
        if (poll(&fd, 1, 100) <= 0)
            continue;
        char buffer[256];
        ssize_t got = read(_stdout, buffer, sizeof buffer);
        if (got <= 0)
            break;
        seen.append(buffer, static_cast<std::size_t>(got));
        std::size_t at = seen.find("ACCEPT 127.0.0.1:");
        if (at != std::string::npos && seen.find('\n', at) != std::string::npos)
            _port = std::atoi(seen.c_str() + at + 17);
    }
    if (_port == 0) {
        kill(_pid, SIGKILL);
        waitpid(_pid, nullptr, 0);
        throw std::runtime_error("openssl s_server did not start");
    }
}

TlsTestServer::~TlsTestServer() {
    if (_pid > 0) {
        kill(_pid, SIGTERM);
        waitpid(_pid, nullptr, 0);
    }
    if (_stdout >= 0)
        close(_stdout);
}

} // namespace m365test
