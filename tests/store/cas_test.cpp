// cas_test.cpp -- compare-and-swap semantics, key rules and instance scoping, through the C table.
#include "store_backends.hpp"

#include "wphost/key_rules.hpp"

using namespace wphost;
using namespace wphost::test;

STORE_TEST_CASE("a missing key reads as not found with revision 0") {
    auto location = Backend::create();
    InstanceStores stores(*location, "default");
    CallResult result = stores.config.get("settings");
    CHECK(result.status == WP_E_NOT_FOUND);
    CHECK(result.revision == 0);
    CHECK(result.code == "store.not_found");
}

STORE_TEST_CASE("revision 0 creates only if the key is absent") {
    auto location = Backend::create();
    InstanceStores stores(*location, "default");
    CallResult first = stores.config.putIf("settings", WP_REVISION_ABSENT, "{\"a\":1}");
    REQUIRE(first.status == WP_OK);
    CHECK(first.revision > 0);

    CallResult second = stores.config.putIf("settings", WP_REVISION_ABSENT, "{\"a\":2}");
    CHECK(second.status == WP_E_CONFLICT);
    CHECK(second.code == "store.conflict");
    CHECK(second.revision == first.revision); // on conflict: the current revision
    CHECK(stores.config.get("settings").value == "{\"a\":1}");
}

STORE_TEST_CASE("a stale revision loses and leaves the value untouched") {
    auto location = Backend::create();
    InstanceStores stores(*location, "default");
    std::uint64_t r1 = stores.config.putIf("state", 0, "one").revision;
    CallResult second = stores.config.putIf("state", r1, "two");
    REQUIRE(second.status == WP_OK);
    CHECK(second.revision > r1);

    CallResult stale = stores.config.putIf("state", r1, "stale");
    CHECK(stale.status == WP_E_CONFLICT);
    CHECK(stale.revision == second.revision);
    CHECK(stale.message.find("expected revision") != std::string::npos);
    CallResult now = stores.config.get("state");
    CHECK(now.value == "two");
    CHECK(now.revision == second.revision);
}

STORE_TEST_CASE("delete honours the expected revision, and ANY deletes unconditionally") {
    auto location = Backend::create();
    InstanceStores stores(*location, "default");
    std::uint64_t r1 = stores.config.putIf("k", 0, "v1").revision;
    std::uint64_t r2 = stores.config.putIf("k", r1, "v2").revision;

    CHECK(stores.config.remove("k", r1).status == WP_E_CONFLICT);
    CHECK(stores.config.get("k").value == "v2");
    CHECK(stores.config.remove("k", r2).status == WP_OK);
    CHECK(stores.config.get("k").status == WP_E_NOT_FOUND);
    CHECK(stores.config.remove("k", WP_REVISION_ANY).status == WP_E_NOT_FOUND);

    stores.config.putIf("k", 0, "again");
    CHECK(stores.config.remove("k", WP_REVISION_ANY).status == WP_OK);
}

STORE_TEST_CASE("a key deleted and created again never reuses an old revision") {
    auto location = Backend::create();
    InstanceStores stores(*location, "default");
    std::uint64_t old = stores.config.putIf("k", 0, "v1").revision;
    REQUIRE(stores.config.remove("k", old).status == WP_OK);
    std::uint64_t recreated = stores.config.putIf("k", 0, "v2").revision;
    CHECK(recreated > old);
    // A writer still holding the old revision must lose.
    CHECK(stores.config.putIf("k", old, "from a stale reader").status == WP_E_CONFLICT);
}

STORE_TEST_CASE("keys and values are validated with clear errors") {
    auto location = Backend::create();
    InstanceStores stores(*location, "default");
    for (const std::string& bad :
         std::vector<std::string>{"", "Upper", "has space", "slash/key", std::string(129, 'a')}) {
        CallResult result = stores.config.putIf(bad, 0, "x");
        CHECK(result.status == WP_E_INVALID_ARGUMENT);
        CHECK(result.code == "store.key_invalid");
    }
    CHECK(stores.config.putIf(std::string(128, 'a'), 0, "x").status == WP_OK);
    CHECK(stores.config.putIf("a-b_c.d9", 0, "x").status == WP_OK);

    CallResult big = stores.config.putIf("big", 0, std::string(MaxValueBytes + 1, 'x'));
    CHECK(big.status == WP_E_INVALID_ARGUMENT);
    CHECK(big.code == "store.value_too_large");
    CHECK(stores.secrets.putIf("big", 0, std::string(MaxValueBytes, 'x')).status == WP_OK);
    CHECK(stores.secrets.get("big").value.size() == MaxValueBytes);
}

STORE_TEST_CASE("list returns key names in ascending order, filtered by prefix") {
    auto location = Backend::create();
    InstanceStores stores(*location, "default");
    for (const char* key : {"journal.2", "settings", "journal.10", "audit.1"}) {
        stores.config.putIf(key, 0, "v");
    }
    CHECK(stores.config.list() == std::vector<std::string>{"audit.1", "journal.10", "journal.2", "settings"});
    CHECK(stores.config.list("journal.") == std::vector<std::string>{"journal.10", "journal.2"});
    CHECK(stores.config.list("zzz").empty());
}

STORE_TEST_CASE("an instance sees only its own keys, and config and secrets are separate") {
    auto location = Backend::create();
    InstanceStores contoso(*location, "contoso");
    InstanceStores fabrikam(*location, "fabrikam");
    InstanceStores otherPlugin(*location, "contoso", "another-plugin");
    contoso.config.putIf("settings", 0, "contoso settings");
    contoso.secrets.putIf("private-key", 0, "contoso key");

    CHECK(fabrikam.config.get("settings").status == WP_E_NOT_FOUND);
    CHECK(fabrikam.config.list().empty());
    CHECK(otherPlugin.config.list().empty());
    CHECK(otherPlugin.secrets.get("private-key").status == WP_E_NOT_FOUND);
    CHECK(contoso.config.get("private-key").status == WP_E_NOT_FOUND);
    CHECK(contoso.secrets.list() == std::vector<std::string>{"private-key"});

    // An instance with no keys is not configured.
    CHECK(contoso.service->catalog().instances("example") == std::vector<std::string>{"contoso"});
    fabrikam.config.putIf("settings", 0, "fabrikam settings");
    CHECK(contoso.service->catalog().instances("example") == std::vector<std::string>{"contoso", "fabrikam"});
}

STORE_TEST_CASE("the host's catalog masks every secret value") {
    auto location = Backend::create();
    InstanceStores stores(*location, "default");
    stores.config.putIf("settings", 0, "{\"tenant\":\"contoso\"}");
    stores.secrets.putIf("private-key", 0, "-----BEGIN PRIVATE KEY-----");
    auto entries = stores.service->catalog().entries("example", "default");
    REQUIRE(entries.size() == 2);
    CHECK(entries[0].kind == StoreKind::Config);
    CHECK(entries[0].displayValue == "{\"tenant\":\"contoso\"}");
    CHECK(entries[1].kind == StoreKind::Secret);
    CHECK(entries[1].key == "private-key");
    CHECK(entries[1].displayValue == SecretMask);
}

STORE_TEST_CASE("a NULL key is an invalid argument, not a crash") {
    auto location = Backend::create();
    InstanceStores stores(*location, "default");
    const wp_store& table = stores.configBridge->table();
    wp_error error{};
    error.struct_size = sizeof error;
    std::uint64_t revision = 0;
    CHECK(table.get(table.ctx, nullptr, nullptr, &revision, &error) == WP_E_INVALID_ARGUMENT);
    CHECK(std::string(error.code) == "store.key_invalid");
    CHECK(table.put_if(table.ctx, "k", 0, nullptr, 3, &revision, &error) == WP_E_INVALID_ARGUMENT);
    CHECK(table.put_if(table.ctx, "k", 0, nullptr, 0, &revision, nullptr) == WP_OK); // empty value is fine
}

STORE_TEST_CASE("an expected revision no write ever produced is a conflict, not an error") {
    auto location = Backend::create();
    InstanceStores stores(*location, "default");
    std::uint64_t r1 = stores.config.putIf("k", 0, "v1").revision;
    for (std::uint64_t bogus : {r1 + 1000, std::uint64_t{1} << 63, WP_REVISION_ANY - 1}) {
        CallResult written = stores.config.putIf("k", bogus, "never");
        CHECK(written.status == WP_E_CONFLICT);
        CHECK(written.revision == r1);
        CHECK(stores.config.remove("k", bogus).status == WP_E_CONFLICT);
    }
    CHECK(stores.config.get("k").value == "v1");
}
