// The fault matrix of configure --action remove (see test_fault_matrix.cpp): every run removes an instance
// set up for it. Absorbed: the application, its service principal and grants are gone from the tenant and
// the stores are empty. The admin's sign-in is the same flow as setup's (its rows are in the setup table).
#include "test_fault_matrix_support.h"

#include <doctest/doctest.h>

#include <atomic>

using namespace faultmatrix;

namespace {

const std::vector<Step>& removeSteps() {
    static const std::vector<Step> all{
        {"delete the service principal", {{"method", "DELETE"}, {"path", "/v1.0/servicePrincipals/*"}}},
        {"delete the application", {{"method", "DELETE"}, {"path", "/v1.0/applications/*"}}},
    };
    return all;
}

class RemoveWorker : public ActionWorker {
public:
    RemoveWorker() : ActionWorker(removeSteps(), quickApprovalOptions()) {}

private:
    m365it::StubHost& prepare() override {
        static std::atomic<int> runs{0};
        _name = "fault-matrix-remove-" + std::to_string(++runs);
        _host = std::make_unique<m365it::StubHost>(_emulator, _name);
        auto setup = _host->run(_host->setupArgs({"workloads=onedrive", "app_name=" + _name}));
        if (setup.exitCode != 0)
            throw std::runtime_error("setup for a remove cell failed: " + setup.err);
        return *_host;
    }
    m365it::HostRun act(m365it::StubHost& host, const Fault& fault) override {
        return host.run({"configure", "--action", "remove"}, faultEnvironment(fault),
                        std::chrono::seconds(120));
    }
    std::string successProblem(m365it::StubHost& host) override {
        std::string problems;
        auto tenant = tenantObjects(_emulator);
        for (const auto& application : tenant["applications"])
            if (application["displayName"] == _name)
                problems += "application " + application["id"].get<std::string>() + " is still there; ";
        auto stores = storeSnapshot(host);
        if (!stores.empty())
            problems += "the stores still hold " + nlohmann::json(stores).dump() + "; ";
        return problems;
    }

    std::string _name;
    std::unique_ptr<m365it::StubHost> _host;
};

} // namespace

TEST_CASE("fault matrix - every step of remove absorbs each fault or fails cleanly") {
    std::vector<std::string> failures;
    auto cells = runMatrix(
        removeSteps(), {}, 4, [] { return std::make_unique<RemoveWorker>(); }, failures);
    checkAndDocument("remove", removeSteps(), cells, failures, renderTable("remove", removeSteps(), cells));
}
