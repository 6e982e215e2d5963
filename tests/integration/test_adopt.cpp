// Bring your own application (configure --action adopt) through the real stub host against the emulator:
// the test registers an application through the emulator's Graph with an admin token and a certificate the
// `openssl` CLI makes in a scratch directory (never committed), then adopts it from PEM and from PFX,
// checks the missing permissions per workload, a certificate the app does not hold, export-certificate and
// a replace_certificate switch (refused while the app lacks the renewed certificate, then switched while a
// second host process acquires tokens throughout). Remove, rotation gating and the journal check of adopted
// applications: test_adopt_lifecycle.cpp.
#include "test_adopt_support.h"

#include <doctest/doctest.h>

#include <algorithm>
#include <cctype>
#include <csignal>
#include <set>

using m365it::Background;
using m365it::finishOwn;
using m365it::startOwn;
using m365it::StubHost;
using m365it::tokenRequests;
using m365it::waitForTokenRequests;
using namespace adoptit;

namespace {

std::set<std::string> missingFor(const m365it::HostRun& run, const std::string& workload) {
    std::set<std::string> missing;
    for (const auto& event : run.ofType("event")) {
        const auto& data = event["data"];
        if (data.value("event", "") == "permissions_missing" && data.value("workload", "") == workload)
            for (const auto& item : data["missing"])
                missing.insert(item["permission"].get<std::string>());
    }
    return missing;
}

} // namespace

TEST_CASE("adopt from an encrypted PEM key: token acquired, missing permissions listed per workload, no "
          "password stored") {
    // No replication delay: the identity team granted the roles long before the adoption.
    wptest::EmulatorProcess emulator(m365it::emulatorOptions("admin@contoso.onmicrosoft.com", 0));
    StubHost host(emulator);
    Admin admin(emulator);
    auto certificate = makeCertificate(host.directory(), "adopt-pem");
    auto app = admin.registerApp(certificate, kOneDriveRoles);

    auto run = host.run(
        adoptArgs(host, app.appId,
                  {"workloads=exchange,onedrive", "certificate_file=" + certificate.certificate,
                   "key_file=" + certificate.encryptedKey, "key_password_file=" + certificate.passwordFile}));
    REQUIRE_MESSAGE(run.exitCode == 0, run.err);
    CHECK(missingFor(run, "onedrive").empty());
    CHECK(missingFor(run, "exchange") ==
          std::set<std::string>{"Calendars.Read", "Contacts.Read", "Mail.Read", "MailboxSettings.Read"});
    auto record = nlohmann::json::parse(*host.configValue("instance"));
    CHECK(record["application"]["app_id"] == app.appId);
    CHECK(record["permissions"].size() == 2);

    auto acquire = host.run({"acquire", "--resource", "graph", "--bypass-cache"});
    CHECK_MESSAGE(acquire.exitCode == 0, acquire.out << acquire.err);
    CHECK(host.rawStoreBytes().find(kPassword) == std::string::npos);
    CHECK(host.allOutput().find(kPassword) == std::string::npos);
    CHECK(host.rawStoreBytes().find(certificate.encryptedKey) == std::string::npos); // the path is not kept

    auto exported = host.directory() + "/exported.cer";
    auto exportRun = host.run({"configure", "--action", "export-certificate", "--set", "output=" + exported});
    REQUIRE_MESSAGE(exportRun.exitCode == 0, exportRun.err);
    sh("openssl x509 -inform DER -in " + exported + " -noout");
    CHECK(m365it::readFile(exported).find("PRIVATE") == std::string::npos);
}

TEST_CASE("adopt from a PFX with the password from the environment") {
    // No replication delay: the identity team granted the roles long before the adoption.
    wptest::EmulatorProcess emulator(m365it::emulatorOptions("admin@contoso.onmicrosoft.com", 0));
    StubHost host(emulator);
    Admin admin(emulator);
    auto certificate = makeCertificate(host.directory(), "adopt-pfx");
    auto app = admin.registerApp(certificate, kOneDriveRoles);

    auto run = host.run(adoptArgs(host, app.appId, {"workloads=onedrive", "pfx_file=" + certificate.pfx}),
                        {{"M365_PFX_PASSWORD", kPassword}});
    REQUIRE_MESSAGE(run.exitCode == 0, run.err);
    auto acquire = host.run({"acquire", "--resource", "graph", "--bypass-cache"});
    CHECK_MESSAGE(acquire.exitCode == 0, acquire.out << acquire.err);
    CHECK(host.rawStoreBytes().find(kPassword) == std::string::npos);
    CHECK(host.allOutput().find(kPassword) == std::string::npos);
}

TEST_CASE("adopt with a certificate the application does not hold names the thumbprint and stores nothing") {
    // No replication delay: the identity team granted the roles long before the adoption.
    wptest::EmulatorProcess emulator(m365it::emulatorOptions("admin@contoso.onmicrosoft.com", 0));
    StubHost host(emulator);
    Admin admin(emulator);
    auto registered = makeCertificate(host.directory(), "registered");
    auto stranger = makeCertificate(host.directory(), "stranger");
    auto app = admin.registerApp(registered, kOneDriveRoles);

    auto run = host.run(adoptArgs(host, app.appId,
                                  {"workloads=onedrive", "verify_timeout_s=3",
                                   "certificate_file=" + stranger.certificate, "key_file=" + stranger.key}));
    CHECK(run.exitCode != 0);
    CHECK(run.errorCode() == "adopt.certificate_not_registered");
    std::string fingerprint;
    {
        auto out = host.directory() + "/fp.txt";
        sh("openssl x509 -in " + stranger.certificate + " -noout -fingerprint -sha1 > " + out);
        for (char c : m365it::readFile(out).substr(m365it::readFile(out).find('=') + 1))
            if (std::isxdigit(static_cast<unsigned char>(c)))
                fingerprint += static_cast<char>(std::toupper(static_cast<unsigned char>(c)));
    }
    CHECK(run.result().dump().find(fingerprint) != std::string::npos);
    CHECK(host.storedKeys().empty());
}

TEST_CASE("adopt replace_certificate refuses an unregistered certificate, then switches while another host "
          "process keeps acquiring tokens without a failure") {
    // No replication delay: the identity team granted the roles long before the adoption.
    wptest::EmulatorProcess emulator(m365it::emulatorOptions("admin@contoso.onmicrosoft.com", 0));
    StubHost host(emulator);
    Admin admin(emulator);
    auto first = makeCertificate(host.directory(), "first");
    auto app = admin.registerApp(first, kOneDriveRoles);
    auto adopted = host.run(
        adoptArgs(host, app.appId,
                  {"workloads=onedrive", "certificate_file=" + first.certificate, "key_file=" + first.key}));
    REQUIRE_MESSAGE(adopted.exitCode == 0, adopted.err);
    auto firstRecord = nlohmann::json::parse(*host.configValue("instance"));
    std::string firstKeyId = firstRecord["certificate"]["key_id"];
    CHECK_FALSE(firstKeyId.empty()); // the app may read itself in the emulator, so the keyId is known
    CHECK(firstRecord["application"]["object_id"] == app.objectId);

    // A backup job on another process: loads the FIRST certificate and fetches a fresh token every 20 ms
    // through everything below.
    auto acquirer = startOwn(
        host, {"acquire", "--resource", "graph", "--bypass-cache", "--repeat", "0", "--interval", "20"},
        "acquirer");
    struct StopAcquirer { // also when a REQUIRE fails below
        Background& run;
        ~StopAcquirer() {
            if (run.process && run.process->running())
                ::kill(run.process->pid(), SIGTERM);
        }
    } stopAcquirer{acquirer};
    REQUIRE_MESSAGE(waitForTokenRequests(emulator, tokenRequests(emulator) + 3),
                    m365it::readFile(acquirer.err));

    // A renewed certificate the application does not hold yet is refused, naming it; nothing changes.
    auto renewed = makeCertificate(host.directory(), "renewed");
    std::vector<std::string> replace{"configure",
                                     "--action",
                                     "adopt",
                                     "--set",
                                     "replace_certificate=true",
                                     "--set",
                                     "verify_timeout_s=3",
                                     "--set",
                                     "certificate_file=" + renewed.certificate,
                                     "--set",
                                     "key_file=" + renewed.key};
    auto refused = host.run(replace);
    CHECK(refused.errorCode() == "adopt.certificate_not_registered");
    CHECK(nlohmann::json::parse(*host.configValue("instance")) == firstRecord);

    // The identity team adds the renewed certificate next to the old one.
    admin.setKeys(
        app.objectId,
        {{{"keyId", firstKeyId}, {"type", "AsymmetricX509Cert"}, {"usage", "Verify"}, {"key", nullptr}},
         {{"type", "AsymmetricX509Cert"}, {"usage", "Verify"}, {"key", renewed.base64Der}}});

    auto switched = host.run(replace);
    REQUIRE_MESSAGE(switched.exitCode == 0, switched.err);
    auto record = nlohmann::json::parse(*host.configValue("instance"));
    CHECK(record["certificate"]["thumbprint_sha1"] != firstRecord["certificate"]["thumbprint_sha1"]);

    // Then the old certificate leaves the application. From now on the emulator issues tokens only for
    // assertions signed with the renewed key (x5t of the renewed certificate): the acquirer, which still
    // holds the first credential, must switch by itself, without a failed acquisition.
    admin.setKeys(app.objectId, {{{"keyId", record["certificate"]["key_id"]},
                                  {"type", "AsymmetricX509Cert"},
                                  {"usage", "Verify"},
                                  {"key", nullptr}}});
    auto application = applicationByAppId(emulator, app.appId);
    REQUIRE(application["keyCredentials"].size() == 1);
    auto thumbprint = application["keyCredentials"][0]["thumbprint"].get<std::string>();
    std::transform(thumbprint.begin(), thumbprint.end(), thumbprint.begin(), ::toupper);
    CHECK(thumbprint == record["certificate"]["thumbprint_sha1"]);
    auto afterRemoval = tokenRequests(emulator);
    REQUIRE(waitForTokenRequests(emulator, afterRemoval + 10));
    ::kill(acquirer.process->pid(), SIGTERM);
    auto acquired = finishOwn(acquirer);
    CHECK_MESSAGE(acquired.exitCode == 0, acquired.err);
    INFO(acquired.out.substr(acquired.out.size() > 600 ? acquired.out.size() - 600 : 0));
    auto summary = acquired.ofType("acquire_summary");
    REQUIRE(summary.size() == 1);
    CHECK(summary[0]["failed"] == 0);
    CHECK(summary[0]["acquired"].get<int>() > 10);

    auto acquire = host.run({"acquire", "--resource", "graph", "--bypass-cache"});
    CHECK_MESSAGE(acquire.exitCode == 0, acquire.out << acquire.err);
}
