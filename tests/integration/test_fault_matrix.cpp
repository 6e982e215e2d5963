// The fault matrix: each HTTP step of setup and of acquire-credentials meets each fault the emulator can
// inject (once), through the real stub host. Every cell must end in success (the fault absorbed) or a
// clean failure: a stable error code, no application, service principal or grant the stores do not
// account for, and stores unchanged. The measured matrix is compared with the committed
// docs/reliability.md (WP_UPDATE_RELIABILITY_DOC=1 rewrites it instead).
#include "stub_host.h"

#include <doctest/doctest.h>

#include <cstdlib>
#include <fstream>
#include <map>
#include <mutex>
#include <regex>
#include <sstream>
#include <thread>

namespace {

struct Fault {
    std::string name;
    nlohmann::json spec; ///< kind/status/retry_after/delay_ms, as POST /_emulator/faults takes them
};

const std::vector<Fault>& faults() {
    static const std::vector<Fault> all{
        {"429 + Retry-After: 1", {{"kind", "status"}, {"status", 429}, {"retry_after", "1"}}},
        {"500", {{"kind", "status"}, {"status", 500}}},
        {"503", {{"kind", "status"}, {"status", 503}}},
        {"delay 2 s", {{"kind", "delay"}, {"delay_ms", 2000}}},
        {"connection reset", {{"kind", "reset"}}},
        {"malformed JSON", {{"kind", "malformed"}}},
        {"truncated body", {{"kind", "truncate"}}},
    };
    return all;
}

struct Step {
    std::string action; ///< "setup" or "acquire"
    std::string name;
    std::string method;
    std::string path; ///< fnmatch pattern of the emulator's fault injector
};

const std::vector<Step>& steps() {
    static const std::vector<Step> all{
        {"setup", "request a device code", "POST", "*/oauth2/v2.0/devicecode"},
        {"setup", "poll for the admin token", "POST", "*/oauth2/v2.0/token"},
        {"setup", "read the organization", "GET", "/v1.0/organization*"},
        {"setup", "resolve the resource service principals", "GET", "/v1.0/servicePrincipals*"},
        {"setup", "create the application", "POST", "/v1.0/applications"},
        {"setup", "create its service principal", "POST", "/v1.0/servicePrincipals"},
        {"setup", "grant the permissions ($batch)", "POST", "/v1.0/$batch"},
        {"acquire", "app-only token", "POST", "*/oauth2/v2.0/token"},
    };
    return all;
}

struct Cell {
    std::size_t step = 0;
    std::size_t fault = 0;
    std::string outcome; ///< "absorbed", "clean failure" or "LEFT A MESS"
    std::string detail;  ///< the error code of a failure, or what was left behind
};

/// Objects named `name` in the tenant: applications, and service principals of any app of that name.
nlohmann::json leftovers(const wptest::EmulatorProcess& emulator, const std::string& name) {
    auto state = emulator.state();
    nlohmann::json found = nlohmann::json::array();
    for (const auto& application : state.value("applications", nlohmann::json::array()))
        if (application.value("displayName", "") == name)
            found.push_back("application " + application.value("id", ""));
    for (const auto& principal : state.value("servicePrincipals", nlohmann::json::array()))
        if (principal.value("displayName", "") == name)
            found.push_back("servicePrincipal " + principal.value("id", ""));
    return found;
}

Cell runSetupCell(const wptest::EmulatorProcess& emulator, std::size_t step, std::size_t fault) {
    Cell cell{step, fault, {}, {}};
    const std::string name = "fault-matrix-" + std::to_string(step) + "-" + std::to_string(fault);
    m365it::StubHost host(emulator, name);
    auto spec = faults()[fault].spec;
    spec["method"] = steps()[step].method;
    spec["path"] = steps()[step].path;
    spec["count"] = 1;
    emulator.addFault(spec);
    auto run = host.run(host.setupArgs({"workloads=onedrive", "app_name=" + name, "verify_timeout_s=20"}), {},
                        std::chrono::seconds(120));
    emulator.clearFaults();
    auto left = leftovers(emulator, name);
    auto stored = host.storedKeys();
    if (run.exitCode == 0) {
        bool consistent = left.size() == 2 && stored.size() == 2; // app + SP; instance record + credential
        cell.outcome = consistent ? "absorbed" : "LEFT A MESS";
        cell.detail =
            consistent ? "" : left.dump() + " / " + std::to_string(stored.size()) + " stored key(s)";
    } else {
        bool clean = left.empty() && stored.empty();
        cell.outcome = clean ? "clean failure" : "LEFT A MESS";
        cell.detail = run.errorCode() + (clean ? "" : " " + left.dump());
    }
    return cell;
}

Cell runAcquireCell(const wptest::EmulatorProcess& emulator, m365it::StubHost& host, std::size_t step,
                    std::size_t fault) {
    Cell cell{step, fault, {}, {}};
    auto before = host.configValue("instance");
    auto spec = faults()[fault].spec;
    spec["method"] = steps()[step].method;
    spec["path"] = steps()[step].path;
    spec["count"] = 1;
    emulator.addFault(spec);
    auto run = host.run({"acquire", "--resource", "graph", "--bypass-cache"}, {}, std::chrono::seconds(120));
    emulator.clearFaults();
    bool unchanged = host.configValue("instance") == before;
    if (run.exitCode == 0) {
        cell.outcome = unchanged ? "absorbed" : "LEFT A MESS";
    } else {
        cell.outcome = unchanged ? "clean failure" : "LEFT A MESS";
        cell.detail = run.errorCode();
    }
    return cell;
}

/// A truncated answer to the first poll is retried while the sign-in is still pending, but ends the
/// sign-in when it carried the token (a device code is redeemed once): which one depends on whether the
/// emulator's auto-approval came first. Nothing is left behind either way.
constexpr const char* kEitherOutcome = "absorbed or clean failure (timing)";
bool timingDependent(const Cell& cell) {
    return steps()[cell.step].name == "poll for the admin token" &&
           faults()[cell.fault].name == "truncated body";
}

std::string renderMatrix(const std::vector<Cell>& cells) {
    std::map<std::pair<std::size_t, std::size_t>, const Cell*> byPosition;
    for (const auto& cell : cells)
        byPosition[{cell.step, cell.fault}] = &cell;
    std::ostringstream out;
    out << "# Reliability: the fault matrix\n\n"
        << "Generated by `tests/integration/test_fault_matrix.cpp` (the test fails when this file differs "
           "from\n"
        << "what it measured; `WP_UPDATE_RELIABILITY_DOC=1` rewrites it). Each HTTP step of setup and of\n"
        << "acquire-credentials meets each fault of the emulator once (the first matching request), through "
           "the\n"
        << "real stub host and module. **absorbed**: the action succeeded, the fault was retried away (see\n"
        << "docs/errors.md for the retry policy). **clean failure**: the action failed with the error code "
           "shown\n"
        << "and left nothing behind (no application or service principal in the tenant, nothing stored). No\n"
        << "cell may read LEFT A MESS.\n\n"
        << "| Action | Step (request) |";
    for (const auto& fault : faults())
        out << " " << fault.name << " |";
    out << "\n|---|---|";
    for (std::size_t i = 0; i < faults().size(); ++i)
        out << "---|";
    out << "\n";
    for (std::size_t s = 0; s < steps().size(); ++s) {
        const auto& step = steps()[s];
        out << "| " << step.action << " | " << step.name << " (`" << step.method << " " << step.path
            << "`) |";
        for (std::size_t f = 0; f < faults().size(); ++f) {
            auto found = byPosition.find({s, f});
            if (found == byPosition.end()) {
                out << " not run |";
                continue;
            }
            const Cell& cell = *found->second;
            if (timingDependent(cell) && cell.outcome != "LEFT A MESS") {
                out << " " << kEitherOutcome << " |";
                continue;
            }
            out << " " << cell.outcome;
            if (cell.outcome != "absorbed" && !cell.detail.empty())
                out << " (`" << cell.detail << "`)";
            out << " |";
        }
        out << "\n";
    }
    out << "\nNotes: the device-code request is sent once (a failure ends the sign-in before anything was\n"
        << "created; the administrator runs the action again), and an unreadable answer to the token poll\n"
        << "ends the sign-in the same way. The error codes of failed cells may vary from run to run (e.g.\n"
        << "whether the poll was still pending); the test compares the outcomes.\n\n"
        << "Not covered yet: a delay beyond the client's read timeout (60 s, not settable), and the HTTP\n"
        << "steps of update, rotate and remove.\n";
    return out.str();
}

/// The matrix without the error codes of failed cells, which may vary between runs.
std::string outcomesOnly(const std::string& text) {
    static const std::regex kDetail(R"( \(`[^`]*`\) \|)");
    return std::regex_replace(text, kDetail, " |");
}

} // namespace

TEST_CASE("fault matrix - every step of setup and acquire absorbs each fault or fails cleanly") {
    // The setup cells are split over a few emulators (a fault is global to one emulator, so the cells of
    // one emulator run one after another).
    constexpr std::size_t kEmulators = 6;
    std::vector<std::pair<std::size_t, std::size_t>> setupCells;
    for (std::size_t s = 0; s < steps().size(); ++s)
        if (steps()[s].action == "setup")
            for (std::size_t f = 0; f < faults().size(); ++f)
                setupCells.emplace_back(s, f);

    std::mutex mutex;
    std::vector<Cell> cells;
    std::vector<std::string> failures;
    std::vector<std::thread> workers;
    for (std::size_t e = 0; e < kEmulators; ++e) {
        workers.emplace_back([&, e] {
            try {
                wptest::EmulatorProcess emulator(m365it::emulatorOptions("admin@contoso.onmicrosoft.com", 0));
                for (std::size_t i = e; i < setupCells.size(); i += kEmulators) {
                    auto cell = runSetupCell(emulator, setupCells[i].first, setupCells[i].second);
                    std::lock_guard<std::mutex> lock(mutex);
                    cells.push_back(cell);
                }
                if (e == 0) { // the acquire cells on one configured instance
                    m365it::StubHost host(emulator, "fault-matrix-acquire");
                    auto setup = host.run(host.setupArgs({"workloads=onedrive"}));
                    if (setup.exitCode != 0)
                        throw std::runtime_error("setup for the acquire cells failed: " + setup.err);
                    for (std::size_t s = 0; s < steps().size(); ++s)
                        if (steps()[s].action == "acquire")
                            for (std::size_t f = 0; f < faults().size(); ++f) {
                                auto cell = runAcquireCell(emulator, host, s, f);
                                std::lock_guard<std::mutex> lock(mutex);
                                cells.push_back(cell);
                            }
                }
            } catch (const std::exception& error) {
                std::lock_guard<std::mutex> lock(mutex);
                failures.push_back(error.what());
            }
        });
    }
    for (auto& worker : workers)
        worker.join();
    for (const auto& failure : failures)
        FAIL_CHECK(failure);
    for (const auto& cell : cells) {
        CAPTURE(steps()[cell.step].name);
        CAPTURE(faults()[cell.fault].name);
        CAPTURE(cell.detail);
        CHECK(cell.outcome != "LEFT A MESS");
    }

    const std::string measured = renderMatrix(cells);
    const char* update = std::getenv("WP_UPDATE_RELIABILITY_DOC");
    if (update != nullptr && std::string(update) == "1") {
        std::ofstream(WP_RELIABILITY_DOC) << measured;
        MESSAGE("rewrote " WP_RELIABILITY_DOC);
        return;
    }
    std::string committed = m365it::readFile(WP_RELIABILITY_DOC);
    CHECK_MESSAGE(outcomesOnly(committed) == outcomesOnly(measured),
                  "docs/reliability.md differs from the measured matrix:\n"
                      << measured);
}
