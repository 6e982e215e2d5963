// Fault injection (POST /_emulator/faults): for the next `count` requests matching a method and a
// path glob, answer with a status (+ Retry-After), add a delay, reset the connection, truncate the
// body or send a malformed body. Consulted by the HTTPS server before dispatching a request.
#pragma once

#include <nlohmann/json.hpp>

#include <mutex>
#include <optional>
#include <string>
#include <vector>

namespace emu {

enum class FaultKind { Status, Delay, Reset, Truncate, Malformed };

struct Fault {
    std::string method = "*"; ///< "*" matches every method
    std::string path = "*";   ///< glob ('*' also matches '/', '?' one character) against the path
    FaultKind kind = FaultKind::Status;
    int status = 503;       ///< for Status (and the status line of Truncate/Malformed when not 200)
    std::string retryAfter; ///< Retry-After header value, e.g. "1.5"; empty = none
    int delayMs = 0;        ///< added before answering (every kind)
    int remaining = 1;      ///< requests left; the rule disappears at 0
};

class FaultInjector {
public:
    /// Parses the control API body; throws std::invalid_argument with a readable message.
    static Fault fromJson(const nlohmann::json& body);
    static nlohmann::json toJson(const Fault& fault);

    void add(Fault fault);
    void clear();
    std::vector<Fault> list() const;
    /// The first rule matching (method, path), with its count decremented; nullopt when none.
    /// Paths under /_emulator/ never match.
    std::optional<Fault> take(const std::string& method, const std::string& path);

private:
    mutable std::mutex _mutex;
    std::vector<Fault> _faults;
};

} // namespace emu
