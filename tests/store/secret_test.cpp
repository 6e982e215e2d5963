// secret_test.cpp -- secrets at rest: never in the file, 0600 files, tamper and move detection.
#include "store_test_support.hpp"

#include <doctest/doctest.h>

#include <cstdlib>
#include <sys/stat.h>

using namespace wphost;
using namespace wphost::test;

namespace {

const std::string SecretCanary = "secret-canary-7f3a9c1e-the-plugins-private-key-material";
const std::string ConfigCanary = "config-canary-51b2d8e0-visible-settings";

bool fileContains(const std::string& path, const std::string& needle) {
    return readFileBytes(path).find(needle) != std::string::npos;
}

/// Restores the process umask on scope exit.
struct UmaskGuard {
    explicit UmaskGuard(mode_t mask) : previous(::umask(mask)) {}
    ~UmaskGuard() { ::umask(previous); }
    mode_t previous;
};

/// Sets or clears an environment variable for one test.
struct EnvironmentGuard {
    EnvironmentGuard(const char* variable, const char* value) : name(variable) { ::setenv(name, value, 1); }
    ~EnvironmentGuard() { ::unsetenv(name); }
    const char* name;
};

const std::string SecretWhere = " WHERE kind = 'secret' AND instance = 'default' AND key = ";
const std::string SelectSecret = "SELECT value FROM entries" + SecretWhere;
const std::string UpdateSecret = "UPDATE entries SET value = ?1" + SecretWhere;

} // namespace

TEST_CASE("secret values never appear in the database file or its write-ahead log") {
    ScratchDir dir;
    {
        InstanceStores stores(dir, "default");
        REQUIRE(stores.secrets.putIf("private-key", 0, SecretCanary).status == WP_OK);
        REQUIRE(stores.config.putIf("settings", 0, ConfigCanary).status == WP_OK);
        // While the store is open, recent pages live in the -wal file.
        std::string wal = dir.file("store.db-wal");
        REQUIRE(fileMode(wal) != -1);
        // The scan itself works: the (non-secret) config value is found in plain text.
        CHECK((fileContains(wal, ConfigCanary) || fileContains(dir.file("store.db"), ConfigCanary)));
        CHECK_FALSE(fileContains(wal, SecretCanary));
        CHECK_FALSE(fileContains(dir.file("store.db"), SecretCanary));
        CHECK(stores.secrets.get("private-key").value == SecretCanary);
    }
    // After closing, the log is checkpointed into the main file: scan again.
    CHECK(fileContains(dir.file("store.db"), ConfigCanary));
    CHECK_FALSE(fileContains(dir.file("store.db"), SecretCanary));
    CHECK_FALSE(fileContains(dir.file("store.db-wal"), SecretCanary));
    CHECK_FALSE(fileContains(dir.file("master.key"), SecretCanary));
}

TEST_CASE("database, log and master key files are created with mode 0600 whatever the umask") {
    UmaskGuard permissive(0);
    ScratchDir dir;
    std::string nested = dir.file("state/wp-host");
    {
        HostStore service(StoreOptions{nested + "/store.db", ""});
        StoreBridge secrets(service.secretStore("example", "default"));
        StoreCaller caller(secrets.table());
        REQUIRE(caller.putIf("token", 0, "value").status == WP_OK);
        CHECK(fileMode(nested + "/store.db") == 0600);
        CHECK(fileMode(nested + "/store.db-wal") == 0600);
        CHECK(fileMode(nested + "/master.key") == 0600); // default: beside the database
        CHECK(fileMode(nested) == 0700);
    }
}

TEST_CASE("a master key file others can read is refused with a clear error") {
    ScratchDir dir;
    {
        InstanceStores stores(dir, "default");
        REQUIRE(stores.secrets.putIf("token", 0, "value").status == WP_OK);
    }
    ::chmod(dir.file("master.key").c_str(), 0644);
    InstanceStores reopened(dir, "default");
    CallResult result = reopened.secrets.get("token");
    CHECK(result.status == WP_E_INTERNAL);
    CHECK(result.code == "store.master_key_permissions");
    CHECK(result.message.find("master.key") != std::string::npos);
}

TEST_CASE("a tampered ciphertext is rejected with the clear error") {
    ScratchDir dir;
    InstanceStores stores(dir, "default");
    REQUIRE(stores.secrets.putIf("k", 0, SecretCanary).status == WP_OK);
    std::string db = dir.file("store.db");
    std::string sealed = rawQueryBlob(db, SelectSecret + "'k'");
    REQUIRE(sealed.size() > 20);
    sealed[20] = static_cast<char>(sealed[20] ^ 0x01); // one bit of the ciphertext body
    rawUpdateBlob(db, UpdateSecret + "'k'", sealed);

    CallResult result = stores.secrets.get("k");
    CHECK(result.status == WP_E_INTERNAL);
    CHECK(result.code == "store.secret_tampered");
    CHECK(result.message ==
          "secret 'k' failed authentication: the store was modified outside the host or the "
          "master key changed");
    CHECK(result.value.empty());
    CHECK(result.message.find(SecretCanary) == std::string::npos);
}

TEST_CASE("a ciphertext copied to another key, instance or revision is rejected") {
    ScratchDir dir;
    InstanceStores stores(dir, "default");
    InstanceStores other(dir, "other");
    REQUIRE(stores.secrets.putIf("a", 0, "value of a").status == WP_OK);
    REQUIRE(stores.secrets.putIf("b", 0, "value of b").status == WP_OK);
    REQUIRE(other.secrets.putIf("a", 0, "other's a").status == WP_OK);
    std::string db = dir.file("store.db");
    std::string sealedA = rawQueryBlob(db, SelectSecret + "'a'");

    SUBCASE("to another key") {
        rawUpdateBlob(db, UpdateSecret + "'b'", sealedA);
        CHECK(stores.secrets.get("b").code == "store.secret_tampered");
    }
    SUBCASE("to another key, together with its revision") {
        rawExecute(db,
                   "UPDATE entries SET revision = (SELECT revision FROM entries WHERE kind = 'secret' AND "
                   "instance = 'default' AND key = 'a') WHERE kind = 'secret' AND instance = 'default' AND "
                   "key = 'b'");
        rawUpdateBlob(db, UpdateSecret + "'b'", sealedA);
        CHECK(stores.secrets.get("b").code == "store.secret_tampered");
    }
    SUBCASE("to the same key of another instance, together with its revision") {
        rawExecute(db,
                   "UPDATE entries SET revision = (SELECT revision FROM entries WHERE kind = 'secret' AND "
                   "instance = 'default' AND key = 'a') WHERE kind = 'secret' AND instance = 'other' AND "
                   "key = 'a'");
        rawUpdateBlob(
            db, "UPDATE entries SET value = ?1 WHERE kind = 'secret' AND instance = 'other' AND key = 'a'",
            sealedA);
        CHECK(other.secrets.get("a").code == "store.secret_tampered");
    }
    SUBCASE("an old value replayed over a newer revision of the same key") {
        REQUIRE(stores.secrets.putIf("a", stores.secrets.get("a").revision, "rotated a").status == WP_OK);
        rawUpdateBlob(db, UpdateSecret + "'a'", sealedA);
        CHECK(stores.secrets.get("a").code == "store.secret_tampered");
    }
}

TEST_CASE("another master key cannot read the secrets") {
    ScratchDir dir;
    {
        InstanceStores stores(dir, "default");
        REQUIRE(stores.secrets.putIf("k", 0, "value").status == WP_OK);
    }
    HostStore service(StoreOptions{dir.file("store.db"), dir.file("another.key")});
    StoreBridge secrets(service.secretStore("example", "default"));
    CallResult result = StoreCaller(secrets.table()).get("k");
    CHECK(result.code == "store.secret_tampered");
}

TEST_CASE("the master key may come from WP_HOST_MASTER_KEY instead of a file") {
    ScratchDir dir;
    EnvironmentGuard key(MasterKeyEnvironmentVariable, "AAECAwQFBgcICQoLDA0ODxAREhMUFRYXGBkaGxwdHh8=");
    {
        InstanceStores stores(dir, "default");
        REQUIRE(stores.secrets.putIf("k", 0, "value").status == WP_OK);
        CHECK(stores.secrets.get("k").value == "value");
    }
    CHECK(fileMode(dir.file("master.key")) == -1); // no file was created

    SUBCASE("a malformed key is a clear error") {
        EnvironmentGuard bad(MasterKeyEnvironmentVariable, "not base64 of 32 bytes");
        InstanceStores stores(dir, "default");
        CallResult result = stores.secrets.get("k");
        CHECK(result.code == "store.master_key_invalid");
        CHECK(result.message.find("WP_HOST_MASTER_KEY") != std::string::npos);
    }
}
