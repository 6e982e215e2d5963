// /_emulator/...: the test-facing control API (only with --control). JSON in, JSON out; errors are
// {"error":{"code":"control.<reason>","message":"..."}}. Not part of Microsoft's surface.
#include "device_code.h"
#include "identity_routes.h"
#include "state_dump.h"

namespace emu {

namespace {
Response controlError(int status, const std::string& code, const std::string& message) {
    return Response::json(status, {{"error", {{"code", "control." + code}, {"message", message}}}});
}

// Parses the body as a JSON object or answers 400.
std::optional<nlohmann::json> jsonObject(const Request& request, Response& error) {
    auto body =
        nlohmann::json::parse(request.body.empty() ? std::string("{}") : request.body, nullptr, false);
    if (body.is_discarded() || !body.is_object()) {
        error = controlError(400, "bad_json", "the body must be a JSON object");
        return std::nullopt;
    }
    return body;
}

Response listDeviceCodes(ServiceContext& context) {
    nlohmann::json value = nlohmann::json::array();
    auto state = context.directory.lock();
    const TimePoint now = context.clock.now();
    for (const auto& [code, grant] : state->deviceCodes) {
        const bool expired = now >= grant.expiresAt;
        const User* user = grant.userId.empty() ? nullptr : state->findUser(grant.userId);
        value.push_back(
            {{"user_code", grant.userCode},
             {"client_id", grant.clientId},
             {"tenant", grant.tenantSegment},
             {"scope", grant.scope},
             {"status",
              expired && grant.status == DeviceCodeStatus::Pending ? "expired" : toString(grant.status)},
             {"upn", user ? user->userPrincipalName : ""},
             {"redeemed", grant.redeemed},
             {"expires_at", formatIso8601(grant.expiresAt)}});
    }
    return Response::json(200, {{"value", value}});
}

Response decide(ServiceContext& context, const Request& request, bool approve,
                const std::string& defaultApprover) {
    Response error;
    auto body = jsonObject(request, error);
    if (!body)
        return error;
    const std::string userCode = body->value("user_code", std::string());
    if (userCode.empty())
        return controlError(400, "missing_user_code", "user_code is required");
    const std::string upn = body->value("upn", defaultApprover);
    DeviceCodeDecision decision = decideDeviceCode(context, userCode, approve, upn);
    if (!decision.ok)
        return controlError(decision.httpStatus,
                            decision.httpStatus == 404
                                ? "unknown_user_code"
                                : (decision.httpStatus == 409 ? "not_pending" : "bad_user"),
                            decision.message);
    return Response::json(200, {{"user_code", userCode},
                                {"status", approve ? "approved" : "denied"},
                                {"upn", decision.upn},
                                {"message", decision.message}});
}

Response addFault(FaultInjector& faults, const Request& request) {
    Response error;
    auto body = jsonObject(request, error);
    if (!body)
        return error;
    try {
        Fault fault = FaultInjector::fromJson(*body);
        faults.add(fault);
        return Response::json(201, FaultInjector::toJson(fault));
    } catch (const std::exception& e) {
        return controlError(400, "bad_fault", e.what());
    }
}

Response listFaults(FaultInjector& faults) {
    nlohmann::json value = nlohmann::json::array();
    for (const auto& fault : faults.list())
        value.push_back(FaultInjector::toJson(fault));
    return Response::json(200, {{"value", value}});
}

nlohmann::json clockJson(const Clock& clock) {
    return {{"offset_seconds", clock.offset().count()}, {"now", formatIso8601(clock.now())}};
}

Response setClock(ServiceContext& context, const Request& request) {
    Response error;
    auto body = jsonObject(request, error);
    if (!body)
        return error;
    auto it = body->find("offset_seconds");
    if (it == body->end() || !it->is_number_integer())
        return controlError(400, "bad_offset", "offset_seconds must be an integer");
    context.clock.setOffset(std::chrono::seconds(it->get<std::int64_t>()));
    return Response::json(200, clockJson(context.clock));
}

Response setReplication(ServiceContext& context, const Request& request) {
    Response error;
    auto body = jsonObject(request, error);
    if (!body)
        return error;
    auto it = body->find("delay_ms");
    if (it == body->end() || !it->is_number_integer() || it->get<std::int64_t>() < 0)
        return controlError(400, "bad_delay", "delay_ms must be a non-negative integer");
    context.directory.setReplicationDelay(std::chrono::milliseconds(it->get<std::int64_t>()));
    return Response::json(200, {{"delay_ms", context.directory.replicationDelay().count()}});
}

Response stats(const Router& router) {
    nlohmann::json requests = nlohmann::json::object();
    for (const auto& [name, count] : router.stats().snapshot())
        if (name.find("/_emulator/") == std::string::npos)
            requests[name] = count;
    return Response::json(200, {{"requests", requests}});
}
} // namespace

void registerControlRoutes(Router& router, ServiceContext& context, ControlTargets targets) {
    FaultInjector& faults = targets.faults;
    const Router& statsSource = targets.router;
    const std::string approver = targets.defaultApprover;
    router.add("GET", "/_emulator/devicecodes",
               [&context](const Request&) { return listDeviceCodes(context); });
    router.add("POST", "/_emulator/devicecodes/approve",
               [&context, approver](const Request& r) { return decide(context, r, true, approver); });
    router.add("POST", "/_emulator/devicecodes/deny",
               [&context, approver](const Request& r) { return decide(context, r, false, approver); });
    router.add("GET", "/_emulator/faults", [&faults](const Request&) { return listFaults(faults); });
    router.add("POST", "/_emulator/faults", [&faults](const Request& r) { return addFault(faults, r); });
    router.add("DELETE", "/_emulator/faults", [&faults](const Request&) {
        faults.clear();
        return Response::noContent();
    });
    router.add("GET", "/_emulator/clock",
               [&context](const Request&) { return Response::json(200, clockJson(context.clock)); });
    router.add("POST", "/_emulator/clock", [&context](const Request& r) { return setClock(context, r); });
    router.add("GET", "/_emulator/replication", [&context](const Request&) {
        return Response::json(200, {{"delay_ms", context.directory.replicationDelay().count()}});
    });
    router.add("POST", "/_emulator/replication",
               [&context](const Request& r) { return setReplication(context, r); });
    router.add("GET", "/_emulator/state",
               [&context](const Request&) { return Response::json(200, dumpState(context.directory)); });
    router.add("GET", "/_emulator/stats", [&statsSource](const Request&) { return stats(statsSource); });
    router.add("POST", "/_emulator/stats/reset", [&statsSource](const Request&) {
        statsSource.stats().reset();
        return Response::noContent();
    });
}

} // namespace emu
