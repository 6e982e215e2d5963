// What the plugin persists about a configured tenant, and under which store keys.
//
// Config store (plain JSON, readable by operators):
//   "instance"  the complete configuration (InstanceRecord). Written last, with compare-and-swap, so it
//               only exists once everything it names exists (the configuration becomes visible atomically).
//   "journal"   an operation in progress (see journal.h); absent when nothing is in flight.
//   "state"     volatile facts written by validate (last online validation).
// Secret store (encrypted by the host):
//   "credential.<sha1 thumbprint, lower case>"  {"private_key_pem","certificate_pem"}: a new key name per
//               certificate, written BEFORE the instance record that points at it.
#pragma once

#include "cloud.h"
#include "proxy_config.h"
#include "secret_buffer.h"

#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

namespace m365 {

namespace keys {
inline constexpr std::string_view instance = "instance";
inline constexpr std::string_view journal = "journal";
inline constexpr std::string_view state = "state";
/// Secret-store key of the credential with that SHA-1 thumbprint.
std::string credential(const std::string& thumbprintSha1);
} // namespace keys

struct GrantedPermission {
    std::string resource;     ///< "graph", "exchange", "sharepoint"
    std::string name;         ///< "Mail.Read"
    std::string appRoleId;    ///< as resolved from the tenant's resource service principal
    std::string assignmentId; ///< id of the appRoleAssignment (for revoking)
};

struct CertificateRecord {
    std::string secretKey;        ///< secret-store key holding private key + certificate
    std::string thumbprintSha1;   ///< hex, upper case (Entra's "thumbprint")
    std::string thumbprintSha256; ///< hex, upper case
    std::string keyId;            ///< keyCredential keyId in the application (for removeKey)
    std::string subject;
    int64_t notBefore = 0; ///< seconds since the epoch, UTC
    int64_t notAfter = 0;
    int keyBits = 0;
};

/// Who did what, for matching against Entra's audit log.
struct AuditEntry {
    std::string action; ///< "setup", "remove", ...
    std::string at;     ///< ISO-8601 UTC
    std::string host;   ///< host name reported by the host
    std::string runId;  ///< our operation id, also our client-request-id on Graph calls
    std::string signedInUpn;
    std::string signedInObjectId;
    std::vector<std::string> created;    ///< "application <objectId> (appId <appId>)", ...
    std::vector<std::string> requestIds; ///< Graph request-ids of the writes
};

struct InstanceRecord {
    static constexpr int kSchema = 1;

    std::string tenantId;      ///< GUID
    std::string tenantDomain;  ///< as configured (domain or GUID)
    std::string initialDomain; ///< "<name>.onmicrosoft.com", from /organization
    CloudEndpoints cloud;
    std::string caFile;         ///< extra CA bundle for the endpoints, or ""
    ProxyConfig proxy{};        ///< explicit proxy settings ("proxy" object; no password), or empty
    std::string signInClientId; ///< public client used for admin sign-ins
    std::string sharepointHost; ///< "<name>.sharepoint.com" (discovered or configured)
    std::string assertion = "PS256";

    std::string displayName;
    std::string applicationObjectId; ///< /applications/{id}, iss of addKey proofs
    std::string appId;               ///< client_id
    std::string servicePrincipalId;  ///< principalId of the grants

    /// "setup": the plugin created the application (remove deletes it, rotate renews the certificate);
    /// "adopt": the identity team owns it (remove only forgets it, see adopt_policy.h).
    std::string origin = "setup";
    bool allowSelfRotation = true; ///< rotate may add a self-generated certificate (adopt: owner's choice)

    std::vector<std::string> workloads;
    bool includeRestore = false;
    std::vector<int> reminderDays{60, 30, 7}; ///< validate warns when fewer days than these are left
    std::vector<GrantedPermission> permissions;
    CertificateRecord certificate;
    std::vector<AuditEntry> audit;

    std::string toJson() const;
    /// Throws wp::Error(WP_E_INVALID_CONFIG, "state.instance_corrupt") on unreadable text and
    /// WP_E_INCOMPATIBLE "state.schema_unsupported" for a newer schema.
    static InstanceRecord fromJson(std::string_view text);

    /// Token audience ("https://graph.microsoft.com") of "graph", "exchange" or "sharepoint".
    std::string resourceAudience(const std::string& resource) const;
    /// Permission names per resource, e.g. {"Mail.Read", "User.Read.All"} for "graph".
    std::vector<std::string> permissionNames(const std::string& resource) const;
};

/// The secret-store value: PEM private key (PKCS#8) and PEM certificate.
SecretBuffer credentialSecretJson(std::string_view privateKeyPem, std::string_view certificatePem);
struct StoredCredential {
    SecretBuffer privateKeyPem;
    std::string certificatePem;
};
/// Throws wp::Error(WP_E_INVALID_CONFIG, "state.credential_corrupt").
StoredCredential parseCredentialSecret(std::string_view text);

/// ISO-8601 UTC ("2026-11-29T09:00:00Z") of seconds since the epoch, and back (0 if unparseable).
std::string isoTime(int64_t unixSeconds);
int64_t parseIsoTime(const std::string& text);

} // namespace m365
