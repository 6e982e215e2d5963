// configure --action adopt: bring your own application and certificate. The identity team registered the
// application and issued the certificate; the plugin checks online (no admin sign-in) that the key matches,
// that the application accepts the certificate (an app-only token is issued with it) and which of the
// selected workloads' permissions are granted (the token's roles), then stores it like a setup.
// replace_certificate=true on a configured instance checks a renewed certificate the same way and switches
// to it atomically (compare-and-swap on the instance record). An unfinished operation recorded in the
// journal is never adopted over: a setup's leftovers refuse a new adoption (journal.busy; remove cleans them
// up), a rotation is finished or undone before a replace (as rotate does).
#pragma once

#include "certificate_import.h"
#include "permission_manifest.h"
#include "settings.h"
#include "setup.h"
#include "token_client.h"

#include <optional>
#include <string>
#include <vector>

namespace m365 {

struct AdoptSettings {
    SetupSettings setup;      ///< connection, workloads, include_restore, sharepoint_host, assertion, ...
    std::string appId;        ///< the application (client) id; optional with replaceCertificate
    CertificateSource source; ///< the files; their contents are stored, the paths are not
    bool replaceCertificate = false;
    /// allow_self_rotation: whether `rotate` may add self-generated certificates to the owners' application.
    /// Unset: false for a new adoption, unchanged with replaceCertificate.
    std::optional<bool> allowSelfRotation;
};

/// Throws wp::Error(WP_E_INVALID_CONFIG): adopt.password_in_settings (a password as a settings value),
/// adopt.app_id_missing/_invalid, adopt.certificate_missing, adopt.certificate_ambiguous, and setup's codes.
AdoptSettings parseAdoptSettings(std::string_view settingsJson, std::string_view instanceId);

void runAdopt(const ActionContext& context, const AdoptSettings& settings);

/// What the online checks learned about the adopted application.
struct AdoptInspection {
    std::string tenantId;            ///< from the token's tid
    std::string initialDomain;       ///< "" unless /organization was readable
    std::string sharepointHost;      ///< configured, derived or ""
    std::vector<Permission> granted; ///< selected permissions present in the tokens' roles
    std::vector<Permission> missing; ///< selected permissions absent
    std::string applicationObjectId; ///< "" when the app may not read the directory
    std::string servicePrincipalId;  ///< ""
    std::string displayName;         ///< ""
    std::string keyId;               ///< keyCredential holding the certificate, "" if unknown
};

/// The online checks (adopt_checks.cpp). Throws adopt.certificate_not_registered (naming the thumbprint),
/// adopt.application_not_found, adopt.no_permissions; reports missing permissions as findings and events.
AdoptInspection inspectAdoptedApplication(const ActionContext& context, const ConnectionSettings& connection,
                                          const std::string& appId, AssertionProfile assertion,
                                          const GeneratedCredential& credential,
                                          const std::vector<Permission>& selected,
                                          const std::string& sharepointHost, int verifyTimeoutSeconds);

} // namespace m365
