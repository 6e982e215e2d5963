// The Microsoft cloud the emulator impersonates (--cloud): which resource ids (token audiences) it
// accepts and issues, the SharePoint domain and the suffix of a tenant's initial domain.  Without
// --cloud the emulator is Microsoft's global cloud that also accepts the sovereign Graph resource ids
// (lenient, as before); with --cloud NAME it accepts only that cloud's resource ids, so a client that
// asks for another cloud's audience fails as it would against the real service.
#pragma once

#include <string>
#include <string_view>
#include <vector>

namespace emu {

struct CloudProfile {
    std::string name;                           ///< "global", "usgov", "usgovdod", "china"
    std::string graphResource;                  ///< "https://graph.microsoft.com"
    std::vector<std::string> exchangeResources; ///< "https://outlook.office365.com", ...
    std::string sharePointDomain;               ///< "sharepoint.com": "<name>.<domain>" is a tenant's host
    std::string initialDomainSuffix;            ///< ".onmicrosoft.com"
};

/// The table entry of that name, or nullptr.
const CloudProfile* findCloudProfile(std::string_view name);
/// "global, usgov, usgovdod, china" (for messages).
std::string cloudProfileNames();

/// The cloud in effect (global unless selectCloud() chose another).
const CloudProfile& activeCloud();
/// True once selectCloud() ran: only the active cloud's resource ids are accepted.
bool cloudIsStrict();
/// Chooses the cloud for this process; called once at start-up, before any request is served.
void selectCloud(const CloudProfile& profile);

} // namespace emu
