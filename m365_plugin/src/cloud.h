// Endpoints of one Microsoft cloud (global, usgov, usgovdod, china or custom hosts), from data/clouds.json.
#pragma once

#include <Poco/JSON/Object.h>

#include <string>
#include <vector>

namespace m365 {

struct CloudEndpoints {
    std::string name;                ///< "global", "usgov", "usgovdod", "china" or "custom"
    std::string loginHost;           ///< e.g. "https://login.microsoftonline.com" (no trailing slash)
    std::string graphHost;           ///< e.g. "https://graph.microsoft.com"
    std::string graphResource;       ///< token audience of Graph, e.g. "https://graph.microsoft.com"
    std::string exchangeResource;    ///< e.g. "https://outlook.office365.com"
    std::string sharepointDomain;    ///< e.g. "sharepoint.com": <tenant-name>.<domain> is the SharePoint host
    std::string initialDomainSuffix; ///< e.g. ".onmicrosoft.com"
    std::string publicClientId;      ///< default client for the admin's device-code sign-in
    std::string resourcesOf;         ///< custom only: the table entry the resource ids come from

    /// "https://login.microsoftonline.com/<tenant>/oauth2/v2.0"
    std::string authorityFor(const std::string& tenant) const;
    /// "https://graph.microsoft.com/v1.0"
    std::string graphBase() const { return graphHost + "/v1.0"; }
    /// "https://graph.microsoft.com/.default"
    std::string graphScope() const { return graphResource + "/.default"; }

    Poco::JSON::Object::Ptr toJson() const;
    static CloudEndpoints fromJson(const Poco::JSON::Object::Ptr& object);
};

/// Names of the clouds in the table (without "custom").
std::vector<std::string> knownClouds();
/// The table entry for name.  For "custom", the hosts are customAuthorityHost and customGraphHost and the
/// resource ids (Graph, Exchange, SharePoint domain, initial domain suffix, sign-in client) are those of
/// the table entry `resourcesOf` (empty: the table's custom.resources_of, i.e. global): a private
/// endpoint, a test emulator, or a proxy in front of a national cloud.  Throws wp::Error
/// config.cloud_invalid for an unknown name and config.resources_of_invalid for an unknown resourcesOf.
CloudEndpoints cloudEndpoints(const std::string& name, const std::string& customAuthorityHost = {},
                              const std::string& customGraphHost = {}, const std::string& resourcesOf = {});

/// Removes trailing slashes; "" when url is not an absolute https URL with a host.
std::string normalizeHttpsBase(const std::string& url);

} // namespace m365
