// http_support.cpp -- the transport-independent parts of http_transport.h: headers, URL parsing and the
// NO_PROXY rules.
#include "http_transport.h"

#include <wp/error.hpp>

#include <algorithm>
#include <cctype>
#include <charconv>

namespace m365 {

namespace {

bool equalsIgnoreCase(std::string_view a, std::string_view b) {
    return a.size() == b.size() && std::equal(a.begin(), a.end(), b.begin(), [](char x, char y) {
               return std::tolower(static_cast<unsigned char>(x)) ==
                      std::tolower(static_cast<unsigned char>(y));
           });
}

std::string lower(std::string_view text) {
    std::string out(text);
    std::transform(out.begin(), out.end(), out.begin(),
                   [](unsigned char c) { return static_cast<char>(std::tolower(c)); });
    return out;
}

std::string_view trim(std::string_view text) {
    while (!text.empty() && std::isspace(static_cast<unsigned char>(text.front())))
        text.remove_prefix(1);
    while (!text.empty() && std::isspace(static_cast<unsigned char>(text.back())))
        text.remove_suffix(1);
    return text;
}

[[noreturn]] void badUrl(std::string_view url, const char* why) {
    // The URL is ours (endpoints from settings), never a secret; the query is left out all the same.
    std::string shown(url.substr(0, url.find('?')));
    throw wp::Error(WP_E_INVALID_ARGUMENT, "net.bad_url", "'" + shown + "' is not a usable URL: " + why);
}

} // namespace

void HttpHeaders::set(std::string_view name, std::string value) {
    _fields.erase(std::remove_if(_fields.begin(), _fields.end(),
                                 [name](const auto& field) { return equalsIgnoreCase(field.first, name); }),
                  _fields.end());
    _fields.emplace_back(std::string(name), std::move(value));
}

std::optional<std::string> HttpHeaders::get(std::string_view name) const {
    for (const auto& field : _fields)
        if (equalsIgnoreCase(field.first, name))
            return field.second;
    return std::nullopt;
}

UrlParts parseUrl(std::string_view url) {
    UrlParts parts;
    std::size_t schemeEnd = url.find("://");
    if (schemeEnd == std::string_view::npos || schemeEnd == 0)
        badUrl(url, "it has no scheme");
    parts.scheme = lower(url.substr(0, schemeEnd));
    std::string_view rest = url.substr(schemeEnd + 3);
    std::size_t authorityEnd = rest.find_first_of("/?#");
    std::string_view authority = rest.substr(0, authorityEnd);
    std::string_view path =
        authorityEnd == std::string_view::npos ? std::string_view() : rest.substr(authorityEnd);
    if (authority.find('@') != std::string_view::npos)
        badUrl(url, "credentials in URLs are not accepted");
    std::string_view portText;
    if (!authority.empty() && authority.front() == '[') { // IPv6 literal
        std::size_t close = authority.find(']');
        if (close == std::string_view::npos)
            badUrl(url, "unterminated IPv6 address");
        parts.host = std::string(authority.substr(1, close - 1));
        if (close + 1 < authority.size()) {
            if (authority[close + 1] != ':')
                badUrl(url, "unexpected text after the IPv6 address");
            portText = authority.substr(close + 2);
        }
    } else {
        std::size_t colon = authority.rfind(':');
        parts.host = lower(authority.substr(0, colon));
        if (colon != std::string_view::npos)
            portText = authority.substr(colon + 1);
    }
    if (parts.host.empty())
        badUrl(url, "it has no host");
    if (!portText.empty()) {
        unsigned value = 0;
        auto [end, error] = std::from_chars(portText.data(), portText.data() + portText.size(), value);
        if (error != std::errc() || end != portText.data() + portText.size() || value == 0 || value > 65535)
            badUrl(url, "the port is not a number from 1 to 65535");
        parts.port = static_cast<uint16_t>(value);
    } else {
        parts.port = parts.scheme == "https" ? 443 : parts.scheme == "http" ? 80 : 0;
    }
    std::string_view pathAndQuery = path.substr(0, path.find('#'));
    std::string target;
    target.reserve(pathAndQuery.size() + 1);
    if (pathAndQuery.empty() || pathAndQuery.front() == '?')
        target.push_back('/');
    target.append(pathAndQuery);
    parts.pathAndQuery = std::move(target);
    return parts;
}

bool proxyBypassed(std::string_view noProxy, std::string_view host) {
    std::string target = lower(host);
    while (!noProxy.empty()) {
        std::size_t comma = noProxy.find(',');
        std::string entry = lower(trim(noProxy.substr(0, comma)));
        noProxy = comma == std::string_view::npos ? std::string_view() : noProxy.substr(comma + 1);
        if (entry.empty())
            continue;
        if (entry == "*")
            return true;
        if (entry.front() == '[') { // [::1] or [::1]:port
            std::size_t close = entry.find(']');
            entry = entry.substr(1, close == std::string::npos ? std::string::npos : close - 1);
        } else if (std::count(entry.begin(), entry.end(), ':') == 1) {
            entry = entry.substr(0, entry.find(':')); // host:port -> host (ports are not distinguished)
        }
        if (!entry.empty() && entry.front() == '.')
            entry.erase(0, 1);
        if (entry.rfind("*.", 0) == 0)
            entry.erase(0, 2);
        if (target == entry)
            return true;
        // "example.com" and ".example.com" both cover sub.example.com (curl's rule).
        if (target.size() > entry.size() &&
            target.compare(target.size() - entry.size(), entry.size(), entry) == 0 &&
            target[target.size() - entry.size() - 1] == '.')
            return true;
    }
    return false;
}

} // namespace m365
