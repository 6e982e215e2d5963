// scripted_transport.cpp -- see scripted_transport.h.
#include "support/scripted_transport.h"

#include <Poco/URI.h>

namespace m365test {

m365::HttpResponse jsonResponse(int status, std::string body) {
    m365::HttpResponse response;
    response.status = status;
    response.headers.add("Content-Type", "application/json");
    response.body = std::move(body);
    return response;
}

void ScriptedTransport::enqueue(m365::HttpResponse response) {
    std::lock_guard<std::mutex> lock(_mutex);
    _script.push_back(Step{std::move(response), std::nullopt});
}

void ScriptedTransport::enqueueFailure(wp::Error error) {
    std::lock_guard<std::mutex> lock(_mutex);
    _script.push_back(Step{std::nullopt, std::move(error)});
}

void ScriptedTransport::setHandler(Handler handler) {
    std::lock_guard<std::mutex> lock(_mutex);
    _handler = std::move(handler);
}

m365::HttpResponse ScriptedTransport::send(const m365::HttpRequest& request, const wp::Call* call) {
    if (call != nullptr && call->cancelled())
        throw wp::Error(WP_E_CANCELLED, "call.cancelled", "the operation was cancelled");
    Handler handler;
    {
        std::lock_guard<std::mutex> lock(_mutex);
        _requests.push_back(request);
        if (!_script.empty()) {
            Step step = std::move(_script.front());
            _script.pop_front();
            if (step.failure)
                throw *step.failure;
            return *step.response;
        }
        handler = _handler;
    }
    if (handler)
        return handler(request);
    return jsonResponse(500, R"({"error":"test_script_exhausted"})");
}

std::vector<m365::HttpRequest> ScriptedTransport::requests() const {
    std::lock_guard<std::mutex> lock(_mutex);
    return _requests;
}

std::size_t ScriptedTransport::requestCount() const {
    std::lock_guard<std::mutex> lock(_mutex);
    return _requests.size();
}

std::string formValue(const std::string& body, const std::string& name) {
    std::size_t start = 0;
    while (start <= body.size()) {
        std::size_t end = body.find('&', start);
        if (end == std::string::npos)
            end = body.size();
        std::string pair = body.substr(start, end - start);
        std::size_t equals = pair.find('=');
        if (pair.substr(0, equals) == name) {
            std::string value = equals == std::string::npos ? std::string() : pair.substr(equals + 1);
            for (char& c : value)
                if (c == '+')
                    c = ' ';
            std::string decoded;
            Poco::URI::decode(value, decoded);
            return decoded;
        }
        start = end + 1;
    }
    return {};
}

} // namespace m365test
