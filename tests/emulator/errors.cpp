#include "errors.h"

#include "clock.h"
#include "crypto.h"

#include <chrono>
#include <string>

namespace emu {

namespace {
std::string clientRequestId(const Request& request) {
    std::string id = request.header("client-request-id");
    return id.empty() ? newGuid() : id;
}
std::string requestIdOf(const Request& request) {
    return request.requestId.empty() ? newGuid() : request.requestId;
}
} // namespace

Response graphError(int status, std::string_view code, std::string_view message, const Request& request) {
    const std::string requestId = requestIdOf(request);
    const std::string clientId = clientRequestId(request);
    nlohmann::json body = {{"error",
                            {{"code", code},
                             {"message", message},
                             {"innerError",
                              {{"date", formatGraphDate(std::chrono::system_clock::now())},
                               {"request-id", requestId},
                               {"client-request-id", clientId}}}}}};
    Response response = Response::json(status, body);
    response.headers["request-id"] = requestId;
    response.headers["client-request-id"] = clientId;
    return response;
}

Response entraError(int httpStatus, std::string_view error, int aadsts, std::string_view description,
                    const Request& request) {
    const std::string traceId = requestIdOf(request);
    const std::string correlationId = clientRequestId(request);
    const std::string timestamp = formatEntraTimestamp(std::chrono::system_clock::now());
    std::string text = "AADSTS" + std::to_string(aadsts) + ": " + std::string(description) +
                       "\r\nTrace ID: " + traceId + "\r\nCorrelation ID: " + correlationId +
                       "\r\nTimestamp: " + timestamp;
    nlohmann::json body = {
        {"error", error},
        {"error_description", text},
        {"error_codes", {aadsts}},
        {"timestamp", timestamp},
        {"trace_id", traceId},
        {"correlation_id", correlationId},
        {"error_uri", "https://login.microsoftonline.com/error?code=" + std::to_string(aadsts)}};
    Response response = Response::json(httpStatus, body);
    response.headers["Cache-Control"] = "no-store, no-cache";
    response.headers["Pragma"] = "no-cache";
    response.headers["x-ms-request-id"] = traceId;
    return response;
}

} // namespace emu
