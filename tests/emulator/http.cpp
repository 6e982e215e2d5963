#include "http.h"

#include <algorithm>
#include <cctype>

namespace emu {

bool CaseInsensitiveLess::operator()(std::string_view a, std::string_view b) const {
    return std::lexicographical_compare(a.begin(), a.end(), b.begin(), b.end(), [](char x, char y) {
        return std::tolower(static_cast<unsigned char>(x)) < std::tolower(static_cast<unsigned char>(y));
    });
}

std::string Request::header(std::string_view name, std::string_view fallback) const {
    auto it = headers.find(name);
    return it == headers.end() ? std::string(fallback) : it->second;
}

std::optional<std::string> Request::queryParam(std::string_view name) const {
    auto it = query.find(name);
    if (it == query.end())
        return std::nullopt;
    return it->second;
}

std::string Request::param(std::string_view name) const {
    auto it = pathParams.find(name);
    return it == pathParams.end() ? std::string() : it->second;
}

nlohmann::json Request::jsonBody() const {
    return nlohmann::json::parse(body);
}

StringMap Request::formFields() const {
    return parseUrlEncoded(body);
}

Response Response::json(int status, const nlohmann::json& body) {
    Response response;
    response.status = status;
    response.setJson(body);
    return response;
}

Response Response::noContent() {
    Response response;
    response.status = 204;
    return response;
}

Response Response::text(int status, std::string body, std::string contentType) {
    Response response;
    response.status = status;
    response.body = std::move(body);
    response.headers["Content-Type"] = std::move(contentType);
    return response;
}

void Response::setJson(const nlohmann::json& value) {
    body = value.dump();
    headers["Content-Type"] = "application/json; charset=utf-8";
}

std::optional<nlohmann::json> Response::jsonBody() const {
    auto parsed = nlohmann::json::parse(body, nullptr, false);
    if (parsed.is_discarded())
        return std::nullopt;
    return parsed;
}

namespace {
int hexValue(char c) {
    if (c >= '0' && c <= '9')
        return c - '0';
    if (c >= 'a' && c <= 'f')
        return c - 'a' + 10;
    if (c >= 'A' && c <= 'F')
        return c - 'A' + 10;
    return -1;
}
} // namespace

std::string urlDecode(std::string_view text, bool plusAsSpace) {
    std::string out;
    out.reserve(text.size());
    for (std::size_t i = 0; i < text.size(); ++i) {
        char c = text[i];
        if (c == '%' && i + 2 < text.size()) {
            int high = hexValue(text[i + 1]);
            int low = hexValue(text[i + 2]);
            if (high >= 0 && low >= 0) {
                out.push_back(static_cast<char>(high * 16 + low));
                i += 2;
                continue;
            }
        }
        out.push_back(plusAsSpace && c == '+' ? ' ' : c);
    }
    return out;
}

std::string urlEncode(std::string_view text) {
    static const char* hex = "0123456789ABCDEF";
    std::string out;
    for (char c : text) {
        auto u = static_cast<unsigned char>(c);
        if (std::isalnum(u) || c == '-' || c == '.' || c == '_' || c == '~') {
            out.push_back(c);
        } else {
            out.push_back('%');
            out.push_back(hex[u >> 4]);
            out.push_back(hex[u & 15]);
        }
    }
    return out;
}

StringMap parseUrlEncoded(std::string_view text) {
    StringMap fields;
    while (!text.empty()) {
        auto amp = text.find('&');
        std::string_view pair = text.substr(0, amp);
        text = amp == std::string_view::npos ? std::string_view() : text.substr(amp + 1);
        if (pair.empty())
            continue;
        auto eq = pair.find('=');
        std::string name = urlDecode(pair.substr(0, eq), true);
        std::string value =
            eq == std::string_view::npos ? std::string() : urlDecode(pair.substr(eq + 1), true);
        fields[name] = value;
    }
    return fields;
}

} // namespace emu
