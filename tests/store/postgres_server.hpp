// postgres_server.hpp -- a real PostgreSQL server from Debian's packages, started by the tests.
#pragma once

#include <csignal>
#include <string>
#include <sys/types.h>

namespace wphost::test {

/// initdb + postgres in a scratch directory: TCP on 127.0.0.1 only (a free port), the unix socket in
/// the scratch directory, trust authentication for the superuser "wp".  As root (CI), both run as the
/// unprivileged user "nobody" (initdb refuses root).  The server dies with the test process
/// (PR_SET_PDEATHSIG) and is stopped by PID in the destructor.
class PostgresServer {
public:
    /// Where Debian puts the server binaries; WP_TEST_PG_BINDIR overrides.
    static std::string binDirectory();
    /// true when initdb and postgres are installed.
    static bool available();

    /// One server per test process, started on first use, stopped at exit.  Throws when it cannot start.
    static PostgresServer& shared();

    PostgresServer();
    PostgresServer(const PostgresServer&) = delete;
    PostgresServer& operator=(const PostgresServer&) = delete;
    ~PostgresServer();

    int port() const { return _port; }
    const std::string& dataDirectory() const { return _dataDirectory; }
    /// postgresql://wp@127.0.0.1:PORT/database
    std::string uri(const std::string& database) const;

    /// Creates an empty database with a fresh name and returns its name.
    std::string createDatabase();
    /// Drops a database (forcing its connections closed); errors are ignored.
    void dropDatabase(const std::string& name);
    /// Runs SQL as the superuser on a database; returns the first column of the first row ("" if none).
    std::string query(const std::string& database, const std::string& sql);

    /// Stops the server: SIGINT = fast shutdown, SIGQUIT = immediate (like a crash; recovery on start).
    void stop(int signal = SIGINT);
    /// Starts it again on the same port and data directory; returns when it accepts connections.
    void start();
    bool running() const { return _pid > 0; }

private:
    void initialize();

    std::string _scratch;
    std::string _dataDirectory;
    int _port = 0;
    pid_t _pid = -1;
    int _databases = 0;
};

} // namespace wphost::test
