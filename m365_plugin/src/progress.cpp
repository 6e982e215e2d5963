#include "progress.h"

#include "json_util.h"

#include <cstdio>

namespace m365 {

Progress::Step::Step(Progress& progress, std::string name, std::string description)
    : _progress(progress), _name(std::move(name)), _description(std::move(description)),
      _started(std::chrono::steady_clock::now()) {
    _progress.info(_description + "...");
    _progress.emit(_name, "started", 0, {});
}

Progress::Step::~Step() {
    if (!_finished) {
        auto elapsed = std::chrono::duration_cast<std::chrono::milliseconds>(
            std::chrono::steady_clock::now() - _started);
        _progress._host.log(wp::LogLevel::Warn, _description + " failed");
        _progress.emit(_name, "failed", elapsed.count(), {});
    }
}

void Progress::Step::done(const std::string& detail) {
    if (_finished)
        return;
    _finished = true;
    auto elapsed =
        std::chrono::duration_cast<std::chrono::milliseconds>(std::chrono::steady_clock::now() - _started);
    char seconds[32];
    std::snprintf(seconds, sizeof seconds, "%.1f s", static_cast<double>(elapsed.count()) / 1000.0);
    _progress.info(_description + ": done (" + seconds + ")" + (detail.empty() ? "" : ", " + detail));
    _progress.emit(_name, "done", elapsed.count(), detail);
}

void Progress::waiting(const std::string& what, std::chrono::milliseconds wait) {
    char seconds[32];
    std::snprintf(seconds, sizeof seconds, "%.1f", static_cast<double>(wait.count()) / 1000.0);
    info(std::string("waiting ") + seconds + " s: " + what);
    _call.event("{\"event\":\"wait\",\"what\":" + json::quote(what) +
                ",\"wait_ms\":" + std::to_string(wait.count()) + "}");
}

void Progress::emit(const std::string& step, const char* state, long long elapsedMs,
                    const std::string& detail) {
    std::string event = "{\"event\":\"step\",\"step\":" + json::quote(step) + ",\"state\":\"" + state +
                        "\",\"elapsed_ms\":" + std::to_string(elapsedMs);
    if (!detail.empty())
        event += ",\"detail\":" + json::quote(detail);
    _call.event(event + "}");
}

} // namespace m365
