#include "token_issuer.h"

#include "crypto.h"

namespace emu {

namespace {
std::string joined(const std::vector<std::string>& words) {
    std::string out;
    for (const auto& word : words)
        out += (out.empty() ? "" : " ") + word;
    return out;
}

nlohmann::json timeClaims(const ServiceContext& context, std::chrono::seconds lifetime) {
    const std::int64_t now = context.clock.nowUnix();
    return {{"iat", now}, {"nbf", now}, {"exp", now + lifetime.count()}};
}
} // namespace

std::string issueDelegatedAccessToken(ServiceContext& context, const Request& request,
                                      const DelegatedGrant& grant, std::chrono::seconds lifetime) {
    nlohmann::json claims = timeClaims(context, lifetime);
    claims["aud"] = grant.resource.isGraph() ? std::string(kGraphAppId) : grant.resource.identifier;
    claims["iss"] = "https://sts.windows.net/" + grant.tenantId + "/";
    claims["idp"] = claims["iss"];
    claims["tid"] = grant.tenantId;
    claims["oid"] = grant.user.id;
    claims["sub"] = grant.user.id;
    claims["upn"] = grant.user.userPrincipalName;
    claims["unique_name"] = grant.user.userPrincipalName;
    claims["name"] = grant.user.displayName;
    claims["scp"] = joined(grant.scopes);
    claims["wids"] = grant.user.roleTemplateIds;
    claims["appid"] = grant.clientId;
    claims["appidacr"] = "0";
    claims["amr"] = {"pwd", "mfa"};
    claims["idtyp"] = "user";
    claims["uti"] = base64UrlEncode(randomBytes(16));
    claims["ver"] = "1.0";
    (void)request;
    return context.tokens.sign(claims);
}

std::string issueIdToken(ServiceContext& context, const Request& request, const DelegatedGrant& grant,
                         std::chrono::seconds lifetime) {
    nlohmann::json claims = timeClaims(context, lifetime);
    claims["aud"] = grant.clientId;
    claims["iss"] = issuerFor(request, grant.tenantId);
    claims["tid"] = grant.tenantId;
    claims["oid"] = grant.user.id;
    claims["sub"] = grant.user.id;
    claims["preferred_username"] = grant.user.userPrincipalName;
    claims["name"] = grant.user.displayName;
    claims["ver"] = "2.0";
    return context.tokens.sign(claims);
}

std::string issueAppAccessToken(ServiceContext& context, const Request& request, const AppGrant& grant,
                                std::chrono::seconds lifetime) {
    nlohmann::json claims = timeClaims(context, lifetime);
    claims["aud"] = grant.audience;
    claims["iss"] = "https://sts.windows.net/" + grant.tenantId + "/";
    claims["idp"] = claims["iss"];
    claims["tid"] = grant.tenantId;
    claims["appid"] = grant.appId;
    claims["appidacr"] = "2"; // authenticated with a certificate
    claims["oid"] = grant.servicePrincipalId;
    claims["sub"] = grant.servicePrincipalId;
    claims["idtyp"] = "app";
    if (!grant.roles.empty())
        claims["roles"] = grant.roles;
    if (!grant.wids.empty())
        claims["wids"] = grant.wids;
    claims["uti"] = base64UrlEncode(randomBytes(16));
    claims["ver"] = "1.0";
    (void)request;
    return context.tokens.sign(claims);
}

std::string clientInfo(const std::string& objectId, const std::string& tenantId) {
    return base64UrlEncode(nlohmann::json{{"uid", objectId}, {"utid", tenantId}}.dump());
}

} // namespace emu
