// Fuzzes what the Entra token endpoints answer: a successful token response (parseTokenResponse) and an
// error response (parseEntraErrorBody, entraError with the status and Retry-After the first bytes choose).
// Contract checked: bad bytes end in wp::Error (a stable code) or a parsed value; nothing else escapes,
// and no message echoes the access token.
#include "entra_error.h"
#include "token_client.h"

#include <wp/error.hpp>

#include <cstddef>
#include <cstdint>
#include <cstdlib>
#include <string>
#include <string_view>

namespace {

// Statuses the token endpoint really answers with, so every branch of the error mapping is reached.
/// Longer than any honest message, so containing the whole input means it was echoed.
constexpr std::size_t kEchoLength = 400;

constexpr int kStatuses[] = {200, 400, 401, 403, 404, 429, 500, 502, 503, 504};

void parseSuccess(std::string_view body) {
    try {
        auto token = m365::parseTokenResponse(body, "https://graph.microsoft.com/.default", 1'800'000'000);
        (void)token.token.view();
    } catch (const wp::Error& e) {
        // The body may hold a token: the error must not carry the body.
        if (body.size() > kEchoLength && std::string(e.what()).find(body) != std::string::npos)
            std::abort();
    }
}

void parseError(std::string_view body, int status, std::string_view retryAfter) {
    if (auto parsed = m365::parseEntraErrorBody(body))
        (void)parsed->aadstsCode();
    m365::HttpResponse response;
    response.status = status;
    response.body = std::string(body);
    if (!retryAfter.empty())
        response.headers.add("Retry-After", std::string(retryAfter));
    auto error = m365::entraError(response, "requesting an app-only token");
    if (error.code().empty())
        std::abort(); // every error needs a stable code
    (void)m365::parseRetryAfter(retryAfter);
}

} // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
    if (size < 2)
        return 0;
    int status = kStatuses[data[0] % std::size(kStatuses)];
    // Byte 1 = length of a Retry-After value taken from the end of the input; the rest is the body.
    std::size_t retryLength = data[1] % 16;
    std::string_view rest(reinterpret_cast<const char*>(data + 2), size - 2);
    std::string_view retryAfter;
    if (retryLength <= rest.size()) {
        retryAfter = rest.substr(rest.size() - retryLength);
        rest.remove_suffix(retryLength);
    }
    if (status == 200)
        parseSuccess(rest);
    else
        parseError(rest, status, retryAfter);
    return 0;
}
