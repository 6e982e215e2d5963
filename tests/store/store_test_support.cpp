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
    std::ifstream in(path, std::ios::binary | std::ios::ate);
    if (!in) {
        return "";
    }
    std::string bytes(static_cast<std::size_t>(in.tellg()), '\0');
    in.seekg(0);
    in.read(bytes.data(), static_cast<std::streamsize>(bytes.size()));
    return bytes;
}

int fileMode(const std::string& path) {
    struct stat info {};
    if (::stat(path.c_str(), &info) != 0) {
        return -1;
    }
    return static_cast<int>(info.st_mode & 0777);
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
