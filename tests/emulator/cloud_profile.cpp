// cloud_profile.cpp -- see cloud_profile.h.  The table repeats public facts about Microsoft's national
// clouds (resource ids of Graph, Exchange Online and SharePoint Online); it is deliberately separate from
// the plugin's own table (m365_plugin/data/clouds.json), so a plugin that asks a cloud for the wrong
// audience fails here instead of agreeing with itself.
#include "cloud_profile.h"

#include <array>

namespace emu {

namespace {

const std::array<CloudProfile, 4>& table() {
    static const std::array<CloudProfile, 4> profiles{{
        {"global",
         "https://graph.microsoft.com",
         {"https://outlook.office365.com", "https://outlook.office.com"},
         "sharepoint.com",
         ".onmicrosoft.com"},
        {"usgov",
         "https://graph.microsoft.us",
         {"https://outlook.office365.us"},
         "sharepoint.us",
         ".onmicrosoft.us"},
        {"usgovdod",
         "https://dod-graph.microsoft.us",
         {"https://outlook-dod.office365.us"},
         "sharepoint-mil.us",
         ".onmicrosoft.us"},
        {"china",
         "https://microsoftgraph.chinacloudapi.cn",
         {"https://partner.outlook.cn"},
         "sharepoint.cn",
         ".partner.onmschina.cn"},
    }};
    return profiles;
}

struct Selection {
    const CloudProfile* profile = &table()[0];
    bool strict = false;
};

Selection& selection() {
    static Selection current;
    return current;
}

} // namespace

const CloudProfile* findCloudProfile(std::string_view name) {
    for (const auto& profile : table())
        if (profile.name == name)
            return &profile;
    return nullptr;
}

std::string cloudProfileNames() {
    std::string names;
    for (const auto& profile : table())
        names += (names.empty() ? "" : ", ") + profile.name;
    return names;
}

const CloudProfile& activeCloud() {
    return *selection().profile;
}

bool cloudIsStrict() {
    return selection().strict;
}

void selectCloud(const CloudProfile& profile) {
    selection().profile = &profile;
    selection().strict = true;
}

} // namespace emu
