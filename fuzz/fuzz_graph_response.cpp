// Fuzzes what Microsoft Graph answers: error bodies (parseGraphErrorBody, graphError with the status and
// Retry-After the first bytes choose) and success bodies as the plugin decodes them, through the REAL
// GraphClient over a scripted transport (fetchOrganization, findApplicationsByMarker).  Contract: bad
// bytes end in a value or a wp::Error with a stable code; nothing else escapes.
#include "app_registration.h"
#include "entra_error.h"
#include "graph_client.h"
#include "tenant_directory.h"

#include <wp/error.hpp>

#include <cstddef>
#include <cstdint>
#include <cstdlib>
#include <memory>
#include <string>
#include <string_view>

namespace {

constexpr int kStatuses[] = {200, 200, 200, 201, 204, 400, 401, 403, 404, 409, 429, 500, 503};

/// Answers every request with the same scripted response (the plugin's retries see it again).  After
/// kMaxRequests it fails like a cancelled call: with Retry-After 0 the client would otherwise retry
/// without pause for its whole 60 s budget (reported to the owner of graph_client.cpp).
class ScriptedTransport final : public m365::HttpTransport {
public:
    static constexpr int kMaxRequests = 32;
    explicit ScriptedTransport(m365::HttpResponse response) : _response(std::move(response)) {}
    m365::HttpResponse send(const m365::HttpRequest&, const wp::Call*) override {
        if (++_requests > kMaxRequests)
            throw wp::Error(WP_E_CANCELLED, "call.cancelled", "the fuzzer stopped the retries");
        return _response;
    }

private:
    m365::HttpResponse _response;
    int _requests = 0;
};

void checkCode(const wp::Error& error) {
    if (error.code().empty())
        std::abort();
}

} // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
    if (size < 3)
        return 0;
    m365::HttpResponse response;
    response.status = kStatuses[data[0] % std::size(kStatuses)];
    std::size_t retryLength = data[1] % 16;
    bool organization = (data[2] & 1) != 0;
    std::string_view rest(reinterpret_cast<const char*>(data + 3), size - 3);
    if (retryLength <= rest.size()) {
        response.headers.add("Retry-After", std::string(rest.substr(rest.size() - retryLength)));
        rest.remove_suffix(retryLength);
    }
    response.headers.add("request-id", "5f4c9a7e-0c1b-4a52-9d1e-2b7f3c8a6d10");
    response.body = std::string(rest);

    if (auto parsed = m365::parseGraphErrorBody(response.body))
        (void)parsed->innerCode;
    if (!response.ok())
        checkCode(m365::graphError(response, "creating the application"));

    // The client, as setup uses it; the transport answers at once and null call = no real waiting.
    auto transport = std::make_shared<ScriptedTransport>(response);
    m365::SecretBuffer token(std::string_view("fuzz-token"));
    m365::GraphClient graph(transport, "https://graph.microsoft.com/v1.0", token, "fuzz-run", nullptr);
    try {
        if (organization)
            (void)m365::fetchOrganization(graph);
        else
            (void)m365::findApplicationsByMarker(graph, "Backup (contoso)", "wp-run-1234");
    } catch (const wp::Error& e) {
        checkCode(e);
    }
    return 0;
}
