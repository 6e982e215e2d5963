// The writes of setup and update: the application (with its certificate and exactly the chosen roles in
// requiredResourceAccess), its service principal, the app role grants, and deleting them again.
#pragma once

#include "certificate.h"
#include "graph_client.h"
#include "progress.h"
#include "tenant_directory.h"

#include <string>
#include <vector>

namespace m365 {

struct CreatedApplication {
    std::string objectId;
    std::string appId;
    std::string keyId; ///< keyCredential id of our certificate
};

struct ApplicationSpec {
    std::string displayName;
    std::string marker; ///< tag that finds the application again if its create answer was lost
    std::string notes;  ///< shown in the portal: who created it and why
    const std::vector<ResolvedPermission>* permissions = nullptr;
    const CertificateInfo* certificate = nullptr;
};

/// requiredResourceAccess of the application: exactly these roles (type Role), grouped per resource.
Poco::JSON::Array::Ptr requiredResourceAccessJson(const std::vector<ResolvedPermission>& permissions);
/// A keyCredentials entry for a new certificate; keyId "" lets Graph choose it.
Poco::JSON::Object::Ptr keyCredentialJson(const CertificateInfo& certificate, const std::string& keyId);

/// POST /applications (signInAudience AzureADMyOrg).
CreatedApplication createApplication(GraphClient& graph, const ApplicationSpec& spec);
/// POST /servicePrincipals {appId}, retried through replication; returns the SP object id.
std::string createServicePrincipal(GraphClient& graph, const std::string& appId,
                                   std::chrono::milliseconds budget);

struct Grant {
    const ResolvedPermission* permission = nullptr;
    std::string assignmentId;
};

/// Grants every permission to the service principal via appRoleAssignedTo on the resource SPs, in
/// $batch requests of up to 20 (falling back to single requests if $batch is unavailable). Each grant is
/// handled on its own: replication errors and throttling are retried within budget, "already exists"
/// counts as granted, anything else throws that grant's error naming the permission.
std::vector<Grant> grantPermissions(GraphClient& graph, const std::string& servicePrincipalId,
                                    const std::vector<ResolvedPermission>& permissions,
                                    std::chrono::milliseconds budget, Progress& progress);

/// DELETE /servicePrincipals/{resourceSpId}/appRoleAssignedTo/{assignmentId}; an assignment that is already
/// gone counts as revoked.
void revokeGrant(GraphClient& graph, const std::string& resourceSpId, const std::string& assignmentId);

/// Deletes the application (which takes its service principal and grants); the SP first when known,
/// because whether Entra removes it with the app is not documented. Missing objects count as deleted.
void deleteApplication(GraphClient& graph, const std::string& objectId,
                       const std::string& servicePrincipalId);

/// Object ids of applications named displayName that carry the marker tag (for recovering a create whose
/// answer was lost). Filters by name on the server (widely supported) and by tag on the client.
std::vector<std::string> findApplicationsByMarker(GraphClient& graph, const std::string& displayName,
                                                  const std::string& marker);

} // namespace m365
