#include "graph_common.h"

#include "crypto.h"

#include <algorithm>
#include <cctype>
#include <regex>

namespace emu::graph {

namespace {

std::string trim(std::string_view text) {
    auto begin = text.find_first_not_of(" \t");
    if (begin == std::string_view::npos)
        return {};
    auto end = text.find_last_not_of(" \t");
    return std::string(text.substr(begin, end - begin + 1));
}

bool equalsIgnoreCase(std::string_view a, std::string_view b) {
    return a.size() == b.size() && std::equal(a.begin(), a.end(), b.begin(), [](char x, char y) {
               return std::tolower(static_cast<unsigned char>(x)) ==
                      std::tolower(static_cast<unsigned char>(y));
           });
}

} // namespace

void throwNotFound(std::string_view id) {
    throw GraphError(
        404, "Request_ResourceNotFound",
        "Resource '" + std::string(id) +
            "' does not exist or one of its queried reference-property objects are not present.");
}

void throwInvalidProperty(std::string_view property, std::string_view resource) {
    throw GraphError(400, "Request_BadRequest",
                     "Invalid value specified for property '" + std::string(property) + "' of resource '" +
                         std::string(resource) + "'.");
}

void throwForbidden() {
    throw GraphError(403, "Authorization_RequestDenied", std::string(messages::kInsufficientPrivileges));
}

nlohmann::json requireJsonObject(const Request& request) {
    nlohmann::json body;
    try {
        body = request.jsonBody();
    } catch (const nlohmann::json::exception&) {
        throw GraphError(400, "BadRequest", std::string(messages::kBadJson));
    }
    if (!body.is_object())
        throw GraphError(400, "BadRequest", std::string(messages::kBadJson));
    return body;
}

std::optional<std::string> optionalString(const nlohmann::json& object, std::string_view name,
                                          std::string_view resource) {
    auto it = object.find(name);
    if (it == object.end() || it->is_null())
        return std::nullopt;
    if (!it->is_string())
        throwInvalidProperty(name, resource);
    return it->get<std::string>();
}

std::string odataContext(const Request& request, std::string_view fragment) {
    return request.baseUrl + "/v1.0/$metadata#" + std::string(fragment);
}

std::vector<std::string> selectedProperties(const Request& request) {
    std::vector<std::string> selected;
    auto select = request.queryParam("$select");
    if (!select)
        return selected;
    std::string_view rest = *select;
    while (!rest.empty()) {
        auto comma = rest.find(',');
        auto name = trim(rest.substr(0, comma));
        if (!name.empty())
            selected.push_back(name);
        if (comma == std::string_view::npos)
            break;
        rest.remove_prefix(comma + 1);
    }
    return selected;
}

bool isSelected(const std::vector<std::string>& selected, std::string_view property) {
    return std::any_of(selected.begin(), selected.end(),
                       [&](const std::string& name) { return equalsIgnoreCase(name, property); });
}

nlohmann::json applySelect(const nlohmann::json& object, const std::vector<std::string>& selected) {
    if (selected.empty() || !object.is_object())
        return object;
    nlohmann::json result = nlohmann::json::object();
    for (const auto& [name, value] : object.items()) {
        if (name.rfind("@odata.", 0) == 0 || isSelected(selected, name))
            result[name] = value;
    }
    return result;
}

std::optional<EqualsFilter> parseEqualsFilter(const Request& request, const std::vector<std::string>& allowed,
                                              std::string_view resource) {
    auto filter = request.queryParam("$filter");
    if (!filter)
        return std::nullopt;
    // "<property> eq '<value>'" with OData's '' escape for a quote inside the literal.
    static const std::regex pattern(R"(^\s*([A-Za-z][A-Za-z0-9]*)\s+eq\s+'((?:[^']|'')*)'\s*$)");
    std::smatch match;
    std::string text = *filter;
    if (!std::regex_match(text, match, pattern))
        throw GraphError(400, "Request_UnsupportedQuery", "Invalid filter clause");
    std::string property = match[1].str();
    auto known = std::find_if(allowed.begin(), allowed.end(),
                              [&](const std::string& name) { return equalsIgnoreCase(name, property); });
    if (known == allowed.end())
        throw GraphError(400, "Request_UnsupportedQuery",
                         "Unsupported or invalid query filter clause specified for property '" + property +
                             "' of resource '" + std::string(resource) + "'.");
    std::string value = std::regex_replace(match[2].str(), std::regex("''"), "'");
    return EqualsFilter{*known, value};
}

nlohmann::json collection(const Request& request, std::string_view entitySet, nlohmann::json values) {
    return nlohmann::json{{"@odata.context", odataContext(request, entitySet)}, {"value", std::move(values)}};
}

std::string newAssignmentId() {
    return base64UrlEncode(randomBytes(32));
}

} // namespace emu::graph
