// The settings of each configure action, validated up front: every bad value gets its own stable code
// (config.tenant_invalid, config.key_bits_invalid, ...) before anything is signed in or created.
#pragma once

#include "cloud.h"
#include "jwt.h"
#include "proxy_config.h"

#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace m365 {

/// "PS256" / "RS256": how the client assertion is signed (entra-facts 2.2); persisted by name.
std::string assertionProfileName(AssertionProfile profile);
AssertionProfile assertionProfileFromName(const std::string& name);

/// What the admin sign-in and any Graph/identity call need to reach the tenant.
struct ConnectionSettings {
    std::string tenant;         ///< domain or GUID as the user gave it
    CloudEndpoints cloud;       ///< resolved endpoints
    std::string caFile;         ///< extra trusted CA bundle, or ""
    std::string clientId;       ///< public client for the admin's device-code sign-in
    ProxyConfig proxy{};        ///< explicit proxy settings (empty: HTTPS_PROXY / NO_PROXY decide)
    int deviceCodeAttempts = 3; ///< device codes one sign-in may request (a new one when one expires)
};

struct SetupSettings {
    ConnectionSettings connection;
    std::vector<std::string> workloads; ///< manifest order
    bool includeRestore = false;        ///< add the restore (write) permissions
    std::string appName;
    int keyBits = 2048;
    int validityDays = 730;
    std::string sharepointHost; ///< configured SharePoint host, or "" to discover it
    AssertionProfile assertion = AssertionProfile::PS256WithX5tS256;
    int verifyTimeoutSeconds = 300;           ///< how long verification waits for replication
    std::vector<int> reminderDays{60, 30, 7}; ///< expiry reminders (days left), descending; persisted
};

struct RemoveSettings {
    bool localOnly = false; ///< forget locally without touching the tenant
    /// delete_application: whether remove deletes the application in the tenant; unset: yes for applications
    /// setup created, no for adopted ones (the plugin does not own those).
    std::optional<bool> deleteApplication;
    std::string caFile;   ///< overrides the stored ca_file (e.g. it moved), or ""
    std::string clientId; ///< overrides the stored sign-in client, or ""
};

struct ValidateOptions {
    bool offline = false;
    /// Overrides the instance's reminder thresholds (descending) for this run; nullopt: the stored ones.
    std::optional<std::vector<int>> reminderDays;
    long long nowOffsetSeconds = 0; ///< shifts "now" for the expiry checks (tests, dry runs)
    int autoRotateDays = 30;        ///< online validate rotates with fewer days left (0: never)
};

/// Parses and validates; throws wp::Error(WP_E_INVALID_CONFIG, "config.<setting>_invalid", ...).
SetupSettings parseSetupSettings(std::string_view settingsJson, std::string_view instanceId);
RemoveSettings parseRemoveSettings(std::string_view settingsJson);
ValidateOptions parseValidateOptions(std::string_view optionsJson);

bool isGuid(const std::string& text);
bool isDomainName(const std::string& text);

} // namespace m365
