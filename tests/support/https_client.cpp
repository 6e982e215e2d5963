#include "https_client.h"

#include <Poco/Net/Context.h>
#include <Poco/Net/HTTPRequest.h>
#include <Poco/Net/HTTPResponse.h>
#include <Poco/Net/HTTPSClientSession.h>
#include <Poco/Net/RejectCertificateHandler.h>
#include <Poco/Net/SSLManager.h>
#include <Poco/StreamCopier.h>
#include <Poco/URI.h>

#include <algorithm>
#include <cctype>
#include <mutex>
#include <stdexcept>

namespace wptest {

namespace {
// Poco asks SSLManager's handler when verification fails; without one it would consult an application
// configuration tests do not have. Rejecting is the only right answer for a test client.
void initializeSslOnce() {
    static std::once_flag once;
    std::call_once(once, [] {
        Poco::Net::initializeSSL();
        Poco::Net::SSLManager::InvalidCertificateHandlerPtr reject(
            new Poco::Net::RejectCertificateHandler(false));
        Poco::Net::Context::Params params;
        params.verificationMode = Poco::Net::Context::VERIFY_STRICT;
        params.loadDefaultCAs = false;
        Poco::Net::Context::Ptr defaults = new Poco::Net::Context(Poco::Net::Context::TLS_CLIENT_USE, params);
        Poco::Net::SSLManager::instance().initializeClient(nullptr, reject, defaults);
    });
}

std::string lower(std::string text) {
    std::transform(text.begin(), text.end(), text.begin(),
                   [](unsigned char c) { return static_cast<char>(std::tolower(c)); });
    return text;
}
} // namespace

nlohmann::json HttpResult::json() const {
    auto parsed = nlohmann::json::parse(body, nullptr, false);
    if (parsed.is_discarded())
        throw std::runtime_error("HTTP " + std::to_string(status) +
                                 " body is not JSON: " + body.substr(0, 200));
    return parsed;
}

std::string HttpResult::header(const std::string& lowerCaseName) const {
    auto it = headers.find(lowerCaseName);
    return it == headers.end() ? std::string() : it->second;
}

HttpsClient::HttpsClient(std::string baseUrl, std::string caFile)
    : _baseUrl(std::move(baseUrl)), _caFile(std::move(caFile)) {
    initializeSslOnce();
    Poco::URI uri(_baseUrl);
    _host = uri.getHost();
    _port = uri.getPort();
}

HttpResult HttpsClient::request(const std::string& method, const std::string& target, const std::string& body,
                                const std::string& contentType,
                                const std::map<std::string, std::string>& headers) const {
    Poco::Net::Context::Params params;
    params.caLocation = _caFile;
    params.verificationMode = Poco::Net::Context::VERIFY_STRICT;
    params.loadDefaultCAs = false;
    Poco::Net::Context::Ptr context = new Poco::Net::Context(Poco::Net::Context::TLS_CLIENT_USE, params);
    context->requireMinimumProtocol(Poco::Net::Context::PROTO_TLSV1_2);
    Poco::Net::HTTPSClientSession session(_host, _port, context);
    session.setTimeout(Poco::Timespan(60, 0));

    std::string path = target;
    if (path.rfind("https://", 0) == 0)
        path = Poco::URI(target).getPathAndQuery();
    Poco::Net::HTTPRequest request(method, path, Poco::Net::HTTPMessage::HTTP_1_1);
    for (const auto& [name, value] : headers)
        request.set(name, value);
    if (!contentType.empty())
        request.setContentType(contentType);
    if (!body.empty() || method == "POST" || method == "PATCH" || method == "PUT")
        request.setContentLength(static_cast<std::streamsize>(body.size()));
    std::ostream& out = session.sendRequest(request);
    out.write(body.data(), static_cast<std::streamsize>(body.size()));

    Poco::Net::HTTPResponse response;
    std::istream& in = session.receiveResponse(response);
    HttpResult result;
    result.status = static_cast<int>(response.getStatus());
    for (const auto& [name, value] : response)
        result.headers[lower(name)] = value;
    Poco::StreamCopier::copyToString(in, result.body);
    return result;
}

HttpResult HttpsClient::get(const std::string& target,
                            const std::map<std::string, std::string>& headers) const {
    return request("GET", target, {}, {}, headers);
}

HttpResult HttpsClient::postJson(const std::string& target, const nlohmann::json& body,
                                 const std::map<std::string, std::string>& headers) const {
    return request("POST", target, body.dump(), "application/json", headers);
}

HttpResult HttpsClient::postForm(const std::string& target,
                                 const std::map<std::string, std::string>& fields) const {
    return request("POST", target, formEncode(fields), "application/x-www-form-urlencoded");
}

std::string formEncode(const std::map<std::string, std::string>& fields) {
    std::string out;
    for (const auto& [name, value] : fields) {
        std::string encodedName, encodedValue;
        Poco::URI::encode(name, "!#$&'()*+,/:;=?@[]", encodedName);
        Poco::URI::encode(value, "!#$&'()*+,/:;=?@[]", encodedValue);
        out += (out.empty() ? "" : "&") + encodedName + "=" + encodedValue;
    }
    return out;
}

} // namespace wptest
