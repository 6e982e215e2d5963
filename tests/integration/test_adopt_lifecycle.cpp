// What an adopted application (configure --action adopt) changes in the lifecycle, through the real stub
// host against the emulator: remove forgets it and leaves it in the tenant unless delete_application=true;
// rotate is refused (and validate's reminders say to import the renewed certificate) unless the owners
// allowed self-rotation at adopt time, when it rotates as for a created application; an unfinished setup
// recorded in the journal is not adopted over, and an interrupted rotation is settled before a replace.
#include "test_adopt_support.h"

#include <doctest/doctest.h>

#include <algorithm>
#include <csignal>
#include <set>
#include <thread>

using m365it::StubHost;
using namespace adoptit;

namespace {

nlohmann::json resultEvent(const m365it::HostRun& run) {
    for (const auto& event : run.ofType("event"))
        if (event["data"].value("event", "") == "result")
            return event["data"];
    return nullptr;
}

std::string findingMessage(const m365it::HostRun& run, const std::string& code) {
    for (const auto& finding : run.ofType("finding"))
        if (finding.value("code", "") == code)
            return finding.value("message", "");
    return {};
}

std::string fact(const m365it::HostRun& run, const std::string& key) {
    for (const auto& line : run.ofType("fact"))
        if (line.value("key", "") == key)
            return line.value("value", "");
    return {};
}

bool hasServicePrincipal(const wptest::EmulatorProcess& emulator, const std::string& appId) {
    auto state = emulator.state(); // a named copy: a range-for over a temporary's member dangles
    for (const auto& sp : state["servicePrincipals"])
        if (sp.value("appId", "") == appId)
            return true;
    return false;
}

long long deviceCodeRequests(const wptest::EmulatorProcess& emulator) {
    auto stats = emulator.stats();
    return stats["requests"].value("POST devicecode", 0LL);
}

std::vector<std::string> pemArgs(const CliCertificate& certificate, std::vector<std::string> more = {}) {
    more.push_back("certificate_file=" + certificate.certificate);
    more.push_back("key_file=" + certificate.key);
    return more;
}

} // namespace

TEST_CASE("remove of an adopted application forgets it locally by default and deletes it in the tenant only "
          "with delete_application=true") {
    wptest::EmulatorProcess emulator(m365it::emulatorOptions("admin@contoso.onmicrosoft.com", 0));
    StubHost host(emulator);
    Admin admin(emulator);
    auto certificate = makeCertificate(host.directory(), "owned");
    auto app = admin.registerApp(certificate, kOneDriveRoles);
    auto adoptRun = adoptArgs(host, app.appId, pemArgs(certificate, {"workloads=onedrive"}));
    REQUIRE_MESSAGE(host.run(adoptRun).exitCode == 0, "adopt failed");
    CHECK(nlohmann::json::parse(*host.configValue("instance"))["origin"] == "adopt");

    auto signInsBefore = deviceCodeRequests(emulator);
    auto forgotten = host.run({"configure", "--action", "remove"});
    REQUIRE_MESSAGE(forgotten.exitCode == 0, forgotten.err);
    auto result = resultEvent(forgotten);
    CHECK(result["removed"] == true);
    CHECK(result["application_deleted"] == false);
    CHECK(result["reason"] == "adopted");
    CHECK(forgotten.err.find("delete_application=true") != std::string::npos); // says how to delete it
    CHECK(host.storedKeys().empty());
    CHECK(deviceCodeRequests(emulator) == signInsBefore); // no administrator was asked
    CHECK_FALSE(applicationByAppId(emulator, app.appId).is_null());
    CHECK(hasServicePrincipal(emulator, app.appId));

    // Adopted again, then removed with the explicit setting: an administrator signs in and deletes it.
    REQUIRE(host.run(adoptRun).exitCode == 0);
    // Contradicting settings are refused before anything happens.
    auto contradiction = host.run(
        {"configure", "--action", "remove", "--set", "local_only=true", "--set", "delete_application=true"});
    CHECK(contradiction.exitCode == WP_E_INVALID_CONFIG);
    CHECK(contradiction.errorCode() == "config.settings_conflict");
    CHECK(host.configValue("instance").has_value());

    auto deleted = host.run({"configure", "--action", "remove", "--set", "delete_application=true"});
    REQUIRE_MESSAGE(deleted.exitCode == 0, deleted.err);
    CHECK(resultEvent(deleted)["application_deleted"] == true);
    CHECK(deviceCodeRequests(emulator) > signInsBefore);
    CHECK(applicationByAppId(emulator, app.appId).is_null());
    CHECK_FALSE(hasServicePrincipal(emulator, app.appId));
    CHECK(host.storedKeys().empty());
}

TEST_CASE("rotate of an adopted application is refused unless its owners allowed self-rotation, and validate "
          "says to import the renewed certificate") {
    wptest::EmulatorProcess emulator(m365it::emulatorOptions("admin@contoso.onmicrosoft.com", 0));
    StubHost host(emulator);
    Admin admin(emulator);
    auto certificate = makeCertificate(host.directory(), "thirty-days"); // within the 60-day reminder
    auto app = admin.registerApp(certificate, kOneDriveRoles);
    REQUIRE(host.run(adoptArgs(host, app.appId, pemArgs(certificate, {"workloads=onedrive"}))).exitCode == 0);
    auto before = nlohmann::json::parse(*host.configValue("instance"));
    CHECK(before["allow_self_rotation"] == false);

    auto refused = host.run({"configure", "--action", "rotate"});
    CHECK(refused.exitCode == WP_E_PERMISSION_DENIED);
    CHECK(refused.errorCode() == "rotate.not_allowed");
    CHECK(refused.result().dump().find("replace_certificate=true") != std::string::npos);
    CHECK(applicationByAppId(emulator, app.appId)["keyCredentials"].size() == 1); // nothing was added
    CHECK(nlohmann::json::parse(*host.configValue("instance")) == before);

    // 28-29 days left: the reminder and the automatic rotation (default 30 days) point to the import.
    auto validated = host.run({"validate"});
    CHECK_MESSAGE(validated.exitCode == 0, validated.out << validated.err);
    CHECK(findingMessage(validated, "cert.expires_soon").find("replace_certificate=true") !=
          std::string::npos);
    CHECK(findingMessage(validated, "cert.auto_rotate_not_allowed").find("replace_certificate=true") !=
          std::string::npos);
    CHECK(fact(validated, "action_needed") == "replace_certificate");
    CHECK(applicationByAppId(emulator, app.appId)["keyCredentials"].size() == 1);

    // update with an admin signed in does not replace the owners' certificate either.
    auto update = host.setupArgs();
    update[2] = "update";
    auto refusedUpdate = host.run(update);
    CHECK(refusedUpdate.exitCode == WP_E_PERMISSION_DENIED);
    CHECK(refusedUpdate.errorCode() == "update.certificate_not_allowed");
    CHECK(applicationByAppId(emulator, app.appId)["keyCredentials"].size() == 1);
    CHECK(nlohmann::json::parse(*host.configValue("instance")) == before);

    // The owners allow it: adopted again with allow_self_rotation=true, rotate works as after a setup.
    REQUIRE(host.run({"configure", "--action", "remove"}).exitCode == 0);
    REQUIRE(host.run(adoptArgs(host, app.appId,
                               pemArgs(certificate, {"workloads=onedrive", "allow_self_rotation=true"})))
                .exitCode == 0);
    auto rotated = host.run({"configure", "--action", "rotate"});
    REQUIRE_MESSAGE(rotated.exitCode == 0, rotated.err);
    CHECK(resultEvent(rotated)["outcome"] == "rotated");
    auto after = nlohmann::json::parse(*host.configValue("instance"));
    CHECK(after["certificate"]["thumbprint_sha1"] != before["certificate"]["thumbprint_sha1"]);
    auto keys = applicationByAppId(emulator, app.appId)["keyCredentials"];
    REQUIRE(keys.size() == 1);
    CHECK(keys[0]["keyId"] == after["certificate"]["key_id"]);
    auto acquire = host.run({"acquire", "--resource", "graph", "--bypass-cache"});
    CHECK_MESSAGE(acquire.exitCode == 0, acquire.err);
    auto validatedAfter = host.run({"validate"});
    CHECK(fact(validatedAfter, "action_needed") == "none"); // a fresh two-year certificate
}

TEST_CASE("adopt refuses while an interrupted setup is recorded and succeeds once remove cleaned it up") {
    wptest::EmulatorProcess emulator(m365it::emulatorOptions());
    StubHost host(emulator);
    // A setup killed after its first creates (the grants' $batch is slowed down): its journal stays.
    emulator.addFault(
        {{"method", "POST"}, {"path", "/v1.0/$batch"}, {"kind", "delay"}, {"delay_ms", 5000}, {"count", 1}});
    auto setup = host.start(host.setupArgs({"workloads=onedrive"}));
    auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(60);
    while (m365it::createdApplications(emulator).empty() && std::chrono::steady_clock::now() < deadline)
        std::this_thread::sleep_for(std::chrono::milliseconds(50));
    auto faults = emulator.client().get("/_emulator/faults");
    while (!faults.json()["value"].empty() && std::chrono::steady_clock::now() < deadline) {
        std::this_thread::sleep_for(std::chrono::milliseconds(50)); // until the $batch is being delayed
        faults = emulator.client().get("/_emulator/faults");
    }
    ::kill(setup->pid(), SIGKILL);
    setup->wait(std::chrono::seconds(10));
    emulator.clearFaults();
    auto leftover = m365it::createdApplications(emulator);
    REQUIRE(leftover.size() == 1);

    Admin admin(emulator);
    auto certificate = makeCertificate(host.directory(), "after-crash");
    auto app = admin.registerApp(certificate, kOneDriveRoles);
    auto adoptRun = adoptArgs(host, app.appId, pemArgs(certificate, {"workloads=onedrive"}));
    auto refused = host.run(adoptRun);
    CHECK(refused.exitCode == WP_E_CONFLICT);
    CHECK(refused.errorCode() == "journal.busy");
    CHECK(refused.result().dump().find("configure --action remove") != std::string::npos);
    CHECK(host.storedKeys() == std::vector<std::string>{"config:journal"});

    auto cleaned = host.run({"configure", "--action", "remove"});
    REQUIRE_MESSAGE(cleaned.exitCode == 0, cleaned.err);
    CHECK(applicationByAppId(emulator, leftover[0]["appId"]).is_null()); // the setup's leftover is gone
    CHECK_FALSE(applicationByAppId(emulator, app.appId).is_null());      // the identity team's app is not
    auto adopted = host.run(adoptRun);
    REQUIRE_MESSAGE(adopted.exitCode == 0, adopted.err);
    auto acquire = host.run({"acquire", "--resource", "graph", "--bypass-cache"});
    CHECK_MESSAGE(acquire.exitCode == 0, acquire.err);
}

TEST_CASE("replace_certificate first undoes an interrupted self-rotation of an adopted application") {
    wptest::EmulatorProcess emulator(m365it::emulatorOptions("admin@contoso.onmicrosoft.com", 0));
    StubHost host(emulator);
    Admin admin(emulator);
    auto first = makeCertificate(host.directory(), "first");
    auto app = admin.registerApp(first, kOneDriveRoles);
    REQUIRE(host.run(adoptArgs(host, app.appId,
                               pemArgs(first, {"workloads=onedrive", "allow_self_rotation=true"})))
                .exitCode == 0);
    auto firstKeyId = nlohmann::json::parse(*host.configValue("instance"))["certificate"]["key_id"];

    // A rotation killed right after its addKey: the application holds its key, the journal remembers it.
    auto killed = host.run({"configure", "--action", "rotate"}, {{"M365_PLUGIN_TEST_KILL_AT", "key_added"}});
    REQUIRE(killed.exitCode == 128 + SIGKILL);
    auto keys = applicationByAppId(emulator, app.appId)["keyCredentials"];
    REQUIRE(keys.size() == 2);

    // The owners add their renewed certificate next to both; the replace settles the rotation first.
    auto renewed = makeCertificate(host.directory(), "renewed");
    nlohmann::json withRenewed = nlohmann::json::array();
    for (const auto& key : keys)
        withRenewed.push_back(
            {{"keyId", key["keyId"]}, {"type", "AsymmetricX509Cert"}, {"usage", "Verify"}, {"key", nullptr}});
    withRenewed.push_back({{"type", "AsymmetricX509Cert"}, {"usage", "Verify"}, {"key", renewed.base64Der}});
    admin.setKeys(app.objectId, withRenewed);
    auto replaced = host.run({"configure", "--action", "adopt", "--set", "replace_certificate=true", "--set",
                              "certificate_file=" + renewed.certificate, "--set", "key_file=" + renewed.key});
    REQUIRE_MESSAGE(replaced.exitCode == 0, replaced.err);
    auto stored = host.storedKeys();
    CHECK(std::count(stored.begin(), stored.end(), "config:journal") == 0);
    auto record = nlohmann::json::parse(*host.configValue("instance"));
    std::set<std::string> remaining;
    auto application = applicationByAppId(emulator, app.appId);
    for (const auto& key : application["keyCredentials"])
        remaining.insert(key["keyId"].get<std::string>());
    // The rotation's key is gone; the owners' first and renewed certificates stay (they remove the first).
    CHECK(remaining == std::set<std::string>{firstKeyId.get<std::string>(),
                                             record["certificate"]["key_id"].get<std::string>()});
    CHECK(host.run({"acquire", "--resource", "graph", "--bypass-cache"}).exitCode == 0);
}
