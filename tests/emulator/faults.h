// Fault injection (POST /_emulator/faults): for the next `count` requests matching a method, a path glob
// and a body glob (after letting the first `skip` matching requests pass), answer with a status
// (+ Retry-After), add a delay, reset the connection, truncate the body or send a malformed body.
// Consulted by the HTTPS server before dispatching a request.
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
    std::string body = "*";   ///< glob against the raw request body, e.g. "*grant_type=client_credentials*"
    int skip = 0;             ///< matching requests that pass untouched before the rule applies
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
    /// The first rule matching (method, path, body) whose skip is used up, with its count decremented;
    /// matching rules before it that still skip count the request down (rules after it do not see it: a
    /// faulted request does not count as one of theirs). nullopt when none applies.
    /// Paths under /_emulator/ never match.
    std::optional<Fault> take(const std::string& method, const std::string& path,
                              const std::string& body = {});

private:
    mutable std::mutex _mutex;
    std::vector<Fault> _faults;
};

} // namespace emu
