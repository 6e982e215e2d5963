#include "cloud.h"

#include "embedded_data.h"
#include "json_util.h"

#include <wp/plugin.hpp>

#include <Poco/URI.h>

namespace m365 {

namespace {

const Poco::JSON::Object::Ptr& cloudTable() {
    static const Poco::JSON::Object::Ptr table = json::parseObject(data::cloudsJson(), "clouds.json");
    return table;
}

CloudEndpoints fromTable(const std::string& name, const Poco::JSON::Object::Ptr& entry) {
    CloudEndpoints cloud;
    cloud.name = name;
    cloud.loginHost = json::str(entry, "login_host");
    cloud.graphHost = json::str(entry, "graph_host");
    cloud.graphResource = json::str(entry, "graph_resource");
    cloud.exchangeResource = json::str(entry, "exchange_resource");
    cloud.sharepointDomain = json::str(entry, "sharepoint_domain");
    cloud.initialDomainSuffix = json::str(entry, "initial_domain_suffix");
    cloud.publicClientId = json::str(entry, "public_client_id");
    return cloud;
}

} // namespace

std::string CloudEndpoints::authorityFor(const std::string& tenant) const {
    return loginHost + "/" + tenant + "/oauth2/v2.0";
}

Poco::JSON::Object::Ptr CloudEndpoints::toJson() const {
    Poco::JSON::Object::Ptr object = new Poco::JSON::Object;
    object->set("name", name);
    object->set("login_host", loginHost);
    object->set("graph_host", graphHost);
    object->set("graph_resource", graphResource);
    object->set("exchange_resource", exchangeResource);
    object->set("sharepoint_domain", sharepointDomain);
    object->set("initial_domain_suffix", initialDomainSuffix);
    object->set("public_client_id", publicClientId);
    if (!resourcesOf.empty())
        object->set("resources_of", resourcesOf);
    return object;
}

CloudEndpoints CloudEndpoints::fromJson(const Poco::JSON::Object::Ptr& object) {
    auto cloud = fromTable(json::str(object, "name"), object);
    cloud.resourcesOf = json::optStr(object, "resources_of");
    return cloud;
}

std::vector<std::string> knownClouds() {
    std::vector<std::string> names;
    json::object(cloudTable(), "clouds")->getNames(names);
    return names;
}

std::string knownCloudList() {
    std::string names;
    for (const auto& known : knownClouds())
        names += (names.empty() ? "" : ", ") + known;
    return names;
}

CloudEndpoints cloudEndpoints(const std::string& name, const std::string& customAuthorityHost,
                              const std::string& customGraphHost, const std::string& resourcesOf) {
    auto clouds = json::object(cloudTable(), "clouds");
    if (name == "custom") {
        auto base = resourcesOf.empty() ? json::str(json::object(cloudTable(), "custom"), "resources_of")
                                        : resourcesOf;
        if (!clouds->has(base))
            throw wp::Error(WP_E_INVALID_CONFIG, "config.resources_of_invalid",
                            "Unknown cloud '" + base + "' in resources_of; use one of " + knownCloudList() +
                                ".");
        auto cloud = fromTable("custom", json::object(clouds, base));
        cloud.resourcesOf = base;
        cloud.loginHost = normalizeHttpsBase(customAuthorityHost);
        cloud.graphHost = normalizeHttpsBase(customGraphHost);
        return cloud;
    }
    if (!clouds->has(name))
        throw wp::Error(WP_E_INVALID_CONFIG, "config.cloud_invalid",
                        "Unknown cloud '" + name + "'; use one of " + knownCloudList() + " or custom.");
    return fromTable(name, json::object(clouds, name));
}

std::string normalizeHttpsBase(const std::string& url) {
    try {
        Poco::URI uri(url);
        if (uri.getScheme() != "https" || uri.getHost().empty() || !uri.getQuery().empty() ||
            !uri.getFragment().empty() || !uri.getUserInfo().empty())
            return {};
        auto text = url;
        while (!text.empty() && text.back() == '/')
            text.pop_back();
        return text;
    } catch (const Poco::Exception&) {
        return {};
    }
}

} // namespace m365
