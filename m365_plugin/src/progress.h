// Step-by-step progress of a configure action, to the host logger (readable) and as call events (JSON):
//   {"event":"step","step":"create_application","state":"started|done|failed","elapsed_ms":412,"detail":"..."}
// Details are user-safe (ids, counts), never secrets.
#pragma once

#include <wp/plugin.hpp>

#include <chrono>
#include <string>

namespace m365 {

class Progress {
public:
    Progress(const wp::Host& host, const wp::Call& call) : _host(host), _call(call) {}

    /// One step, reported as started on construction and failed on destruction unless done() was called.
    class Step {
    public:
        Step(Progress& progress, std::string name, std::string description);
        ~Step();
        Step(const Step&) = delete;
        Step& operator=(const Step&) = delete;
        /// Marks the step done, with an optional short detail ("appId 1234...").
        void done(const std::string& detail = {});

    private:
        Progress& _progress;
        std::string _name;
        std::string _description;
        std::chrono::steady_clock::time_point _started;
        bool _finished = false;
    };

    Step step(std::string name, std::string description) {
        return Step(*this, std::move(name), std::move(description));
    }
    /// A waiting notice ("waiting 2.0 s for replication: ...") as {"event":"wait",...} and an info line.
    void waiting(const std::string& what, std::chrono::milliseconds wait);
    void info(const std::string& message) const { _host.log(wp::LogLevel::Info, message); }
    void warn(const std::string& message) const { _host.log(wp::LogLevel::Warn, message); }
    void debug(const std::string& message) const { _host.log(wp::LogLevel::Debug, message); }
    const wp::Call& call() const noexcept { return _call; }
    const wp::Host& host() const noexcept { return _host; }

private:
    void emit(const std::string& step, const char* state, long long elapsedMs, const std::string& detail);

    const wp::Host& _host;
    const wp::Call& _call;
};

} // namespace m365
