// test_process.h -- small process helpers for the unit tests: run the openssl CLI (the independent
// referee) and run an `openssl s_server` on 127.0.0.1 with a port the kernel picks, killed by PID.
#pragma once

#include <string>
#include <sys/types.h>
#include <vector>

namespace m365test {

/// A temporary directory, removed (with its files) on destruction.
class TempDir {
public:
    TempDir();
    ~TempDir();
    TempDir(const TempDir&) = delete;
    TempDir& operator=(const TempDir&) = delete;
    const std::string& path() const { return _path; }
    std::string file(const std::string& name) const { return _path + "/" + name; }
    void write(const std::string& name, const std::string& content) const;

private:
    std::string _path;
};

struct ProcessResult {
    int exitCode = -1;
    std::string output; ///< stdout (stderr is discarded unless merged by the caller)
};

/// Runs argv (no shell), feeding `input` to stdin; returns exit code and stdout.
ProcessResult run(const std::vector<std::string>& argv, const std::string& input = {});
/// Runs the openssl CLI with these arguments; throws std::runtime_error on a non-zero exit.
std::string openssl(const std::vector<std::string>& arguments, const std::string& input = {});

/// A test PKI made with the openssl CLI: a CA, and leaf certificates it signs.
struct TestPki {
    explicit TestPki(const TempDir& dir, const std::string& caName = "m365 test CA");
    /// Issues leaf `name`.pem / `name`.key with the given subjectAltName (e.g. "DNS:localhost,IP:127.0.0.1").
    void issue(const std::string& name, const std::string& subjectAltName) const;
    std::string caPem;
    std::string caKey;
    const TempDir& dir;
};

/// `openssl s_server` on 127.0.0.1:<free port> serving files from `wwwDir` (-WWW), killed on destruction.
class TlsTestServer {
public:
    TlsTestServer(const std::string& certFile, const std::string& keyFile, const std::string& wwwDir);
    ~TlsTestServer();
    TlsTestServer(const TlsTestServer&) = delete;
    TlsTestServer& operator=(const TlsTestServer&) = delete;
    int port() const { return _port; }

private:
    pid_t _pid = -1;
    int _port = 0;
    int _stdout = -1;
};

} // namespace m365test
