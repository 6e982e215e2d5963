#include "identity_common.h"

#include "cloud_profile.h"
#include "errors.h"

#include <algorithm>
#include <cctype>
#include <sstream>

namespace emu {

namespace {
std::string lower(std::string_view text) {
    std::string out(text);
    std::transform(out.begin(), out.end(), out.begin(),
                   [](unsigned char c) { return static_cast<char>(std::tolower(c)); });
    return out;
}

bool isOidcScope(std::string_view scope) {
    return scope == "openid" || scope == "profile" || scope == "email" || scope == "offline_access";
}
} // namespace

TenantSegment resolveTenantSegment(Directory& directory, const std::string& segment) {
    TenantSegment result;
    const std::string name = lower(segment);
    if (name == "organizations")
        result.kind = TenantSegment::Kind::Organizations;
    else if (name == "common")
        result.kind = TenantSegment::Kind::Common;
    else if (name == "consumers")
        result.kind = TenantSegment::Kind::Consumers;
    else {
        auto state = directory.lock();
        if (const Tenant* tenant = state->findTenant(segment)) {
            result.kind = TenantSegment::Kind::Tenant;
            result.tenant = *tenant;
        }
    }
    return result;
}

bool ResourceTarget::isGraph() const {
    return resourceAppId == kGraphAppId;
}

std::optional<ResourceTarget> resolveResource(const Tenant& tenant, std::string_view identifier) {
    std::string id(identifier);
    while (!id.empty() && id.back() == '/')
        id.pop_back();
    const std::string key = lower(id);
    static const std::vector<std::string> lenientGraphHosts{
        "https://graph.microsoft.com", "https://graph.microsoft.us", "https://dod-graph.microsoft.us",
        "https://microsoftgraph.chinacloudapi.cn"};
    const CloudProfile& cloud = activeCloud();
    const bool graphHost = cloudIsStrict() ? key == cloud.graphResource
                                           : std::find(lenientGraphHosts.begin(), lenientGraphHosts.end(),
                                                       key) != lenientGraphHosts.end();
    if (key == kGraphAppId || graphHost)
        return ResourceTarget{std::string(kGraphAppId), key};
    if (key == kExchangeAppId || std::find(cloud.exchangeResources.begin(), cloud.exchangeResources.end(),
                                           key) != cloud.exchangeResources.end())
        return ResourceTarget{std::string(kExchangeAppId), key};
    if (key == kSharePointAppId || key == "https://" + tenant.sharePointHost())
        return ResourceTarget{std::string(kSharePointAppId), key};
    return std::nullopt;
}

ParsedScope parseScope(std::string_view scope) {
    ParsedScope parsed;
    std::istringstream words{std::string(scope)};
    for (std::string word; words >> word;) {
        if (isOidcScope(word)) {
            parsed.oidc.push_back(word);
            continue;
        }
        // "<resource>/<permission>": the resource is everything before the last '/'.
        auto slash = word.rfind('/');
        if (slash == std::string::npos || slash == 0)
            parsed.permissions.emplace_back(activeCloud().graphResource, word);
        else
            parsed.permissions.emplace_back(word.substr(0, slash), word.substr(slash + 1));
    }
    return parsed;
}

std::vector<std::string> distinctResources(const ParsedScope& scope) {
    // Graph's app id and its URI are one resource; the first spelling is kept (it becomes the token's aud).
    auto sameResource = [](std::string key) {
        return key == kGraphAppId ? activeCloud().graphResource : key;
    };
    std::vector<std::string> resources;
    for (const auto& [resource, permission] : scope.permissions) {
        std::string key = lower(resource);
        while (!key.empty() && key.back() == '/')
            key.pop_back();
        if (std::none_of(resources.begin(), resources.end(),
                         [&](const std::string& seen) { return sameResource(seen) == sameResource(key); }))
            resources.push_back(key);
    }
    return resources;
}

std::string issuerFor(const Request& request, const std::string& tenantId) {
    return request.baseUrl + "/" + tenantId + "/v2.0";
}

Response unknownTenant(const Request& request, const std::string& segment, std::string_view error) {
    return entraError(
        400, error, 90002,
        "Tenant '" + segment +
            "' not found. Check to make sure you have the correct tenant ID and are signing into the "
            "correct cloud. Check with your subscription administrator, this may happen if there are no "
            "active subscriptions for the tenant.",
        request);
}

Response missingParameter(const Request& request, std::string_view name) {
    return entraError(400, "invalid_request", 900144,
                      "The request body must contain the following parameter: '" + std::string(name) + "'.",
                      request);
}

} // namespace emu
