#include "settings.h"

#include "permission_manifest.h"
#include "settings_reader.h"

#include <wp/plugin.hpp>

#include <Poco/File.h>
#include <Poco/String.h>

#include <algorithm>
#include <cctype>
#include <cstdlib>
#include <fstream>
#include <regex>

namespace m365 {

namespace {

void readCaFile(SettingsReader& reader, std::string& caFile) {
    caFile = reader.text("ca_file", "");
    if (caFile.empty())
        return;
    std::ifstream in(caFile);
    if (!in)
        reader.fail("config.ca_file_invalid", "The CA file " + quoteForMessage(caFile) + " cannot be read.");
}

std::string readClientId(SettingsReader& reader) {
    auto clientId = reader.text("client_id", "");
    if (!clientId.empty() && !isGuid(clientId))
        reader.fail("config.client_id_invalid", "'client_id' must be an application id (GUID).");
    return clientId;
}

ConnectionSettings readConnection(SettingsReader& reader) {
    ConnectionSettings connection;
    auto tenant = reader.text("tenant");
    if (!tenant || tenant->empty())
        reader.fail("config.tenant_missing",
                    "The setting 'tenant' is required (e.g. contoso.onmicrosoft.com).");
    else if (!isGuid(*tenant) && !isDomainName(*tenant))
        reader.fail("config.tenant_invalid",
                    "'tenant' must be a domain such as contoso.onmicrosoft.com or a tenant id (GUID).");
    else
        connection.tenant = Poco::toLower(*tenant);

    auto cloud = reader.text("cloud", "global");
    auto authority = reader.text("authority_host", "");
    auto graph = reader.text("graph_host", "");
    auto resourcesOf = reader.text("resources_of", "");
    if (cloud == "custom") {
        if (authority.empty())
            reader.fail("config.authority_host_missing",
                        "cloud=custom needs 'authority_host' (https://host[:port]).");
        else if (normalizeHttpsBase(authority).empty())
            reader.fail("config.authority_host_invalid", "'authority_host' must be an https URL.");
        if (graph.empty())
            reader.fail("config.graph_host_missing",
                        "cloud=custom needs 'graph_host' (https://host[:port]).");
        else if (normalizeHttpsBase(graph).empty())
            reader.fail("config.graph_host_invalid", "'graph_host' must be an https URL.");
    } else if (!authority.empty() || !graph.empty() || !resourcesOf.empty()) {
        reader.fail("config.cloud_invalid",
                    "'authority_host', 'graph_host' and 'resources_of' are only used with cloud=custom.");
    }
    try {
        connection.cloud = cloudEndpoints(cloud, authority, graph, resourcesOf);
    } catch (const wp::Error& e) {
        reader.fail(e.code(), e.what());
    }
    readCaFile(reader, connection.caFile);
    connection.proxy = ProxyConfig::read(reader);
    if (auto attempts = reader.integer("device_code_attempts", 1, 10))
        connection.deviceCodeAttempts = static_cast<int>(*attempts);
    connection.clientId = readClientId(reader);
    if (connection.clientId.empty())
        connection.clientId = connection.cloud.publicClientId;
    return connection;
}

std::vector<std::string> readWorkloads(SettingsReader& reader) {
    const auto& manifest = PermissionManifest::builtIn();
    auto all = manifest.workloads();
    auto chosen = reader.list("workloads");
    if (!chosen)
        return all;
    std::vector<std::string> workloads;
    for (auto name : *chosen) {
        name = Poco::toLower(name);
        if (!manifest.hasWorkload(name)) {
            std::string known;
            for (const auto& w : all)
                known += (known.empty() ? "" : ", ") + w;
            reader.fail("config.workloads_invalid",
                        "Unknown workload " + quoteForMessage(name) + "; choose from " + known + ".");
            return all;
        }
        if (std::find(workloads.begin(), workloads.end(), name) == workloads.end())
            workloads.push_back(name);
    }
    if (workloads.empty())
        reader.fail("config.workloads_invalid", "'workloads' must name at least one workload.");
    std::vector<std::string> ordered;
    for (const auto& name : all) {
        if (std::find(workloads.begin(), workloads.end(), name) != workloads.end())
            ordered.push_back(name);
    }
    return ordered;
}

std::string readAppName(SettingsReader& reader, std::string_view instanceId) {
    auto name = reader.text("app_name", "Workload Backup (" + std::string(instanceId) + ")");
    std::size_t characters = 0;
    if (!printableUtf8(name, &characters) || characters == 0 || characters > 120)
        reader.fail("config.app_name_invalid",
                    "'app_name' must be 1 to 120 printable characters (UTF-8, no control characters).");
    return name;
}

std::optional<std::vector<int>> readReminderDays(SettingsReader& reader) {
    auto days = reader.list("reminder_days");
    if (!days)
        return std::nullopt;
    std::vector<int> result;
    for (const auto& item : *days) {
        char* end = nullptr;
        long value = std::strtol(item.c_str(), &end, 10);
        if (item.empty() || *end != '\0' || value < 1 || value > 3650) {
            reader.fail("config.reminder_days_invalid",
                        "'reminder_days' must list whole days from 1 to 3650.");
            return std::nullopt;
        }
        result.push_back(static_cast<int>(value));
    }
    std::sort(result.rbegin(), result.rend());
    return result;
}

} // namespace

std::string assertionProfileName(AssertionProfile profile) {
    return profile == AssertionProfile::RS256WithX5t ? "RS256" : "PS256";
}

AssertionProfile assertionProfileFromName(const std::string& name) {
    return Poco::toUpper(name) == "RS256" ? AssertionProfile::RS256WithX5t
                                          : AssertionProfile::PS256WithX5tS256;
}

bool isGuid(const std::string& text) {
    static const std::regex guid(
        "^[0-9a-fA-F]{8}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{12}$");
    return std::regex_match(text, guid);
}

bool isDomainName(const std::string& text) {
    static const std::regex domain("^([a-zA-Z0-9]([a-zA-Z0-9-]{0,61}[a-zA-Z0-9])?\\.)+[a-zA-Z]{2,63}$");
    return text.size() <= 253 && std::regex_match(text, domain);
}

SetupSettings parseSetupSettings(std::string_view settingsJson, std::string_view instanceId) {
    SettingsReader reader(settingsJson);
    SetupSettings settings;
    settings.connection = readConnection(reader);
    settings.workloads = readWorkloads(reader);
    settings.includeRestore = reader.boolean("include_restore", false);
    settings.appName = readAppName(reader, instanceId);
    if (auto bits = reader.integer("key_bits", 2048, 4096)) {
        if (*bits != 2048 && *bits != 3072 && *bits != 4096)
            reader.fail("config.key_bits_invalid", "'key_bits' must be 2048, 3072 or 4096.");
        settings.keyBits = static_cast<int>(*bits);
    }
    if (auto days = reader.integer("validity_days", 1, 3650))
        settings.validityDays = static_cast<int>(*days);
    settings.sharepointHost = Poco::toLower(reader.text("sharepoint_host", ""));
    if (!settings.sharepointHost.empty() && !isDomainName(settings.sharepointHost))
        reader.fail("config.sharepoint_host_invalid",
                    "'sharepoint_host' must be a host name such as contoso.sharepoint.com.");
    auto profile = Poco::toUpper(reader.text("assertion", "PS256"));
    if (profile != "PS256" && profile != "RS256")
        reader.fail("config.assertion_invalid", "'assertion' must be PS256 or RS256.");
    settings.assertion = assertionProfileFromName(profile);
    if (auto days = readReminderDays(reader))
        settings.reminderDays = *days;
    if (auto timeout = reader.integer("verify_timeout_s", 1, 1800))
        settings.verifyTimeoutSeconds = static_cast<int>(*timeout);
    reader.finish();
    return settings;
}

RemoveSettings parseRemoveSettings(std::string_view settingsJson) {
    SettingsReader reader(settingsJson);
    RemoveSettings settings;
    settings.localOnly = reader.boolean("local_only", false);
    if (reader.has("delete_application"))
        settings.deleteApplication = reader.boolean("delete_application", false);
    readCaFile(reader, settings.caFile);
    settings.clientId = readClientId(reader);
    reader.finish();
    return settings;
}

ValidateOptions parseValidateOptions(std::string_view optionsJson) {
    SettingsReader reader(optionsJson);
    ValidateOptions options;
    options.offline = reader.boolean("offline", false);
    options.reminderDays = readReminderDays(reader);
    if (auto days = reader.integer("auto_rotate_days", 0, 3650))
        options.autoRotateDays = static_cast<int>(*days);
    options.nowOffsetSeconds = readNowOffsetSeconds(reader);
    reader.finish();
    return options;
}

} // namespace m365
