// test_fault_matrix_support.cpp -- see test_fault_matrix_support.h.
#include "test_fault_matrix_support.h"

#include <doctest/doctest.h>

#include <sys/file.h>

#include <algorithm>
#include <cstdlib>
#include <fcntl.h>
#include <fstream>
#include <iostream>
#include <mutex>
#include <regex>
#include <sstream>
#include <thread>
#include <unistd.h>

namespace faultmatrix {

const std::vector<Fault>& faults() {
    static const std::vector<Fault> all{
        {"429 + Retry-After: 1", {{"kind", "status"}, {"status", 429}, {"retry_after", "1"}}},
        {"500", {{"kind", "status"}, {"status", 500}}},
        {"503", {{"kind", "status"}, {"status", 503}}},
        {"delay 1 s", {{"kind", "delay"}, {"delay_ms", 1000}}}, // within the read timeout (60 s)
        // The answer comes 3 s after the request, the host gives up waiting after 2 s: the service still
        // carries the request out (the emulator sleeps, then handles it) after the client timed out. The
        // margins (1 s either way) keep a loaded machine from turning an ordinary request into a timeout.
        {"delay 3 s, read timeout 2 s", {{"kind", "delay"}, {"delay_ms", 3000}}, true},
        {"connection reset", {{"kind", "reset"}}},
        {"malformed JSON", {{"kind", "malformed"}}},
        {"truncated body", {{"kind", "truncate"}}},
    };
    return all;
}

std::string Step::label() const {
    std::string text = name + " (`" + match.value("method", "*") + " " + match.value("path", "*");
    if (match.contains("body"))
        text += " " + match["body"].get<std::string>();
    if (match.value("skip", 0) > 0)
        text += ", request " + std::to_string(match["skip"].get<int>() + 1);
    return text + "`)";
}

nlohmann::json faultRule(const Step& step, const Fault& fault) {
    nlohmann::json rule = fault.spec;
    for (const auto& [key, value] : step.match.items())
        rule[key] = value;
    rule["count"] = 1;
    return rule;
}

std::map<std::string, std::string> faultEnvironment(const Fault& fault) {
    if (!fault.beyondTimeout)
        return {};
    return {{"M365_PLUGIN_HTTP_TIMEOUT_S", std::to_string(kShortTimeoutSeconds)}};
}

nlohmann::json remainingFaults(const wptest::EmulatorProcess& emulator) {
    auto listed = emulator.client().get("/_emulator/faults").json();
    return listed.value("value", nlohmann::json::array());
}

wptest::EmulatorProcess::Options quickApprovalOptions() {
    auto options = m365it::emulatorOptions("");
    options.extraArgs.insert(options.extraArgs.end(),
                             {"--auto-approve", "0", "--as", "admin@contoso.onmicrosoft.com"});
    return options;
}

nlohmann::json tenantObjects(const wptest::EmulatorProcess& emulator) {
    auto state = emulator.state();
    std::set<std::string> appIds, principalIds;
    nlohmann::json applications = nlohmann::json::array();
    for (const auto& application : state.value("applications", nlohmann::json::array())) {
        std::vector<std::string> keys, declared;
        for (const auto& key : application.value("keyCredentials", nlohmann::json::array()))
            keys.push_back(key.value("keyId", ""));
        for (const auto& resource : application.value("requiredResourceAccess", nlohmann::json::array()))
            for (const auto& access : resource.value("resourceAccess", nlohmann::json::array()))
                declared.push_back(access.value("id", ""));
        std::sort(keys.begin(), keys.end());
        std::sort(declared.begin(), declared.end());
        appIds.insert(application.value("appId", ""));
        applications.push_back({{"id", application.value("id", "")},
                                {"appId", application.value("appId", "")},
                                {"displayName", application.value("displayName", "")},
                                {"keyIds", keys},
                                {"declared", declared}});
    }
    nlohmann::json principals = nlohmann::json::array();
    for (const auto& principal : state.value("servicePrincipals", nlohmann::json::array()))
        if (appIds.count(principal.value("appId", ""))) {
            principalIds.insert(principal.value("id", ""));
            principals.push_back(
                {{"id", principal.value("id", "")}, {"appId", principal.value("appId", "")}});
        }
    nlohmann::json assignments = nlohmann::json::array();
    for (const auto& assignment : state.value("appRoleAssignments", nlohmann::json::array()))
        if (principalIds.count(assignment.value("principalId", "")))
            // Compared by principal, resource and role, not by id: an update's rollback that grants a
            // revoked role again creates an equal assignment with a new id (revokes use the live ids).
            assignments.push_back({{"principalId", assignment.value("principalId", "")},
                                   {"resourceId", assignment.value("resourceId", "")},
                                   {"appRoleId", assignment.value("appRoleId", "")}});
    auto byId = [](const nlohmann::json& a, const nlohmann::json& b) { return a.dump() < b.dump(); };
    std::sort(applications.begin(), applications.end(), byId);
    std::sort(principals.begin(), principals.end(), byId);
    std::sort(assignments.begin(), assignments.end(), byId);
    return {{"applications", applications},
            {"servicePrincipals", principals},
            {"appRoleAssignments", assignments}};
}

std::vector<std::string> storeSnapshot(m365it::StubHost& host) {
    std::vector<std::string> entries;
    for (const auto* listing : {"--secrets", ""}) {
        std::vector<std::string> args{"store", "list"};
        if (*listing != '\0')
            args.push_back(listing);
        for (const auto& entry : host.run(args).ofType("store_entry"))
            entries.push_back(entry.value("store", "") + ":" + entry.value("key", "") + "@" +
                              std::to_string(entry.value("revision", 0)));
    }
    std::sort(entries.begin(), entries.end());
    entries.erase(std::unique(entries.begin(), entries.end()), entries.end());
    return entries;
}

std::string inconsistency(const wptest::EmulatorProcess& emulator, m365it::StubHost& host) {
    auto stored = host.configValue("instance");
    if (!stored)
        return "no instance record";
    auto record = nlohmann::json::parse(*stored);
    const auto& application = record["application"];
    auto tenant = tenantObjects(emulator);
    std::ostringstream problems;
    const nlohmann::json* ours = nullptr;
    for (const auto& candidate : tenant["applications"]) {
        if (candidate["displayName"] != application["display_name"])
            continue;
        if (candidate["id"] == application["object_id"])
            ours = &candidate;
        else
            problems << "another application " << candidate["id"] << " named like the instance; ";
    }
    if (ours == nullptr)
        return problems.str() + "the record's application is not in the tenant";
    if ((*ours)["keyIds"] != nlohmann::json::array({record["certificate"]["key_id"]}))
        problems << "keys " << (*ours)["keyIds"].dump() << " but the record holds "
                 << record["certificate"]["key_id"] << "; ";
    std::vector<std::string> recordRoles;
    for (const auto& permission : record.value("permissions", nlohmann::json::array()))
        recordRoles.push_back(permission.value("app_role_id", ""));
    std::sort(recordRoles.begin(), recordRoles.end());
    std::vector<std::string> declared = (*ours)["declared"];
    if (declared != recordRoles)
        problems << "declared roles " << nlohmann::json(declared).dump() << " differ from the record's; ";
    std::vector<std::string> principals;
    for (const auto& principal : tenant["servicePrincipals"])
        if (principal["appId"] == (*ours)["appId"])
            principals.push_back(principal["id"]);
    if (principals != std::vector<std::string>{application.value("service_principal_id", "")})
        problems << "service principals " << nlohmann::json(principals).dump() << "; ";
    std::vector<std::string> grantedRoles;
    for (const auto& assignment : tenant["appRoleAssignments"])
        if (assignment["principalId"] == application.value("service_principal_id", ""))
            grantedRoles.push_back(assignment["appRoleId"]);
    std::sort(grantedRoles.begin(), grantedRoles.end());
    if (grantedRoles != recordRoles)
        problems << "granted roles " << nlohmann::json(grantedRoles).dump() << " differ from the record's "
                 << nlohmann::json(recordRoles).dump() << "; ";
    std::vector<std::string> secrets, expected{"secret:" + record["certificate"].value("secret_key", "")};
    bool journal = false;
    for (const auto& entry : storeSnapshot(host)) {
        auto key = entry.substr(0, entry.rfind('@'));
        if (key.starts_with("secret:"))
            secrets.push_back(key);
        journal = journal || key == "config:journal";
    }
    if (secrets != expected)
        problems << "secrets " << nlohmann::json(secrets).dump() << "; ";
    if (journal)
        problems << "a journal is left; ";
    return problems.str();
}

namespace {

/// WP_FAULT_MATRIX_TRACE=1: one line per action run on stderr (what was armed, outcome, time).
void trace(const std::string& line) {
    static std::mutex mutex;
    if (std::getenv("WP_FAULT_MATRIX_TRACE") == nullptr)
        return;
    std::lock_guard<std::mutex> lock(mutex);
    std::cerr << "fault matrix: " << line << "\n";
}

std::string errorCodeOf(const m365it::HostRun& run) {
    try {
        return run.errorCode();
    } catch (const std::exception&) {
        return "exit " + std::to_string(run.exitCode); // no result line: killed or crashed
    }
}

} // namespace

ActionWorker::ActionWorker(const std::vector<Step>& steps, const wptest::EmulatorProcess::Options& options)
    : _emulator(options), _steps(steps) {}

Cell ActionWorker::run(std::size_t fault, const std::vector<std::size_t>& steps) {
    auto& host = prepare();
    const auto tenantBefore = tenantObjects(_emulator);
    const auto storesBefore = storeSnapshot(host);
    for (auto step : steps)
        _emulator.addFault(faultRule(_steps[step], faults()[fault]));
    const auto started = std::chrono::steady_clock::now();
    auto result = act(host, faults()[fault]);
    const auto elapsed =
        std::chrono::duration_cast<std::chrono::milliseconds>(std::chrono::steady_clock::now() - started);
    const auto remaining = remainingFaults(_emulator);
    _emulator.clearFaults();

    Cell cell;
    cell.fault = fault;
    if (result.exitCode == 0) {
        auto problem = successProblem(host);
        cell.outcome = problem.empty() ? kAbsorbed : kMess;
        cell.detail = problem;
    } else {
        const bool tenantUnchanged = tenantObjects(_emulator) == tenantBefore;
        const bool storesUnchanged = storeSnapshot(host) == storesBefore;
        cell.outcome = tenantUnchanged && storesUnchanged ? kCleanFailure : kMess;
        cell.detail = errorCodeOf(result);
        if (!tenantUnchanged)
            cell.detail += ": the tenant changed";
        if (!storesUnchanged)
            cell.detail += ": the stores changed";
    }
    if (!remaining.empty() && cell.outcome != kMess) {
        cell.outcome = kNotMet;
        cell.detail = "no request met " + remaining.dump();
    }
    trace(faults()[fault].name + " at " + std::to_string(steps.size()) + " step(s): " + cell.outcome +
          " after " + std::to_string(elapsed.count()) + " ms " + cell.detail.substr(0, 300));
    if (cell.outcome != kAbsorbed)
        cell.log = result.err.substr(result.err.size() > 4000 ? result.err.size() - 4000 : 0);
    return cell;
}

std::vector<Cell> runMatrix(const std::vector<Step>& steps, std::set<std::size_t> alone, std::size_t workers,
                            const std::function<std::unique_ptr<Worker>()>& makeWorker,
                            std::vector<std::string>& failures) {
    // A step found by counting ("skip") runs alone: with other faults armed, retries of other steps
    // would shift the count.
    std::vector<std::size_t> together;
    for (std::size_t s = 0; s < steps.size(); ++s)
        if (steps[s].match.value("skip", 0) > 0)
            alone.insert(s);
    for (std::size_t s = 0; s < steps.size(); ++s)
        if (!alone.count(s))
            together.push_back(s);
    std::mutex mutex;
    std::vector<Cell> cells;
    std::size_t nextColumn = 0;
    std::vector<std::thread> threads;
    for (std::size_t w = 0; w < workers; ++w) {
        threads.emplace_back([&] {
            try {
                auto worker = makeWorker();
                for (;;) {
                    std::size_t fault = 0;
                    {
                        std::lock_guard<std::mutex> lock(mutex);
                        if (nextColumn == faults().size())
                            return;
                        fault = nextColumn++;
                    }
                    std::vector<Cell> column;
                    auto runAlone = [&](std::size_t step) {
                        auto cell = worker->run(fault, {step});
                        cell.step = step;
                        column.push_back(cell);
                    };
                    if (together.size() > 1 && worker->run(fault, together).outcome == kAbsorbed) {
                        for (auto step : together)
                            column.push_back({step, fault, kAbsorbed, {}, {}});
                    } else {
                        for (auto step : together)
                            runAlone(step);
                    }
                    for (auto step : alone)
                        runAlone(step);
                    std::lock_guard<std::mutex> lock(mutex);
                    cells.insert(cells.end(), column.begin(), column.end());
                }
            } catch (const std::exception& error) {
                std::lock_guard<std::mutex> lock(mutex);
                failures.push_back(error.what());
            }
        });
    }
    for (auto& thread : threads)
        thread.join();
    return cells;
}

std::string renderTable(const std::string& action, const std::vector<Step>& steps,
                        const std::vector<Cell>& cells,
                        const std::set<std::pair<std::size_t, std::size_t>>& timingDependent) {
    std::map<std::pair<std::size_t, std::size_t>, const Cell*> byPosition;
    for (const auto& cell : cells)
        byPosition[{cell.step, cell.fault}] = &cell;
    std::ostringstream out;
    out << "| " << action << ": step (request) |";
    for (const auto& fault : faults())
        out << " " << fault.name << " |";
    out << "\n|---|";
    for (std::size_t i = 0; i < faults().size(); ++i)
        out << "---|";
    out << "\n";
    for (std::size_t s = 0; s < steps.size(); ++s) {
        out << "| " << steps[s].label() << " |";
        for (std::size_t f = 0; f < faults().size(); ++f) {
            auto found = byPosition.find({s, f});
            if (found == byPosition.end()) {
                out << " not run |";
                continue;
            }
            const Cell& cell = *found->second;
            if (timingDependent.count({s, f}) && cell.outcome != kMess) {
                out << " " << kTiming << " |";
                continue;
            }
            out << " " << cell.outcome;
            if (cell.outcome != kAbsorbed && !cell.detail.empty())
                out << " (`" << cell.detail << "`)";
            out << " |";
        }
        out << "\n";
    }
    return out.str();
}

namespace {

/// The table without the error codes of failed cells, which may vary between runs.
std::string outcomesOnly(const std::string& text) {
    static const std::regex kDetail(R"( \(`[^`]*`\) \|)");
    return std::regex_replace(text, kDetail, " |");
}

std::string beginMarker(const std::string& section) {
    return "<!-- matrix:" + section + " -->\n";
}
std::string endMarker(const std::string& section) {
    return "<!-- /matrix:" + section + " -->\n";
}

/// The text between the section's markers, nullopt if the document has no such section.
std::optional<std::string> sectionOf(const std::string& document, const std::string& section) {
    auto begin = document.find(beginMarker(section));
    auto end = document.find(endMarker(section));
    if (begin == std::string::npos || end == std::string::npos || end < begin)
        return std::nullopt;
    begin += beginMarker(section).size();
    return document.substr(begin, end - begin);
}

/// Replaces the section (appends it if missing) under an exclusive lock: the test cases of the matrix
/// may rewrite their sections at the same time.
void rewriteSection(const std::string& section, const std::string& table) {
    int fd = ::open(WP_RELIABILITY_DOC, O_RDWR | O_CREAT, 0644);
    REQUIRE(fd >= 0);
    ::flock(fd, LOCK_EX);
    std::string document = m365it::readFile(WP_RELIABILITY_DOC);
    auto begin = document.find(beginMarker(section));
    auto end = document.find(endMarker(section));
    if (begin == std::string::npos || end == std::string::npos)
        document += "\n" + beginMarker(section) + table + endMarker(section);
    else
        document.replace(begin + beginMarker(section).size(), end - begin - beginMarker(section).size(),
                         table);
    std::ofstream(WP_RELIABILITY_DOC, std::ios::trunc) << document;
    ::flock(fd, LOCK_UN);
    ::close(fd);
}

} // namespace

void checkAndDocument(const std::string& section, const std::vector<Step>& steps,
                      const std::vector<Cell>& cells, const std::vector<std::string>& failures,
                      const std::string& table) {
    for (const auto& failure : failures)
        FAIL_CHECK(failure);
    CHECK(cells.size() == steps.size() * faults().size());
    CHECK(failures.empty());
    for (const auto& cell : cells) {
        CAPTURE(steps[cell.step].name);
        CAPTURE(faults()[cell.fault].name);
        CAPTURE(cell.detail);
        CAPTURE(cell.log);
        CHECK((cell.outcome == kAbsorbed || cell.outcome == kCleanFailure));
    }
    const char* update = std::getenv("WP_UPDATE_RELIABILITY_DOC");
    if (update != nullptr && std::string(update) == "1") {
        rewriteSection(section, table);
        MESSAGE("rewrote the " << section << " section of " WP_RELIABILITY_DOC);
        return;
    }
    auto committed = sectionOf(m365it::readFile(WP_RELIABILITY_DOC), section);
    REQUIRE_MESSAGE(committed.has_value(), "docs/reliability.md has no section " << section);
    CHECK_MESSAGE(outcomesOnly(*committed) == outcomesOnly(table),
                  "the " << section << " section of docs/reliability.md differs from the measured matrix:\n"
                         << table);
}

} // namespace faultmatrix
