// The online checks of adopt: the application accepts the certificate (an app-only token is issued with
// it), which selected permissions are granted (each resource token's roles), and the directory ids the
// lifecycle needs later (read with the app's own token when it may read applications).
#include "adopt.h"

#include "admin_session.h"
#include "app_credential.h"
#include "encoding.h"
#include "graph_client.h"
#include "instance_record.h"
#include "json_util.h"
#include "jwt.h"
#include "progress.h"
#include "tenant_directory.h"
#include "verify.h"

#include <Poco/String.h>

#include <map>
#include <set>

namespace m365 {

namespace {

bool certificateRejected(const wp::Error& error) {
    return keyRejected(error) || error.code() == "aad.AADSTS700016" ||
           error.code() == "aad.unauthorized_client";
}

/// Waits (bounded, as setup's verification) until a Graph token is issued with the certificate.
void checkCertificateAccepted(const ConfidentialClient& client, const std::string& appId,
                              const std::string& tenant, const CertificateInfo& certificate,
                              const std::string& graphScope, int timeoutSeconds, Progress& progress) {
    try {
        VerifyTarget graph;
        graph.resource = "graph";
        graph.scope = graphScope;
        verifyCredential(client, {graph},
                         std::chrono::milliseconds(static_cast<long long>(timeoutSeconds) * 1000), progress);
    } catch (const wp::Error& e) {
        if (!certificateRejected(e))
            throw;
        bool appMissing = e.code() == "aad.AADSTS700016" || e.code() == "aad.unauthorized_client";
        throw wp::Error(
            WP_E_AUTH_FAILED, appMissing ? "adopt.application_not_found" : "adopt.certificate_not_registered",
            (appMissing ? "Tenant " + tenant + " has no application " + appId +
                              " that accepts the certificate with SHA-1 thumbprint "
                        : "Application " + appId + " does not hold the certificate with SHA-1 thumbprint ") +
                certificate.thumbprintSha1 + " (SHA-256 " + certificate.thumbprintSha256 +
                "); the token endpoint answered " + e.code() + ". Nothing was stored.",
            "Register this certificate on the application (configure --action export-certificate "
            "writes it after an adopt, or use the PEM you have), or pass the certificate it holds.");
    }
}

std::string joined(const std::vector<std::string>& items) {
    std::string text;
    for (const auto& item : items)
        text += (text.empty() ? "" : ", ") + item;
    return text;
}

/// Findings per missing permission and one event per workload listing what it lacks.
void reportMissing(const ActionContext& context, const std::vector<Permission>& missing,
                   const std::map<std::string, std::string>& reasons) {
    const auto& manifest = PermissionManifest::builtIn();
    std::map<std::string, Poco::JSON::Array::Ptr> perWorkload;
    for (const auto& permission : missing) {
        const auto& resource = manifest.resource(permission.resource);
        std::string reason =
            reasons.count(permission.resource) ? " (" + reasons.at(permission.resource) + ")" : "";
        context.call.finding({WP_SEVERITY_WARNING, "adopt.permission_missing",
                              resource.displayName + " " + permission.name + " is not granted" + reason +
                                  "; needed by " + joined(permission.workloads) + ": " + permission.why});
        for (const auto& workload : permission.workloads) {
            auto& list = perWorkload[workload];
            if (!list)
                list = new Poco::JSON::Array;
            Poco::JSON::Object::Ptr item = new Poco::JSON::Object;
            item->set("resource", permission.resource);
            item->set("resource_name", resource.displayName);
            item->set("permission", permission.name);
            item->set("purpose", permission.why);
            list->add(item);
        }
    }
    for (const auto& [workload, list] : perWorkload) {
        Poco::JSON::Object::Ptr event = new Poco::JSON::Object;
        event->set("event", "permissions_missing");
        event->set("workload", workload);
        event->set("missing", list);
        context.call.event(json::stringify(event));
    }
}

/// The application's object id, display name, the keyId of our certificate and the service principal id,
/// if the app may read them (Application.Read.All or similar); otherwise they stay empty.
void lookUpDirectoryIds(const ActionContext& context, const std::shared_ptr<HttpTransport>& transport,
                        const ConnectionSettings& connection, const std::string& appId,
                        const AccessToken& token, const CertificateInfo& certificate,
                        AdoptInspection& inspection, Progress& progress) {
    GraphClient graph(transport, connection.cloud.graphBase(), token.token, randomGuid(), &context.call);
    graph.onTrace([&](const std::string& line) { context.host.log(wp::LogLevel::Trace, line); });
    auto filter =
        std::vector<std::pair<std::string, std::string>>{{"$filter", "appId eq " + odataQuote(appId)}};
    try {
        auto apps = json::optArray(graph.get(withQuery("/applications", filter)).body, "value");
        if (apps && apps->size() > 0) {
            auto app = apps->getObject(0);
            inspection.applicationObjectId = json::optStr(app, "id");
            inspection.displayName = json::optStr(app, "displayName");
            std::string rawThumbprint;
            for (std::size_t i = 0; i + 1 < certificate.thumbprintSha1.size(); i += 2)
                rawThumbprint.push_back(
                    static_cast<char>(std::stoi(certificate.thumbprintSha1.substr(i, 2), nullptr, 16)));
            auto base64Thumbprint = base64Standard(
                reinterpret_cast<const unsigned char*>(rawThumbprint.data()), rawThumbprint.size());
            if (auto keys = json::optArray(app, "keyCredentials")) {
                for (unsigned i = 0; i < keys->size(); ++i) {
                    auto key = keys->getObject(i);
                    auto identifier = json::optStr(key, "customKeyIdentifier");
                    if (identifier == base64Thumbprint ||
                        Poco::toUpper(identifier) == certificate.thumbprintSha1)
                        inspection.keyId = json::optStr(key, "keyId");
                }
            }
        }
        auto principals = json::optArray(graph.get(withQuery("/servicePrincipals", filter)).body, "value");
        if (principals && principals->size() > 0)
            inspection.servicePrincipalId = json::optStr(principals->getObject(0), "id");
    } catch (const wp::Error& e) {
        if (e.status() == WP_E_CANCELLED)
            throw;
        progress.debug(std::string("directory lookup failed: ") + e.code());
    }
    if (inspection.applicationObjectId.empty() || inspection.servicePrincipalId.empty())
        context.call.finding(
            {WP_SEVERITY_WARNING, "adopt.directory_ids_unknown",
             "The application may not read its own directory objects (e.g. Application.Read.All), "
             "so its object id and service principal id are not stored; rotate and remove need "
             "them and will ask an administrator."});
}

} // namespace

AdoptInspection inspectAdoptedApplication(const ActionContext& context, const ConnectionSettings& connection,
                                          const std::string& appId, AssertionProfile assertion,
                                          const GeneratedCredential& credential,
                                          const std::vector<Permission>& selected,
                                          const std::string& sharepointHost, int verifyTimeoutSeconds) {
    Progress progress(context.host, context.call);
    auto transport = makeTransport(connection.caFile, "m365-plugin/" + std::string(context.host.hostName()),
                                   connection.proxy);
    ConfidentialClient client(transport,
                              {connection.cloud.authorityFor(connection.tenant) + "/token", appId, assertion},
                              SigningKey::fromPem(credential.privateKeyPem.view()), credential.certificate);
    AdoptInspection inspection;
    AccessToken graphToken;
    {
        auto step = progress.step("check_certificate", "Checking that application " + appId +
                                                           " accepts the certificate (SHA-1 " +
                                                           credential.certificate.thumbprintSha1 + ")");
        checkCertificateAccepted(client, appId, connection.tenant, credential.certificate,
                                 connection.cloud.graphScope(), verifyTimeoutSeconds, progress);
        graphToken = client.acquire(connection.cloud.graphScope(), &context.call);
        inspection.tenantId = decodeJwtUnverified(graphToken.token.view()).string("tid").value_or("");
        step.done("tenant " + inspection.tenantId);
    }
    inspection.sharepointHost = sharepointHost;
    if (inspection.sharepointHost.empty())
        inspection.sharepointHost = sharepointHostFromInitialDomain(
            connection.tenant, connection.cloud.initialDomainSuffix, connection.cloud.sharepointDomain);

    auto step = progress.step("check_permissions", "Reading the granted permissions from the tokens");
    InstanceRecord audiences; // only for resourceAudience()
    audiences.cloud = connection.cloud;
    audiences.sharepointHost = inspection.sharepointHost;
    std::map<std::string, std::set<std::string>> roles;
    std::map<std::string, std::string> reasons;
    roles["graph"] = tokenRoles(graphToken);
    for (const auto& permission : selected) {
        const auto& resource = permission.resource;
        if (roles.count(resource) || reasons.count(resource))
            continue;
        if (resource == "sharepoint" && inspection.sharepointHost.empty()) {
            reasons[resource] = "SharePoint host unknown: set sharepoint_host";
            continue;
        }
        try {
            roles[resource] =
                tokenRoles(client.acquire(audiences.resourceAudience(resource) + "/.default", &context.call));
        } catch (const wp::Error& e) {
            if (e.status() == WP_E_CANCELLED)
                throw;
            reasons[resource] = "no token: " + e.code();
        }
    }
    for (const auto& permission : selected) {
        bool granted = roles.count(permission.resource) && roles[permission.resource].count(permission.name);
        (granted ? inspection.granted : inspection.missing).push_back(permission);
    }
    reportMissing(context, inspection.missing, reasons);
    if (inspection.granted.empty())
        throw wp::Error(WP_E_PERMISSION_DENIED, "adopt.no_permissions",
                        "Application " + appId + " holds none of the " + std::to_string(selected.size()) +
                            " permissions the selected workloads need; nothing was stored.",
                        "Have an administrator grant the permissions (see the findings), then adopt again.");
    step.done(std::to_string(inspection.granted.size()) + " granted, " +
              std::to_string(inspection.missing.size()) + " missing");
    lookUpDirectoryIds(context, transport, connection, appId, graphToken, credential.certificate, inspection,
                       progress);
    return inspection;
}

} // namespace m365
