// The fault matrix of configure --action update (see test_fault_matrix.cpp): one configured instance per
// worker; every update replaces the certificate (validity_days=10 is inside the renewal window) and
// swaps the onedrive workload for sharepoint or back, so each run adds a key, grants, revokes, declares the
// new roles, verifies the new key and removes the replaced key. The admin's sign-in is the same flow as
// setup's (its rows are in the setup table).
#include "test_fault_matrix_support.h"

#include <doctest/doctest.h>

using namespace faultmatrix;

namespace {

const std::vector<Step>& updateSteps() {
    static const std::vector<Step> all{
        {"read the application", {{"method", "GET"}, {"path", "/v1.0/applications/*"}}},
        {"read its grants", {{"method", "GET"}, {"path", "/v1.0/servicePrincipals/*/appRoleAssignments"}}},
        {"add the new key (PATCH keyCredentials)", {{"method", "PATCH"}, {"path", "/v1.0/applications/*"}}},
        {"grant the new permissions ($batch)", {{"method", "POST"}, {"path", "/v1.0/$batch"}}},
        {"revoke the dropped permissions",
         {{"method", "DELETE"}, {"path", "/v1.0/servicePrincipals/*/appRoleAssignedTo/*"}}},
        {"declare the roles (PATCH requiredResourceAccess)",
         {{"method", "PATCH"}, {"path", "/v1.0/applications/*"}, {"skip", 1}}},
        {"verify the new key (app-only token)",
         {{"method", "POST"}, {"path", "*/oauth2/v2.0/token"}, {"body", "*grant_type=client_credentials*"}}},
        {"remove the replaced key (PATCH keyCredentials)",
         {{"method", "PATCH"}, {"path", "/v1.0/applications/*"}, {"skip", 2}}},
    };
    return all;
}

class UpdateWorker : public ActionWorker {
public:
    UpdateWorker()
        : ActionWorker(updateSteps(), quickApprovalOptions()), _host(_emulator, "fault-matrix-update") {
        auto setup = _host.run(_host.setupArgs({"workloads=exchange,onedrive", "validity_days=10"}));
        if (setup.exitCode != 0)
            throw std::runtime_error("setup for the update cells failed: " + setup.err);
    }

private:
    m365it::StubHost& prepare() override { return _host; }
    m365it::HostRun act(m365it::StubHost& host, const Fault& fault) override {
        // The other workload than the instance has now: a failed update changed nothing, so ask again.
        auto record = nlohmann::json::parse(host.configValue("instance").value_or("{}"));
        auto workloads = record.value("workloads", nlohmann::json::array());
        bool hasOneDrive = std::find(workloads.begin(), workloads.end(), "onedrive") != workloads.end();
        auto args =
            host.setupArgs({std::string("workloads=exchange,") + (hasOneDrive ? "sharepoint" : "onedrive"),
                            "validity_days=10"});
        args[2] = "update";
        return host.run(args, faultEnvironment(fault), std::chrono::seconds(150));
    }

    m365it::StubHost _host;
};

} // namespace

TEST_CASE("fault matrix - every step of update absorbs each fault or fails cleanly") {
    std::vector<std::string> failures;
    auto cells = runMatrix(
        updateSteps(), {}, 8, [] { return std::make_unique<UpdateWorker>(); }, failures);
    checkAndDocument("update", updateSteps(), cells, failures, renderTable("update", updateSteps(), cells));
}
