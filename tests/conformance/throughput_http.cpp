// See throughput_http.h.
#include "throughput_http.h"

#include <Poco/Net/HTTPRequest.h>
#include <Poco/Net/HTTPResponse.h>
#include <Poco/StreamCopier.h>
#include <Poco/URI.h>

namespace emu::bench {

std::string formEncode(const std::vector<std::pair<std::string, std::string>>& fields) {
    std::string out;
    for (const auto& [name, value] : fields) {
        if (!out.empty())
            out += '&';
        Poco::URI::encode(name, "!#$&'()*+,/:;=?@[]", out);
        out += '=';
        Poco::URI::encode(value, "!#$&'()*+,/:;=?@[]", out);
    }
    return out;
}

Reply send(Poco::Net::HTTPSClientSession& session, const std::string& method, const std::string& path,
           const std::string& contentType, const std::string& body, const std::string& bearer) {
    Poco::Net::HTTPRequest request(method, path, Poco::Net::HTTPMessage::HTTP_1_1);
    request.setKeepAlive(true);
    if (!bearer.empty())
        request.set("Authorization", "Bearer " + bearer);
    if (!body.empty() || method == "POST") {
        request.setContentType(contentType);
        request.setContentLength(static_cast<std::streamsize>(body.size()));
    }
    session.sendRequest(request) << body;
    Poco::Net::HTTPResponse response;
    std::istream& in = session.receiveResponse(response);
    Reply reply;
    reply.status = static_cast<int>(response.getStatus());
    Poco::StreamCopier::copyToString(in, reply.body);
    return reply;
}

} // namespace emu::bench
