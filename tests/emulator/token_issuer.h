// Builds and signs the tokens the token endpoint returns: delegated access tokens and ID tokens for
// the device code flow, app-only access tokens for client credentials. Claims follow Entra's v1.0
// access tokens (what Graph, Exchange and SharePoint receive) and v2.0 ID tokens.
#pragma once

#include "context.h"
#include "http.h"
#include "identity_common.h"

#include <string>
#include <vector>

namespace emu {

struct DelegatedGrant {
    User user;
    std::string tenantId;
    std::string clientId;
    ResourceTarget resource;
    std::vector<std::string> scopes; ///< granted permission names ("Application.ReadWrite.All")
};

/// aud: Graph's app id for Graph (as Entra issues Graph delegated tokens), else the resource
/// identifier; scp, wids, upn, oid, tid, appid, iss, iat, nbf, exp.
std::string issueDelegatedAccessToken(ServiceContext& context, const Request& request,
                                      const DelegatedGrant& grant, std::chrono::seconds lifetime);
/// v2.0 ID token for the client: aud = client id, preferred_username, name, oid, sub, tid.
std::string issueIdToken(ServiceContext& context, const Request& request, const DelegatedGrant& grant,
                         std::chrono::seconds lifetime);

struct AppGrant {
    std::string tenantId;
    std::string appId;
    std::string servicePrincipalId;
    std::string audience;           ///< the resource as requested ("https://graph.microsoft.com")
    std::vector<std::string> roles; ///< app role values; the claim is omitted when empty
    std::vector<std::string> wids;  ///< directory roles of the service principal
};
std::string issueAppAccessToken(ServiceContext& context, const Request& request, const AppGrant& grant,
                                std::chrono::seconds lifetime);

/// base64url({"uid":oid,"utid":tid}) as Entra returns it when the request says client_info=1.
std::string clientInfo(const std::string& objectId, const std::string& tenantId);

} // namespace emu
