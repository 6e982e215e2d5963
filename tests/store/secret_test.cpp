// secret_test.cpp -- secrets at rest: never stored in plaintext, 0600 files, tamper and move detection.
#include "store_backends.hpp"

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

STORE_TEST_CASE(
    "secret values are sealed by the host: never at rest in plaintext, wherever the backend keeps data") {
    auto location = Backend::create();
    {
        InstanceStores stores(*location, "default");
        REQUIRE(stores.secrets.putIf("private-key", 0, SecretCanary).status == WP_OK);
        REQUIRE(stores.config.putIf("settings", 0, ConfigCanary).status == WP_OK);
        // The scan itself works: the (non-secret) config value is found in plain text (SQLite: the file
        // or its -wal; PostgreSQL: the data directory, WAL included, after a checkpoint).
        CHECK(location->atRestContains(ConfigCanary));
        CHECK_FALSE(location->atRestContains(SecretCanary));
        CHECK(stores.secrets.get("private-key").value == SecretCanary);
    }
    // After closing (SQLite checkpoints its log into the main file): scan again.
    CHECK(location->atRestContains(ConfigCanary));
    CHECK_FALSE(location->atRestContains(SecretCanary));
    CHECK_FALSE(fileContains(location->dir().file("master.key"), SecretCanary));
}

STORE_TEST_CASE("database, log and master key files are created with mode 0600 whatever the umask") {
    UmaskGuard permissive(0);
    auto location = Backend::create();
    std::string nested = location->dir().file("state/wp-host");
    // SQLite: the master key defaults to beside the database; a server has no "beside", so give a path.
    StoreOptions options = location->isPostgres() ? StoreOptions{location->store(), nested + "/master.key"}
                                                  : StoreOptions{nested + "/store.db", ""};
    {
        HostStore service(options);
        StoreBridge secrets(service.secretStore("example", "default"));
        StoreCaller caller(secrets.table());
        REQUIRE(caller.putIf("token", 0, "value").status == WP_OK);
        if (!location->isPostgres()) {
            CHECK(fileMode(nested + "/store.db") == 0600);
            CHECK(fileMode(nested + "/store.db-wal") == 0600);
        }
        CHECK(fileMode(nested + "/master.key") == 0600);
        CHECK(fileMode(nested) == 0700);
    }
}

STORE_TEST_CASE("a master key file others can read is refused with a clear error") {
    auto location = Backend::create();
    {
        InstanceStores stores(*location, "default");
        REQUIRE(stores.secrets.putIf("token", 0, "value").status == WP_OK);
    }
    ::chmod(location->dir().file("master.key").c_str(), 0644);
    InstanceStores reopened(*location, "default");
    CallResult result = reopened.secrets.get("token");
    CHECK(result.status == WP_E_INTERNAL);
    CHECK(result.code == "store.master_key_permissions");
    CHECK(result.message.find("master.key") != std::string::npos);
}

STORE_TEST_CASE("a tampered ciphertext is rejected with the clear error") {
    auto location = Backend::create();
    InstanceStores stores(*location, "default");
    REQUIRE(stores.secrets.putIf("k", 0, SecretCanary).status == WP_OK);
    std::string sealed = location->rawQueryBlob(SelectSecret + "'k'");
    REQUIRE(sealed.size() > 20);
    sealed[20] = static_cast<char>(sealed[20] ^ 0x01); // one bit of the ciphertext body
    location->rawUpdateBlob(UpdateSecret + "'k'", sealed);

    CallResult result = stores.secrets.get("k");
    CHECK(result.status == WP_E_INTERNAL);
    CHECK(result.code == "store.secret_tampered");
    CHECK(result.message ==
          "secret 'k' failed authentication: the store was modified outside the host or the "
          "master key changed");
    CHECK(result.value.empty());
    CHECK(result.message.find(SecretCanary) == std::string::npos);
}

STORE_TEST_CASE("a ciphertext copied to another key, instance or revision is rejected") {
    auto location = Backend::create();
    InstanceStores stores(*location, "default");
    InstanceStores other(*location, "other");
    REQUIRE(stores.secrets.putIf("a", 0, "value of a").status == WP_OK);
    REQUIRE(stores.secrets.putIf("b", 0, "value of b").status == WP_OK);
    REQUIRE(other.secrets.putIf("a", 0, "other's a").status == WP_OK);
    std::string sealedA = location->rawQueryBlob(SelectSecret + "'a'");

    SUBCASE("to another key") {
        location->rawUpdateBlob(UpdateSecret + "'b'", sealedA);
        CHECK(stores.secrets.get("b").code == "store.secret_tampered");
    }
    SUBCASE("to another key, together with its revision") {
        location->rawExecute(
            "UPDATE entries SET revision = (SELECT revision FROM entries WHERE kind = 'secret' AND "
            "instance = 'default' AND key = 'a') WHERE kind = 'secret' AND instance = 'default' AND "
            "key = 'b'");
        location->rawUpdateBlob(UpdateSecret + "'b'", sealedA);
        CHECK(stores.secrets.get("b").code == "store.secret_tampered");
    }
    SUBCASE("to the same key of another instance, together with its revision") {
        location->rawExecute(
            "UPDATE entries SET revision = (SELECT revision FROM entries WHERE kind = 'secret' AND "
            "instance = 'default' AND key = 'a') WHERE kind = 'secret' AND instance = 'other' AND "
            "key = 'a'");
        location->rawUpdateBlob(
            "UPDATE entries SET value = ?1 WHERE kind = 'secret' AND instance = 'other' AND key = 'a'",
            sealedA);
        CHECK(other.secrets.get("a").code == "store.secret_tampered");
    }
    SUBCASE("an old value replayed over a newer revision of the same key") {
        REQUIRE(stores.secrets.putIf("a", stores.secrets.get("a").revision, "rotated a").status == WP_OK);
        location->rawUpdateBlob(UpdateSecret + "'a'", sealedA);
        CHECK(stores.secrets.get("a").code == "store.secret_tampered");
    }
}

STORE_TEST_CASE("another master key cannot read the secrets") {
    auto location = Backend::create();
    {
        InstanceStores stores(*location, "default");
        REQUIRE(stores.secrets.putIf("k", 0, "value").status == WP_OK);
    }
    HostStore service(StoreOptions{location->store(), location->dir().file("another.key")});
    StoreBridge secrets(service.secretStore("example", "default"));
    CallResult result = StoreCaller(secrets.table()).get("k");
    CHECK(result.code == "store.secret_tampered");
}

STORE_TEST_CASE("the master key may come from WP_HOST_MASTER_KEY instead of a file") {
    auto location = Backend::create();
    EnvironmentGuard key(MasterKeyEnvironmentVariable, "AAECAwQFBgcICQoLDA0ODxAREhMUFRYXGBkaGxwdHh8=");
    {
        InstanceStores stores(*location, "default");
        REQUIRE(stores.secrets.putIf("k", 0, "value").status == WP_OK);
        CHECK(stores.secrets.get("k").value == "value");
    }
    CHECK(fileMode(location->dir().file("master.key")) == -1); // no file was created

    SUBCASE("a malformed key is a clear error") {
        EnvironmentGuard bad(MasterKeyEnvironmentVariable, "not base64 of 32 bytes");
        InstanceStores stores(*location, "default");
        CallResult result = stores.secrets.get("k");
        CHECK(result.code == "store.master_key_invalid");
        CHECK(result.message.find("WP_HOST_MASTER_KEY") != std::string::npos);
    }
}
