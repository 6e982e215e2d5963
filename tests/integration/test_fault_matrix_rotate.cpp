// The fault matrix of configure --action rotate (see test_fault_matrix.cpp): one configured instance per
// worker, rotated again and again (no administrator: the current certificate signs the proofs).
#include "test_fault_matrix_support.h"

#include <doctest/doctest.h>

using namespace faultmatrix;

namespace {

const std::vector<Step>& rotateSteps() {
    static const std::vector<Step> all{
        {"app-only token with the current key",
         {{"method", "POST"}, {"path", "*/oauth2/v2.0/token"}, {"body", "*grant_type=client_credentials*"}}},
        {"add the new key (addKey)", {{"method", "POST"}, {"path", "/v1.0/applications/*/addKey"}}},
        {"verify the new key (app-only token)",
         {{"method", "POST"},
          {"path", "*/oauth2/v2.0/token"},
          {"body", "*grant_type=client_credentials*"},
          {"skip", 1}}},
        {"read the keys before removing", {{"method", "GET"}, {"path", "/v1.0/applications/*"}}},
        {"remove the old key (removeKey)", {{"method", "POST"}, {"path", "/v1.0/applications/*/removeKey"}}},
    };
    return all;
}

class RotateWorker : public ActionWorker {
public:
    RotateWorker()
        : ActionWorker(rotateSteps(), quickApprovalOptions()), _host(_emulator, "fault-matrix-rotate") {
        auto setup = _host.run(_host.setupArgs({"workloads=onedrive"}));
        if (setup.exitCode != 0)
            throw std::runtime_error("setup for the rotate cells failed: " + setup.err);
    }

private:
    m365it::StubHost& prepare() override { return _host; }
    m365it::HostRun act(m365it::StubHost& host, const Fault& fault) override {
        return host.run({"configure", "--action", "rotate", "--set", "verify_timeout_s=60"},
                        faultEnvironment(fault), std::chrono::seconds(150));
    }

    m365it::StubHost _host;
};

} // namespace

TEST_CASE("fault matrix - every step of rotate absorbs each fault or fails cleanly") {
    std::vector<std::string> failures;
    auto cells = runMatrix(
        rotateSteps(), {}, 4, [] { return std::make_unique<RotateWorker>(); }, failures);
    checkAndDocument("rotate", rotateSteps(), cells, failures, renderTable("rotate", rotateSteps(), cells));
}
