#include "faults.h"

#include <fnmatch.h>

#include <stdexcept>

namespace emu {

namespace {
const char* kindName(FaultKind kind) {
    switch (kind) {
    case FaultKind::Status:
        return "status";
    case FaultKind::Delay:
        return "delay";
    case FaultKind::Reset:
        return "reset";
    case FaultKind::Truncate:
        return "truncate";
    case FaultKind::Malformed:
        return "malformed";
    }
    return "status";
}

FaultKind parseKind(const std::string& name) {
    for (FaultKind kind :
         {FaultKind::Status, FaultKind::Delay, FaultKind::Reset, FaultKind::Truncate, FaultKind::Malformed})
        if (name == kindName(kind))
            return kind;
    throw std::invalid_argument("kind must be one of status, delay, reset, truncate, malformed");
}
} // namespace

Fault FaultInjector::fromJson(const nlohmann::json& body) {
    if (!body.is_object())
        throw std::invalid_argument("the fault must be a JSON object");
    Fault fault;
    fault.method = body.value("method", std::string("*"));
    fault.path = body.value("path", std::string("*"));
    fault.body = body.value("body", std::string("*"));
    fault.skip = body.value("skip", 0);
    fault.kind = parseKind(body.value("kind", std::string("status")));
    fault.status = body.value("status", fault.kind == FaultKind::Status ? 503 : 200);
    if (body.contains("retry_after")) {
        const auto& value = body["retry_after"];
        fault.retryAfter = value.is_string() ? value.get<std::string>() : value.dump();
    }
    fault.delayMs = body.value("delay_ms", 0);
    fault.remaining = body.value("count", 1);
    if (fault.status < 100 || fault.status > 599)
        throw std::invalid_argument("status must be an HTTP status code");
    if (fault.delayMs < 0 || fault.delayMs > 120000)
        throw std::invalid_argument("delay_ms must be between 0 and 120000");
    if (fault.remaining < 1)
        throw std::invalid_argument("count must be at least 1");
    if (fault.skip < 0)
        throw std::invalid_argument("skip must not be negative");
    if (fault.kind == FaultKind::Delay && fault.delayMs == 0)
        throw std::invalid_argument("a delay fault needs delay_ms > 0");
    return fault;
}

nlohmann::json FaultInjector::toJson(const Fault& fault) {
    return {{"method", fault.method},
            {"path", fault.path},
            {"body", fault.body},
            {"skip", fault.skip},
            {"kind", kindName(fault.kind)},
            {"status", fault.status},
            {"retry_after", fault.retryAfter},
            {"delay_ms", fault.delayMs},
            {"count", fault.remaining}};
}

void FaultInjector::add(Fault fault) {
    std::lock_guard lock(_mutex);
    _faults.push_back(std::move(fault));
}

void FaultInjector::clear() {
    std::lock_guard lock(_mutex);
    _faults.clear();
}

std::vector<Fault> FaultInjector::list() const {
    std::lock_guard lock(_mutex);
    return _faults;
}

std::optional<Fault> FaultInjector::take(const std::string& method, const std::string& path,
                                         const std::string& body) {
    if (path.starts_with("/_emulator/"))
        return std::nullopt;
    std::lock_guard lock(_mutex);
    for (auto it = _faults.begin(); it != _faults.end(); ++it) {
        if (it->method != "*" && it->method != method)
            continue;
        if (fnmatch(it->path.c_str(), path.c_str(), 0) != 0)
            continue;
        if (it->body != "*" && fnmatch(it->body.c_str(), body.c_str(), 0) != 0)
            continue;
        if (it->skip > 0) { // this request passes this rule (a later rule may still take it)
            --it->skip;
            continue;
        }
        Fault taken = *it;
        if (--it->remaining <= 0)
            _faults.erase(it);
        return taken;
    }
    return std::nullopt;
}

} // namespace emu
