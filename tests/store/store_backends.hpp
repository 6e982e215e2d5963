// store_backends.hpp -- the store suite runs once per backend: SQLite and PostgreSQL.
#pragma once

#include "store_test_support.hpp"

#include <doctest/doctest.h>

#include <memory>
#include <string>
#include <vector>

namespace wphost::test {

/// Where one test's store lives: a fresh SQLite file or a fresh PostgreSQL database, and a scratch
/// directory for the master key.  Also plays the attacker with raw SQL on the stored rows.
class StoreLocation {
public:
    virtual ~StoreLocation() = default;

    const ScratchDir& dir() const { return _dir; }
    /// The --store value.
    virtual std::string store() const = 0;
    StoreOptions options() const { return StoreOptions{store(), _dir.file("master.key")}; }
    bool isPostgres() const { return isPostgresLocation(store()); }

    /// Raw SQL behind the host's back (?1 is the blob parameter in rawUpdateBlob).
    virtual void rawExecute(const std::string& sql) const = 0;
    virtual std::string rawQueryBlob(const std::string& sql) const = 0;
    virtual void rawUpdateBlob(const std::string& sql, const std::string& blob) const = 0;
    /// Whether the bytes appear anywhere the backend keeps data at rest (files, logs, WAL).
    virtual bool atRestContains(const std::string& needle) const = 0;
    /// "ok" when the backend's own consistency check passes.
    virtual std::string integrityCheck() const = 0;

private:
    ScratchDir _dir;
};

struct SqliteBackend {
    static std::unique_ptr<StoreLocation> create();
};
struct PostgresBackend {
    /// A fresh database on PostgresServer::shared(), dropped when the location goes.
    static std::unique_ptr<StoreLocation> create();
};

/// Both stores of one instance, bridged to C tables, over the location's store.
struct InstanceStores {
    InstanceStores(const StoreLocation& location, const std::string& instance,
                   const std::string& pluginId = "example");

    std::unique_ptr<HostStore> service;
    std::unique_ptr<StoreBridge> configBridge;
    std::unique_ptr<StoreBridge> secretBridge;
    StoreCaller config;
    StoreCaller secrets;
};

} // namespace wphost::test

TYPE_TO_STRING_AS("sqlite", wphost::test::SqliteBackend);
TYPE_TO_STRING_AS("postgresql", wphost::test::PostgresBackend);

/// One store test, run for every backend: registered as "NAME<sqlite>" and "NAME<postgresql>".
/// Inside, Backend::create() makes the test's StoreLocation.
#define STORE_TEST_CASE(name)                                                                                \
    TEST_CASE_TEMPLATE(name, Backend, wphost::test::SqliteBackend, wphost::test::PostgresBackend)
