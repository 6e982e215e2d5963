// The real executable through wptest::EmulatorProcess: ready line, CA, auto-approve, stop by PID.
#include "emulator_process.h"

#include <doctest/doctest.h>

#include <signal.h>

#include <filesystem>
#include <fstream>
#include <thread>

TEST_CASE("m365-emulator prints its ready line, serves TLS that verifies against its CA, stops on SIGTERM") {
    pid_t pid = 0;
    {
        wptest::EmulatorProcess emulator;
        pid = emulator.process().pid();
        CHECK(emulator.authority().starts_with("https://127.0.0.1:"));
        CHECK(emulator.graph() == emulator.authority());
        CHECK(emulator.tenantDomain() == "contoso.onmicrosoft.com");
        CHECK(emulator.tenantId().size() == 36);
        CHECK(std::filesystem::exists(emulator.caFile()));
        auto doc = emulator.client()
                       .get("/" + emulator.tenantId() + "/v2.0/.well-known/openid-configuration")
                       .json();
        CHECK(doc["issuer"] == emulator.authority() + "/" + emulator.tenantId() + "/v2.0");
        CHECK(emulator.state()["replication_delay_ms"] == 200);
        auto localhost = wptest::HttpsClient(
            "https://localhost:" + emulator.authority().substr(emulator.authority().rfind(':') + 1),
            emulator.caFile());
        CHECK(localhost.get("/organizations/v2.0/.well-known/openid-configuration").json()["issuer"] ==
              localhost.baseUrl() + "/{tenantid}/v2.0");
        CHECK(emulator.process().stop() == 0); // clean exit on SIGTERM
    }
    CHECK(::kill(pid, 0) != 0); // gone
}

TEST_CASE("a TLS client trusting another CA is refused") {
    wptest::EmulatorProcess emulator;
    wptest::EmulatorProcess other;
    wptest::HttpsClient wrongTrust(emulator.authority(), other.caFile());
    CHECK_THROWS(wrongTrust.get("/organizations/v2.0/.well-known/openid-configuration"));
}

TEST_CASE("--auto-approve approves device codes as the seeded Global Administrator (or --as)") {
    wptest::EmulatorProcess::Options options;
    options.extraArgs = {"--auto-approve", "0", "--as", "pra@contoso.onmicrosoft.com"};
    wptest::EmulatorProcess emulator(options);
    auto issued = emulator.client().postForm(
        "/organizations/oauth2/v2.0/devicecode",
        {{"client_id", "14d82eec-204b-4c2f-b7e8-296a70dab67e"}, {"scope", "User.Read"}});
    REQUIRE_MESSAGE(issued.status == 200, issued.body);
    std::string status;
    for (int i = 0; i < 50 && status != "approved"; ++i) {
        std::this_thread::sleep_for(std::chrono::milliseconds(100));
        status = emulator.deviceCodes().at(0).value("status", "");
    }
    CHECK(status == "approved");
    CHECK(emulator.deviceCodes().at(0)["upn"] == "pra@contoso.onmicrosoft.com");
}

TEST_CASE("a seed file defines tenants, users and roles - a bad one stops the emulator with a message") {
    const auto dir = std::filesystem::temp_directory_path() / ("emu-seed-" + std::to_string(::getpid()));
    std::filesystem::create_directories(dir);
    {
        std::ofstream seed(dir / "seed.json");
        seed
            << R"({"tenants":[{"displayName":"Fabrikam","domains":["fabrikam.onmicrosoft.com","fabrikam.com"],
                   "users":[{"userPrincipalName":"ga@fabrikam.com","roles":["Global Administrator"]}]}]})";
        std::ofstream bad(dir / "bad.json");
        bad << R"({"tenants":[{"displayName":"X","domains":["x.example.com"]}]})";
    }
    wptest::EmulatorProcess::Options options;
    options.extraArgs = {"--seed", (dir / "seed.json").string()};
    {
        wptest::EmulatorProcess emulator(options);
        CHECK(emulator.tenantDomain() == "fabrikam.onmicrosoft.com");
        auto state = emulator.state();
        CHECK(state["tenants"][0]["users"][0]["roleTemplateIds"][0] ==
              "62e90394-69f5-4237-9190-012177145e10");
        CHECK(emulator.client().get("/fabrikam.com/v2.0/.well-known/openid-configuration").status == 200);
    }
    options.extraArgs = {"--seed", (dir / "bad.json").string()};
    options.stderrFile = (dir / "stderr.txt").string();
    CHECK_THROWS_AS(wptest::EmulatorProcess{options}, std::runtime_error);
    std::ifstream err(dir / "stderr.txt");
    std::string text((std::istreambuf_iterator<char>(err)), std::istreambuf_iterator<char>());
    CHECK(text.find("onmicrosoft.com") != std::string::npos);
    std::filesystem::remove_all(dir);
}

TEST_CASE("--state-dir keeps the CA across restarts so clients keep trusting it") {
    const auto dir = std::filesystem::temp_directory_path() / ("emu-state-" + std::to_string(::getpid()));
    wptest::EmulatorProcess::Options options;
    options.extraArgs = {"--state-dir", dir.string()};
    std::string firstCa;
    {
        wptest::EmulatorProcess first(options);
        CHECK(first.caFile() == (dir / "ca.pem").string());
        std::ifstream in(first.caFile());
        firstCa.assign(std::istreambuf_iterator<char>(in), std::istreambuf_iterator<char>());
    }
    wptest::EmulatorProcess second(options);
    std::ifstream in(second.caFile());
    CHECK(std::string(std::istreambuf_iterator<char>(in), std::istreambuf_iterator<char>()) == firstCa);
    CHECK(second.client().get("/organizations/v2.0/.well-known/openid-configuration").status == 200);
    CHECK((std::filesystem::status(dir / "ca-key.pem").permissions() & std::filesystem::perms::others_read) ==
          std::filesystem::perms::none);
    std::filesystem::remove_all(dir);
}
