// postgres_server.cpp -- initdb + postgres for the tests: unprivileged, loopback only, stopped by PID.
#include "postgres_server.hpp"

#include <libpq-fe.h>

#include <arpa/inet.h>
#include <cerrno>
#include <chrono>
#include <cstdlib>
#include <cstring>
#include <fcntl.h>
#include <filesystem>
#include <fstream>
#include <grp.h>
#include <iterator>
#include <netinet/in.h>
#include <pwd.h>
#include <stdexcept>
#include <sys/prctl.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <thread>
#include <unistd.h>
#include <vector>

namespace wphost::test {
namespace {

using Clock = std::chrono::steady_clock;

/// Who runs initdb and postgres: ourselves, or "nobody" when we are root (initdb refuses root).
struct ServerUser {
    bool drop = false;
    uid_t uid = 0;
    gid_t gid = 0;
};

ServerUser serverUser() {
    ServerUser user;
    if (::geteuid() != 0) {
        return user;
    }
    const passwd* nobody = ::getpwnam("nobody");
    if (nobody == nullptr) {
        throw std::runtime_error("running as root but there is no user 'nobody' to run PostgreSQL as");
    }
    return ServerUser{true, nobody->pw_uid, nobody->pw_gid};
}

int freeLoopbackPort() {
    int fd = ::socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
    sockaddr_in address{};
    address.sin_family = AF_INET;
    address.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    socklen_t length = sizeof address;
    if (fd < 0 || ::bind(fd, reinterpret_cast<sockaddr*>(&address), length) != 0 ||
        ::getsockname(fd, reinterpret_cast<sockaddr*>(&address), &length) != 0) {
        throw std::runtime_error(std::string("cannot find a free loopback port: ") + std::strerror(errno));
    }
    ::close(fd);
    return ntohs(address.sin_port);
}

std::string tail(const std::string& path) {
    std::ifstream in(path);
    std::string text((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
    return text.size() > 2000 ? text.substr(text.size() - 2000) : text;
}

/// fork + exec as the server user, output appended to logFile, dying with this process.
pid_t spawn(const std::vector<std::string>& arguments, const std::string& workDirectory,
            const std::string& logFile, const ServerUser& user) {
    std::vector<char*> argv;
    for (const std::string& argument : arguments) {
        argv.push_back(const_cast<char*>(argument.c_str()));
    }
    argv.push_back(nullptr);
    pid_t parent = ::getpid();
    pid_t pid = ::fork();
    if (pid != 0) {
        return pid;
    }
    // Child: only async-signal-safe calls until exec.
    int log = ::open(logFile.c_str(), O_WRONLY | O_CREAT | O_APPEND, 0644);
    int nothing = ::open("/dev/null", O_RDONLY);
    if (log < 0 || nothing < 0 || ::dup2(nothing, 0) < 0 || ::dup2(log, 1) < 0 || ::dup2(log, 2) < 0) {
        ::_exit(126);
    }
    ::close_range(3, ~0U, 0); // no test pipe or socket leaks into the server
    if (user.drop && (::setgroups(0, nullptr) != 0 || ::setgid(user.gid) != 0 || ::setuid(user.uid) != 0)) {
        ::_exit(125);
    }
    // After setuid (which clears it): if the test process dies, the server gets SIGQUIT and goes too.
    ::prctl(PR_SET_PDEATHSIG, SIGQUIT);
    if (::getppid() != parent || ::chdir(workDirectory.c_str()) != 0) {
        ::_exit(124);
    }
    ::execv(argv[0], argv.data());
    ::_exit(127);
}

} // namespace

std::string PostgresServer::binDirectory() {
    const char* configured = std::getenv("WP_TEST_PG_BINDIR");
    return configured != nullptr && configured[0] != '\0' ? configured : "/usr/lib/postgresql/15/bin";
}

bool PostgresServer::available() {
    return ::access((binDirectory() + "/initdb").c_str(), X_OK) == 0 &&
           ::access((binDirectory() + "/postgres").c_str(), X_OK) == 0;
}

PostgresServer& PostgresServer::shared() {
    static PostgresServer server;
    return server;
}

PostgresServer::PostgresServer() {
    ServerUser user = serverUser();
    // As root, /tmp (not $TMPDIR, which may sit under a directory "nobody" cannot enter).
    const char* tmp = std::getenv("TMPDIR");
    std::string base = user.drop || tmp == nullptr || tmp[0] == '\0' ? "/tmp" : tmp;
    std::string pattern = base + "/wphost-pg-XXXXXX";
    if (::mkdtemp(pattern.data()) == nullptr) {
        throw std::runtime_error("mkdtemp failed for the PostgreSQL scratch directory");
    }
    _scratch = pattern;
    _dataDirectory = _scratch + "/data";
    try {
        if (user.drop && ::chown(_scratch.c_str(), user.uid, user.gid) != 0) {
            throw std::runtime_error("cannot hand " + _scratch + " to user nobody");
        }
        initialize();
        _port = freeLoopbackPort();
        start();
    } catch (...) {
        stop(SIGQUIT);
        std::error_code ignored;
        std::filesystem::remove_all(_scratch, ignored);
        throw;
    }
}

PostgresServer::~PostgresServer() {
    stop(SIGINT);
    std::error_code ignored;
    std::filesystem::remove_all(_scratch, ignored);
}

void PostgresServer::initialize() {
    std::string log = _scratch + "/initdb.log";
    // --no-sync: a scratch cluster need not survive a power cut; trust: loopback and a private socket only.
    pid_t pid = spawn({binDirectory() + "/initdb", "-D", _dataDirectory, "-U", "wp", "--auth=trust", "-E",
                       "UTF8", "--locale=C", "--no-sync", "--no-instructions"},
                      _scratch, log, serverUser());
    int status = 0;
    if (pid < 0 || ::waitpid(pid, &status, 0) != pid || !WIFEXITED(status) || WEXITSTATUS(status) != 0) {
        throw std::runtime_error("initdb failed (status " + std::to_string(status) + "): " + tail(log));
    }
}

void PostgresServer::start() {
    std::string log = _scratch + "/postgres.log";
    _pid = spawn({binDirectory() + "/postgres", "-D", _dataDirectory, "-p", std::to_string(_port), "-k",
                  _scratch, "-c", "listen_addresses=127.0.0.1", "-c", "fsync=off", "-c",
                  "shared_buffers=16MB", "-c", "max_connections=60", "-c", "logging_collector=off"},
                 _scratch, log, serverUser());
    if (_pid < 0) {
        throw std::runtime_error("cannot fork postgres");
    }
    std::string probe = uri("postgres");
    auto deadline = Clock::now() + std::chrono::seconds(30);
    while (PQping(probe.c_str()) != PQPING_OK) {
        int status = 0;
        if (::waitpid(_pid, &status, WNOHANG) == _pid) {
            _pid = -1;
            throw std::runtime_error("postgres exited while starting: " + tail(log));
        }
        if (Clock::now() > deadline) {
            throw std::runtime_error("postgres did not accept connections within 30 s: " + tail(log));
        }
        std::this_thread::sleep_for(std::chrono::milliseconds(20));
    }
}

void PostgresServer::stop(int signal) {
    if (_pid <= 0) {
        return;
    }
    ::kill(_pid, signal);
    auto deadline = Clock::now() + std::chrono::seconds(15);
    while (::waitpid(_pid, nullptr, WNOHANG) != _pid) {
        if (Clock::now() > deadline) {
            ::kill(_pid, SIGKILL);
            ::waitpid(_pid, nullptr, 0);
            break;
        }
        std::this_thread::sleep_for(std::chrono::milliseconds(10));
    }
    _pid = -1;
}

std::string PostgresServer::uri(const std::string& database) const {
    return "postgresql://wp@127.0.0.1:" + std::to_string(_port) + "/" + database;
}

std::string PostgresServer::query(const std::string& database, const std::string& sql) {
    PGconn* connection = PQconnectdb(uri(database).c_str());
    if (PQstatus(connection) != CONNECTION_OK) {
        std::string message = PQerrorMessage(connection);
        PQfinish(connection);
        throw std::runtime_error("cannot connect to the test server: " + message);
    }
    PGresult* result = PQexec(connection, sql.c_str());
    ExecStatusType status = PQresultStatus(result);
    std::string value;
    if (status == PGRES_TUPLES_OK && PQntuples(result) > 0) {
        value = PQgetvalue(result, 0, 0);
    }
    std::string message = PQresultErrorMessage(result);
    PQclear(result);
    PQfinish(connection);
    if (status != PGRES_TUPLES_OK && status != PGRES_COMMAND_OK) {
        throw std::runtime_error("test SQL failed: " + message + " in: " + sql);
    }
    return value;
}

std::string PostgresServer::createDatabase() {
    std::string name = "store_" + std::to_string(++_databases);
    // FILE_COPY: copies the template's files instead of logging every page (keeps the WAL small).
    query("postgres", "CREATE DATABASE " + name + " STRATEGY = FILE_COPY");
    return name;
}

void PostgresServer::dropDatabase(const std::string& name) {
    try {
        query("postgres", "DROP DATABASE IF EXISTS " + name + " WITH (FORCE)");
    } catch (const std::exception&) {
        // Best effort: the whole cluster goes away with the scratch directory anyway.
    }
}

} // namespace wphost::test
