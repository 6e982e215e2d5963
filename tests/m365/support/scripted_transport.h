// scripted_transport.h -- an HttpTransport for unit tests: answers from a script (a queue of canned
// responses, or a handler function) and records every request it was sent.
#pragma once

#include "http_transport.h"

#include <deque>
#include <functional>
#include <mutex>
#include <string>
#include <vector>

namespace m365test {

/// A canned response (status + JSON body).
m365::HttpResponse jsonResponse(int status, std::string body);

class ScriptedTransport : public m365::HttpTransport {
public:
    using Handler = std::function<m365::HttpResponse(const m365::HttpRequest&)>;

    /// Queues a response for the next request (used before the handler).
    void enqueue(m365::HttpResponse response);
    /// Answers requests once the queue is empty (default: HTTP 500 with a test-failure marker).
    void setHandler(Handler handler);
    /// Queues a transport failure (the wp::Error is thrown instead of answering).
    void enqueueFailure(wp::Error error);

    m365::HttpResponse send(const m365::HttpRequest& request, const wp::Call* call) override;

    std::vector<m365::HttpRequest> requests() const;
    std::size_t requestCount() const;

private:
    struct Step {
        std::optional<m365::HttpResponse> response;
        std::optional<wp::Error> failure;
    };
    mutable std::mutex _mutex;
    std::deque<Step> _script;
    Handler _handler;
    std::vector<m365::HttpRequest> _requests;
};

/// Decodes an application/x-www-form-urlencoded body into its value for `name` ("" if absent).
std::string formValue(const std::string& body, const std::string& name);

} // namespace m365test
