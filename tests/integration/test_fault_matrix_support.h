// test_fault_matrix_support.h -- what the fault matrix test cases share (test_fault_matrix*.cpp): the
// faults (the matrix's columns), how a step (a row) is matched by the emulator's fault injector, the
// tenant and store snapshots a cell is judged by, the consistency check of a successful action, and the
// comparison of each action's table with its section of docs/reliability.md.
//
// A cell ends "absorbed" (the action succeeded and the tenant matches the stores exactly), "clean failure"
// (the action failed with a stable code and neither the tenant nor the stores changed) or "LEFT A MESS".
// Each test case (one per action) first runs every column as ONE action with the fault armed at each of
// its steps at once (each fault hits the first request of its step); when that run is absorbed and every
// fault was consumed, every cell of the column is absorbed. Otherwise each cell of the column runs alone.
// A fault that no request met marks its cell "fault not met" (a broken step pattern), which fails.
// WP_FAULT_MATRIX_TRACE=1 prints one line per action run (armed steps, outcome, time) on stderr.
#pragma once

#include "stub_host.h"

#include <nlohmann/json.hpp>

#include <functional>
#include <map>
#include <set>
#include <string>
#include <vector>

namespace faultmatrix {

struct Fault {
    std::string name;
    nlohmann::json spec;        ///< kind/status/retry_after/delay_ms, as POST /_emulator/faults takes them
    bool beyondTimeout = false; ///< the host runs with M365_PLUGIN_HTTP_TIMEOUT_S=kShortTimeoutSeconds
};

/// The columns: 429 + Retry-After, 500, 503, a delay within the timeout, a delay beyond the read timeout,
/// a reset connection, a malformed and a truncated body.
const std::vector<Fault>& faults();
inline constexpr int kShortTimeoutSeconds = 2;

struct Step {
    std::string name;
    nlohmann::json match;      ///< method, path (glob), optionally body (glob) and skip
    std::string label() const; ///< "read the organization (`GET /v1.0/organization*`)"
};

inline constexpr const char* kAbsorbed = "absorbed";
inline constexpr const char* kCleanFailure = "clean failure";
inline constexpr const char* kMess = "LEFT A MESS";
inline constexpr const char* kNotMet = "fault not met";
inline constexpr const char* kTiming = "absorbed or clean failure (timing)";

struct Cell {
    std::size_t step = 0;
    std::size_t fault = 0;
    std::string outcome; ///< kAbsorbed, kCleanFailure or kMess
    std::string detail;  ///< the error code of a failure, or what was left behind
    std::string log;     ///< the end of the host's stderr when the action was not absorbed (not rendered)
};

/// The fault rule for one cell: the step's match, the fault's kind, count 1.
nlohmann::json faultRule(const Step& step, const Fault& fault);
/// The environment of the stub host for a fault (the short read timeout for "beyond the timeout").
std::map<std::string, std::string> faultEnvironment(const Fault& fault);
/// The armed fault rules of the emulator that no request has used up yet.
nlohmann::json remainingFaults(const wptest::EmulatorProcess& emulator);
/// Emulator options for the matrix: fast polling, approval at once (setup keeps stub_host's defaults).
wptest::EmulatorProcess::Options quickApprovalOptions();

/// The tenant's objects that are not Microsoft's: applications (id, appId, keyIds, declared roles),
/// their service principals, and the role assignments those hold. Sorted, comparable with ==.
nlohmann::json tenantObjects(const wptest::EmulatorProcess& emulator);
/// Every key of the instance's stores with its revision ("config:instance@3"): any write shows.
std::vector<std::string> storeSnapshot(m365it::StubHost& host);
/// "" if the tenant holds exactly what the instance record accounts for (one application with exactly
/// the record's key, its service principal with exactly the record's grants), the secret store exactly
/// the record's credential and no journal is left; otherwise what differs.
std::string inconsistency(const wptest::EmulatorProcess& emulator, m365it::StubHost& host);

/// Runs actions for the cells of one action's matrix. run() arms the fault at each of `steps` (each rule
/// hits the first request of its step), runs the action once and judges it.
class Worker {
public:
    virtual ~Worker() = default;
    virtual Cell run(std::size_t fault, const std::vector<std::size_t>& steps) = 0;
};

/// The usual worker: one emulator; prepare() readies the instance the action runs on (a fresh one or a
/// reused configured one), act() runs the action. A success must leave the tenant exactly as the stores
/// account for it (successProblem), a failure must leave the tenant and the stores as they were.
class ActionWorker : public Worker {
public:
    ActionWorker(const std::vector<Step>& steps, const wptest::EmulatorProcess::Options& options);
    Cell run(std::size_t fault, const std::vector<std::size_t>& steps) override;

protected:
    virtual m365it::StubHost& prepare() = 0;
    virtual m365it::HostRun act(m365it::StubHost& host, const Fault& fault) = 0;
    virtual std::string successProblem(m365it::StubHost& host) { return inconsistency(_emulator, host); }

    wptest::EmulatorProcess _emulator;
    const std::vector<Step>& _steps;
};

/// Every column: first the steps not in `alone` armed together in one run; if that run is absorbed, so
/// are their cells, otherwise each of them runs alone; the `alone` steps (and those matched with "skip")
/// always run alone. Columns are spread over `workers` threads, each with its own worker (its own
/// emulator).
std::vector<Cell> runMatrix(const std::vector<Step>& steps, std::set<std::size_t> alone, std::size_t workers,
                            const std::function<std::unique_ptr<Worker>()>& makeWorker,
                            std::vector<std::string>& failures);

/// The markdown table of one action.
std::string renderTable(const std::string& action, const std::vector<Step>& steps,
                        const std::vector<Cell>& cells,
                        const std::set<std::pair<std::size_t, std::size_t>>& timingDependent = {});

/// Checks the test's cells (none left a mess, none not run) and compares the table with the section
/// `<!-- matrix:NAME -->` ... `<!-- /matrix:NAME -->` of docs/reliability.md (error codes of failed cells
/// may vary between runs and are not compared). WP_UPDATE_RELIABILITY_DOC=1 rewrites the section.
void checkAndDocument(const std::string& section, const std::vector<Step>& steps,
                      const std::vector<Cell>& cells, const std::vector<std::string>& failures,
                      const std::string& table);

} // namespace faultmatrix
