// store_test_support.hpp -- scratch directories and a thin caller of the wp_store C table for tests.
#pragma once

#include <wp/abi.h>

#include "wphost/host_store.hpp"

#include <cstdint>
#include <memory>
#include <string>
#include <vector>

namespace wphost::test {

/// A fresh private directory under $TMPDIR (or /tmp), removed with everything in it on destruction.
class ScratchDir {
public:
    ScratchDir();
    ScratchDir(const ScratchDir&) = delete;
    ScratchDir& operator=(const ScratchDir&) = delete;
    ~ScratchDir();

    const std::string& path() const { return _path; }
    std::string file(const std::string& name) const { return _path + "/" + name; }

private:
    std::string _path;
};

/// What one wp_store call returned.
struct CallResult {
    wp_status status = WP_OK;
    std::uint64_t revision = 0;
    std::string value;
    std::string code;
    std::string message;
};

/// Calls a wp_store exactly like a plugin would, through its C function pointers.
class StoreCaller {
public:
    explicit StoreCaller(const wp_store& table) : _table(table) {}

    CallResult get(const std::string& key) const;
    CallResult putIf(const std::string& key, std::uint64_t expectedRevision, const std::string& value) const;
    CallResult remove(const std::string& key, std::uint64_t expectedRevision) const;
    std::vector<std::string> list(const std::string& prefix = "") const;

private:
    const wp_store& _table;
};

/// Adds one to the decimal counter at key with a compare-and-swap retry loop (creating it as "1").
/// Returns false on any status other than WP_OK / WP_E_CONFLICT / WP_E_NOT_FOUND.
bool incrementCounter(const StoreCaller& store, const std::string& key);

/// The whole file's bytes ("" when it does not exist).
std::string readFileBytes(const std::string& path);

/// Permission bits of a file (e.g. 0600), or -1 when it does not exist.
int fileMode(const std::string& path);

/// Runs SQL on a SQLite store file with a separate raw connection (to play the attacker).
void rawExecute(const std::string& databasePath, const std::string& sql);

} // namespace wphost::test
