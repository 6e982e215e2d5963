// The fault matrix of setup and acquire-credentials: each HTTP step meets each fault the emulator can
// inject, through the real stub host and module. Every cell must end in success with the tenant exactly as
// the stores account for it (the fault absorbed) or a clean failure: a stable error code, nothing created
// in the tenant, nothing stored. The tables are compared with their sections of docs/reliability.md
// (WP_UPDATE_RELIABILITY_DOC=1 rewrites them). The shared machinery: test_fault_matrix_support.h.
#include "test_fault_matrix_support.h"

#include <doctest/doctest.h>

#include <atomic>

using namespace faultmatrix;

namespace {

const std::vector<Step>& setupSteps() {
    static const std::vector<Step> all{
        {"request a device code", {{"method", "POST"}, {"path", "*/oauth2/v2.0/devicecode"}}},
        {"poll for the admin token", {{"method", "POST"}, {"path", "*/oauth2/v2.0/token"}}},
        {"read the organization", {{"method", "GET"}, {"path", "/v1.0/organization*"}}},
        {"resolve the resource service principals",
         {{"method", "GET"}, {"path", "/v1.0/servicePrincipals*"}}},
        {"create the application", {{"method", "POST"}, {"path", "/v1.0/applications"}}},
        {"create its service principal", {{"method", "POST"}, {"path", "/v1.0/servicePrincipals"}}},
        {"grant the permissions ($batch)", {{"method", "POST"}, {"path", "/v1.0/$batch"}}},
        {"verify the new credential (app-only token)",
         {{"method", "POST"}, {"path", "*/oauth2/v2.0/token"}, {"body", "*grant_type=client_credentials*"}}},
    };
    return all;
}
constexpr std::size_t kPollStep = 1;

/// Each run sets up a new instance with its own application name in the worker's emulator.
class SetupWorker : public ActionWorker {
public:
    SetupWorker() : ActionWorker(setupSteps(), quickApprovalOptions()) {}

private:
    m365it::StubHost& prepare() override {
        static std::atomic<int> runs{0};
        _name = "fault-matrix-setup-" + std::to_string(++runs);
        _host = std::make_unique<m365it::StubHost>(_emulator, _name);
        return *_host;
    }
    m365it::HostRun act(m365it::StubHost& host, const Fault& fault) override {
        return host.run(host.setupArgs({"workloads=onedrive", "app_name=" + _name, "verify_timeout_s=20"}),
                        faultEnvironment(fault), std::chrono::seconds(120));
    }

    std::string _name;
    std::unique_ptr<m365it::StubHost> _host;
};

/// One configured instance for every run: acquire changes nothing.
class AcquireWorker : public ActionWorker {
public:
    AcquireWorker()
        : ActionWorker(acquireSteps(), quickApprovalOptions()), _host(_emulator, "fault-matrix-acquire") {
        auto setup = _host.run(_host.setupArgs({"workloads=onedrive"}));
        if (setup.exitCode != 0)
            throw std::runtime_error("setup for the acquire cells failed: " + setup.err);
    }
    static const std::vector<Step>& acquireSteps() {
        static const std::vector<Step> all{
            {"app-only token", {{"method", "POST"}, {"path", "*/oauth2/v2.0/token"}}},
        };
        return all;
    }

private:
    m365it::StubHost& prepare() override { return _host; }
    m365it::HostRun act(m365it::StubHost& host, const Fault& fault) override {
        return host.run({"acquire", "--resource", "graph", "--bypass-cache"}, faultEnvironment(fault),
                        std::chrono::seconds(120));
    }

    m365it::StubHost _host;
};

} // namespace

TEST_CASE("fault matrix - every step of setup absorbs each fault or fails cleanly") {
    std::vector<std::string> failures;
    auto cells = runMatrix(
        setupSteps(), {kPollStep}, 8, [] { return std::make_unique<SetupWorker>(); }, failures);
    // A lost or unreadable answer to the poll that carried the token ends the sign-in (a device code is
    // redeemed once); while the sign-in is still pending it is retried. Which one depends on whether the
    // emulator's approval came before the first poll.
    std::set<std::pair<std::size_t, std::size_t>> timing;
    for (std::size_t f = 0; f < faults().size(); ++f) {
        const auto& kind = faults()[f].spec.value("kind", "");
        if (faults()[f].beyondTimeout || kind == "reset" || kind == "malformed" || kind == "truncate")
            timing.insert({kPollStep, f});
    }
    checkAndDocument("setup", setupSteps(), cells, failures,
                     renderTable("setup", setupSteps(), cells, timing));
}

TEST_CASE("fault matrix - acquire-credentials absorbs each fault") {
    std::vector<std::string> failures;
    auto cells = runMatrix(
        AcquireWorker::acquireSteps(), {}, 2, [] { return std::make_unique<AcquireWorker>(); }, failures);
    checkAndDocument("acquire", AcquireWorker::acquireSteps(), cells, failures,
                     renderTable("acquire", AcquireWorker::acquireSteps(), cells));
}
