#include "rotation_support.h"

#include "admin_session.h"
#include "token_client.h"

#include <csignal>
#include <cstdlib>
#include <mutex>
#include <set>

#include <unistd.h>

namespace m365 {

namespace {

std::mutex runningMutex;
std::set<std::string>& runningOperations() {
    static std::set<std::string> runs;
    return runs;
}

std::string machineName() {
    char name[256] = {};
    if (::gethostname(name, sizeof(name) - 1) != 0)
        return "unknown";
    return name;
}

constexpr int64_t kForeignJournalStaleSeconds = 15 * 60;

} // namespace

CurrentInstance loadCurrentInstance(const wp::Host& host) {
    // Read the revision first: if the record changes between the two reads, the later compare-and-swap
    // against this revision fails, which is the safe direction.
    auto stored = host.config().get(keys::instance);
    if (!stored)
        throw wp::Error(WP_E_NOT_FOUND, "config.not_configured", "This instance is not configured.",
                        "Run configure --action setup first.");
    CurrentInstance current;
    current.revision = stored->revision;
    current.credential = AppCredential::load(host);
    return current;
}

std::string processOwnerId() {
    return machineName() + ":" + std::to_string(::getpid());
}

bool journalOwnerAlive(const JournalEntry& entry) {
    auto colon = entry.owner.rfind(':');
    if (colon == std::string::npos)
        return false; // no owner recorded (older journals): nobody to wait for
    if (entry.owner.substr(0, colon) != machineName()) {
        auto started = parseIsoTime(entry.startedAt);
        return started != 0 && unixNow() - started < kForeignJournalStaleSeconds;
    }
    auto pid = static_cast<pid_t>(std::strtol(entry.owner.c_str() + colon + 1, nullptr, 10));
    if (pid <= 0)
        return false;
    if (pid == ::getpid()) {
        std::lock_guard<std::mutex> lock(runningMutex);
        return runningOperations().count(entry.runId) != 0;
    }
    return ::kill(pid, 0) == 0 || errno == EPERM;
}

RunningOperation::RunningOperation(std::string runId) : _runId(std::move(runId)) {
    std::lock_guard<std::mutex> lock(runningMutex);
    runningOperations().insert(_runId);
}

RunningOperation::~RunningOperation() {
    std::lock_guard<std::mutex> lock(runningMutex);
    runningOperations().erase(_runId);
}

} // namespace m365
