// store_test_support.cpp -- helpers shared by the store tests.
#include "store_test_support.hpp"

#include <sqlite3.h>

#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <iterator>
#include <stdexcept>
#include <sys/stat.h>

namespace wphost::test {
namespace {

void appendToString(void* ctx, const char* data, std::size_t len) {
    static_cast<std::string*>(ctx)->append(data, len);
}

void appendToList(void* ctx, const char* data, std::size_t len) {
    static_cast<std::vector<std::string>*>(ctx)->emplace_back(data, len);
}

wp_error emptyError() {
    wp_error error{};
    error.struct_size = sizeof error;
    return error;
}

CallResult finish(wp_status status, const wp_error& error) {
    CallResult result;
    result.status = status;
    if (status != WP_OK) {
        result.code = error.code;
        result.message = error.message;
    }
    return result;
}

} // namespace

ScratchDir::ScratchDir() {
    const char* tmp = std::getenv("TMPDIR");
    std::string pattern =
        std::string(tmp != nullptr && tmp[0] != '\0' ? tmp : "/tmp") + "/wphost-store-XXXXXX";
    if (::mkdtemp(pattern.data()) == nullptr) {
        throw std::runtime_error("mkdtemp failed");
    }
    _path = pattern;
}

ScratchDir::~ScratchDir() {
    std::error_code ignored;
    std::filesystem::remove_all(_path, ignored);
}

CallResult StoreCaller::get(const std::string& key) const {
    std::string value;
    wp_sink sink{&value, appendToString};
    wp_error error = emptyError();
    std::uint64_t revision = 99;
    CallResult result = finish(_table.get(_table.ctx, key.c_str(), &sink, &revision, &error), error);
    result.revision = revision;
    result.value = value;
    return result;
}

CallResult StoreCaller::putIf(const std::string& key, std::uint64_t expectedRevision,
                              const std::string& value) const {
    wp_error error = emptyError();
    std::uint64_t revision = 0;
    CallResult result = finish(_table.put_if(_table.ctx, key.c_str(), expectedRevision, value.data(),
                                             value.size(), &revision, &error),
                               error);
    result.revision = revision;
    return result;
}

CallResult StoreCaller::remove(const std::string& key, std::uint64_t expectedRevision) const {
    wp_error error = emptyError();
    return finish(_table.remove(_table.ctx, key.c_str(), expectedRevision, &error), error);
}

std::vector<std::string> StoreCaller::list(const std::string& prefix) const {
    std::vector<std::string> keys;
    wp_sink sink{&keys, appendToList};
    wp_error error = emptyError();
    if (_table.list(_table.ctx, prefix.c_str(), &sink, &error) != WP_OK) {
        throw std::runtime_error(std::string("list failed: ") + error.message);
    }
    return keys;
}

InstanceStores::InstanceStores(const ScratchDir& dir, const std::string& instance,
                               const std::string& pluginId)
    : service(std::make_unique<HostStore>(StoreOptions{dir.file("store.db"), dir.file("master.key")})),
      configBridge(std::make_unique<StoreBridge>(service->configStore(pluginId, instance))),
      secretBridge(std::make_unique<StoreBridge>(service->secretStore(pluginId, instance))),
      config(configBridge->table()), secrets(secretBridge->table()) {}

bool incrementCounter(const StoreCaller& store, const std::string& key) {
    for (;;) {
        CallResult current = store.get(key);
        if (current.status != WP_OK && current.status != WP_E_NOT_FOUND) {
            return false;
        }
        long next = current.status == WP_OK ? std::stol(current.value) + 1 : 1;
        CallResult written = store.putIf(key, current.revision, std::to_string(next));
        if (written.status == WP_OK) {
            return true;
        }
        if (written.status != WP_E_CONFLICT) {
            return false;
        }
    }
}

std::string readFileBytes(const std::string& path) {
    std::ifstream in(path, std::ios::binary);
    return std::string(std::istreambuf_iterator<char>(in), std::istreambuf_iterator<char>());
}

int fileMode(const std::string& path) {
    struct stat info {};
    if (::stat(path.c_str(), &info) != 0) {
        return -1;
    }
    return static_cast<int>(info.st_mode & 0777);
}

namespace {

/// A raw connection that plays the attacker editing the file behind the host's back.
struct RawDatabase {
    explicit RawDatabase(const std::string& path) {
        if (sqlite3_open(path.c_str(), &db) != SQLITE_OK) {
            sqlite3_close(db);
            throw std::runtime_error("cannot open " + path);
        }
        sqlite3_busy_timeout(db, 10000);
    }
    ~RawDatabase() { sqlite3_close(db); }
    sqlite3_stmt* prepare(const std::string& sql) const {
        sqlite3_stmt* statement = nullptr;
        if (sqlite3_prepare_v2(db, sql.c_str(), -1, &statement, nullptr) != SQLITE_OK) {
            throw std::runtime_error(std::string("raw SQL failed: ") + sqlite3_errmsg(db));
        }
        return statement;
    }
    sqlite3* db = nullptr;
};

} // namespace

std::string rawQueryBlob(const std::string& databasePath, const std::string& sql) {
    RawDatabase raw(databasePath);
    sqlite3_stmt* statement = raw.prepare(sql);
    std::string result;
    if (sqlite3_step(statement) == SQLITE_ROW) {
        auto size = static_cast<std::size_t>(sqlite3_column_bytes(statement, 0));
        const void* data = sqlite3_column_blob(statement, 0);
        result.assign(static_cast<const char*>(data), size);
    }
    sqlite3_finalize(statement);
    return result;
}

void rawUpdateBlob(const std::string& databasePath, const std::string& sql, const std::string& blob) {
    RawDatabase raw(databasePath);
    sqlite3_stmt* statement = raw.prepare(sql);
    sqlite3_bind_blob(statement, 1, blob.data(), static_cast<int>(blob.size()), SQLITE_TRANSIENT);
    int rc = sqlite3_step(statement);
    sqlite3_finalize(statement);
    if (rc != SQLITE_DONE || sqlite3_changes(raw.db) != 1) {
        throw std::runtime_error("raw update changed no row: " + sql);
    }
}

void rawExecute(const std::string& databasePath, const std::string& sql) {
    sqlite3* db = nullptr;
    if (sqlite3_open(databasePath.c_str(), &db) != SQLITE_OK) {
        sqlite3_close(db);
        throw std::runtime_error("cannot open " + databasePath);
    }
    sqlite3_busy_timeout(db, 10000);
    char* message = nullptr;
    int rc = sqlite3_exec(db, sql.c_str(), nullptr, nullptr, &message);
    std::string text = message != nullptr ? message : "";
    sqlite3_free(message);
    sqlite3_close(db);
    if (rc != SQLITE_OK) {
        throw std::runtime_error("raw SQL failed: " + text);
    }
}

} // namespace wphost::test
