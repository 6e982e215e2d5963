// What configure --action update decides from the record, the needed roles and the tenant's state
// (update_changes.h), and which update settings are accepted (update.h).
#include "update.h"
#include "update_changes.h"

#include <doctest/doctest.h>

using namespace m365;

namespace {

const int64_t kDay = 86400;
const int64_t kNow = 2'000 * kDay;
const std::string kGraphApp = "00000003-0000-0000-c000-000000000000";
const std::string kGraphSp = "graph-sp";

ResolvedPermission needed(const std::string& name, const std::string& roleId) {
    Permission permission;
    permission.name = name;
    permission.resource = "graph";
    return {permission, kGraphApp, kGraphSp, roleId};
}

AppRoleGrant assigned(const std::string& assignmentId, const std::string& name, const std::string& roleId) {
    return {assignmentId, kGraphSp, kGraphApp, "graph", roleId, name};
}

struct Fixture {
    InstanceRecord record;
    std::vector<ResolvedPermission> permissions{needed("Mail.Read", "role-mail"),
                                                needed("User.Read.All", "role-user")};
    ApplicationState state;

    Fixture() {
        record.certificate.keyId = "key-1";
        record.certificate.notAfter = kNow + 400 * kDay;
        AppKeyCredential key;
        key.keyId = "key-1";
        key.endDateTime = record.certificate.notAfter;
        state.keys.push_back(key);
        state.grants = {assigned("a1", "Mail.Read", "role-mail"),
                        assigned("a2", "User.Read.All", "role-user")};
        state.requiredResourceAccess = {{kGraphApp, "role-mail"}, {kGraphApp, "role-user"}};
    }

    UpdateChanges compare(bool secretReadable = true, int renewWithinDays = 30) const {
        return compareWithTenant({record, permissions, state, secretReadable, kNow, renewWithinDays});
    }
};

} // namespace

TEST_CASE("update finds nothing to change when the tenant matches and the certificate is fine") {
    Fixture f;
    auto changes = f.compare();
    CHECK(changes.none());
    CHECK(changes.kept.size() == 2);
    CHECK(changes.kept[0].assignmentId == "a1");
}

TEST_CASE("update replaces an expired, expiring, missing or unreadable certificate and says why") {
    Fixture f;
    f.record.certificate.notAfter = kNow - 1;
    CHECK(f.compare().key.reason == "expired");

    Fixture expiring;
    expiring.record.certificate.notAfter = kNow + 10 * kDay;
    CHECK(expiring.compare().key.reason == "expiring");
    CHECK(expiring.compare().key.detail.find("10 day(s)") != std::string::npos);
    CHECK_FALSE(expiring.compare(true, 0).key.replace); // renew_within_days=0: only when expired

    Fixture missing;
    missing.state.keys.clear();
    CHECK(missing.compare().key.reason == "missing_from_application");

    Fixture unreadable;
    CHECK(unreadable.compare(false).key.reason == "secret_unreadable");
}

TEST_CASE("update grants what is missing, revokes what is not needed, and keeps duplicates of needed roles") {
    Fixture f;
    f.state.grants = {assigned("a1", "Mail.Read", "role-mail"), assigned("a1b", "Mail.Read", "role-mail"),
                      assigned("a3", "Files.Read.All", "role-files")};
    auto changes = f.compare();
    REQUIRE(changes.grants.size() == 1);
    CHECK(changes.grants[0].permission.name == "User.Read.All");
    REQUIRE(changes.revokes.size() == 1);
    CHECK(changes.revokes[0].assignmentId == "a3");
    CHECK(changes.kept.size() == 1);
    CHECK_FALSE(changes.requiredResourceAccess);
    CHECK_FALSE(changes.key.replace);
}

TEST_CASE("update notices a requiredResourceAccess that differs from the needed roles, ids in any case") {
    Fixture f;
    f.state.requiredResourceAccess = {{kGraphApp, "ROLE-MAIL"}, {kGraphApp, "role-user"}};
    CHECK(f.compare().none());
    f.state.requiredResourceAccess.insert({kGraphApp, "role-files"});
    CHECK(f.compare().requiredResourceAccess);
}

TEST_CASE("update settings extend setup's and keep unknown ones refused") {
    auto settings = parseUpdateSettings(
        R"({"tenant":"contoso.onmicrosoft.com","workloads":"exchange","renew_within_days":45})", "contoso");
    CHECK(settings.renewWithinDays == 45);
    CHECK(settings.given.count("workloads") == 1);
    CHECK(settings.given.count("include_restore") == 0);
    CHECK(settings.target.workloads == std::vector<std::string>{"exchange"});
    auto code = [](const char* json) {
        try {
            parseUpdateSettings(json, "contoso");
        } catch (const wp::Error& e) {
            return e.code();
        }
        return std::string();
    };
    CHECK(code(R"({"tenant":"contoso.onmicrosoft.com","renew_within_days":-1})") ==
          "config.renew_within_days_invalid");
    CHECK(code(R"({"tenant":"contoso.onmicrosoft.com","renew_days":3})") == "config.setting_unknown");
    CHECK(code(R"({"workloads":"exchange"})") == "config.tenant_missing");
}
