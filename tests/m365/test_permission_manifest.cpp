// The permission manifest: least privilege per workload, restore explicit, roles needed by the admin.
#include "permission_manifest.h"

#include <wp/error.hpp>

#include <doctest/doctest.h>

#include <algorithm>

using namespace m365;

namespace {

bool has(const std::vector<Permission>& permissions, const std::string& resource, const std::string& name) {
    return std::any_of(permissions.begin(), permissions.end(),
                       [&](const Permission& p) { return p.resource == resource && p.name == name; });
}

const std::string kGlobalAdmin = "62e90394-69f5-4237-9190-012177145e10";
const std::string kPrivilegedRoleAdmin = "e8611ab8-c189-46e8-94e1-60213ab1f814";
const std::string kCloudAppAdmin = "158c047a-c907-4556-b7ef-446551a6b5f7";

} // namespace

TEST_SUITE("permission manifest") {
    TEST_CASE("backup is read-only: no write role no EWS no directory write") {
        const auto& manifest = PermissionManifest::builtIn();
        auto all = manifest.required(manifest.workloads(), false);
        for (const auto& permission : all) {
            INFO(permission.id());
            CHECK(permission.name.find("Write") == std::string::npos);
            CHECK(permission.name.find("FullControl") == std::string::npos);
            CHECK(permission.name != "full_access_as_app");
            CHECK_FALSE(permission.why.empty());
            CHECK_FALSE(permission.expectedId.empty());
        }
        CHECK(has(all, "graph", "Mail.Read"));
        CHECK(has(all, "sharepoint", "Sites.Read.All"));
    }

    TEST_CASE("a permission several workloads need is requested once naming every workload") {
        const auto& manifest = PermissionManifest::builtIn();
        auto both = manifest.required({"exchange", "onedrive"}, false);
        auto count = std::count_if(both.begin(), both.end(),
                                   [](const Permission& p) { return p.id() == "graph:User.Read.All"; });
        CHECK(count == 1);
        auto user = std::find_if(both.begin(), both.end(),
                                 [](const Permission& p) { return p.id() == "graph:User.Read.All"; });
        CHECK(user->workloads == std::vector<std::string>{"exchange", "onedrive"});
    }

    TEST_CASE("only the chosen workloads' permissions") {
        const auto& manifest = PermissionManifest::builtIn();
        auto exchange = manifest.required({"exchange"}, false);
        CHECK_FALSE(has(exchange, "graph", "Files.Read.All"));
        CHECK_FALSE(has(exchange, "sharepoint", "Sites.Read.All"));
        CHECK(has(exchange, "graph", "Calendars.Read"));
    }

    TEST_CASE("restore adds write roles and drops the read roles they supersede") {
        const auto& manifest = PermissionManifest::builtIn();
        auto withRestore = manifest.required({"exchange", "onedrive"}, true);
        CHECK(has(withRestore, "graph", "Mail.ReadWrite"));
        CHECK_FALSE(has(withRestore, "graph", "Mail.Read"));
        CHECK(has(withRestore, "graph", "Files.ReadWrite.All"));
        CHECK_FALSE(has(withRestore, "graph", "Files.Read.All"));
        CHECK(has(withRestore, "graph", "MailboxSettings.Read")); // nothing supersedes it
    }

    TEST_CASE("the admin's directory roles are checked per step naming the missing role") {
        const auto& manifest = PermissionManifest::builtIn();
        auto all = manifest.required(manifest.workloads(), false);
        CHECK(manifest.missingAdminRole({kGlobalAdmin}, all).empty());
        CHECK(manifest.missingAdminRole({kPrivilegedRoleAdmin, kCloudAppAdmin}, all).empty());
        auto none = manifest.missingAdminRole({}, all);
        CHECK(none.find("Cloud Application Administrator") != std::string::npos);
        auto appAdminOnly = manifest.missingAdminRole({kCloudAppAdmin}, all);
        CHECK(appAdminOnly.find("Privileged Role Administrator") != std::string::npos);
        CHECK(appAdminOnly.find("Microsoft Graph") != std::string::npos);
        auto praOnly = manifest.missingAdminRole({kPrivilegedRoleAdmin}, all);
        CHECK(praOnly.find("Creating the application") != std::string::npos);
    }

    TEST_CASE("a manifest naming an unknown resource is rejected") {
        CHECK_THROWS_AS(PermissionManifest::parse(R"({"resources":{},"directory_roles":{},"creating_roles":[],
            "admin_scopes":[],"workloads":{"w":{"backup":[{"name":"X","resource":"nowhere","why":"?"}]}}})"),
                        wp::Error);
    }
}
