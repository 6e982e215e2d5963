#include "instance_record.h"

#include "json_util.h"
#include "settings.h"

#include <wp/plugin.hpp>

#include <Poco/DateTimeFormat.h>
#include <Poco/DateTimeFormatter.h>
#include <Poco/DateTimeParser.h>
#include <Poco/Exception.h>
#include <Poco/String.h>
#include <Poco/Timestamp.h>

namespace m365 {

std::string keys::credential(const std::string& thumbprintSha1) {
    return "credential." + Poco::toLower(thumbprintSha1);
}

namespace {

Poco::JSON::Object::Ptr auditToJson(const AuditEntry& entry) {
    Poco::JSON::Object::Ptr object = new Poco::JSON::Object;
    object->set("action", entry.action);
    object->set("at", entry.at);
    object->set("host", entry.host);
    object->set("run_id", entry.runId);
    object->set("signed_in_upn", entry.signedInUpn);
    object->set("signed_in_object_id", entry.signedInObjectId);
    object->set("created", json::toArray(entry.created));
    object->set("request_ids", json::toArray(entry.requestIds));
    return object;
}

AuditEntry auditFromJson(const Poco::JSON::Object::Ptr& object) {
    AuditEntry entry;
    entry.action = json::optStr(object, "action");
    entry.at = json::optStr(object, "at");
    entry.host = json::optStr(object, "host");
    entry.runId = json::optStr(object, "run_id");
    entry.signedInUpn = json::optStr(object, "signed_in_upn");
    entry.signedInObjectId = json::optStr(object, "signed_in_object_id");
    entry.created = json::strings(json::optArray(object, "created"));
    entry.requestIds = json::strings(json::optArray(object, "request_ids"));
    return entry;
}

Poco::JSON::Object::Ptr certificateToJson(const CertificateRecord& certificate) {
    Poco::JSON::Object::Ptr object = new Poco::JSON::Object;
    object->set("secret_key", certificate.secretKey);
    object->set("thumbprint_sha1", certificate.thumbprintSha1);
    object->set("thumbprint_sha256", certificate.thumbprintSha256);
    object->set("key_id", certificate.keyId);
    object->set("subject", certificate.subject);
    object->set("not_before", isoTime(certificate.notBefore));
    object->set("not_after", isoTime(certificate.notAfter));
    object->set("key_bits", certificate.keyBits);
    return object;
}

CertificateRecord certificateFromJson(const Poco::JSON::Object::Ptr& object) {
    CertificateRecord certificate;
    certificate.secretKey = json::str(object, "secret_key");
    certificate.thumbprintSha1 = json::str(object, "thumbprint_sha1");
    certificate.thumbprintSha256 = json::optStr(object, "thumbprint_sha256");
    certificate.keyId = json::optStr(object, "key_id");
    certificate.subject = json::optStr(object, "subject");
    certificate.notBefore = parseIsoTime(json::optStr(object, "not_before"));
    certificate.notAfter = parseIsoTime(json::str(object, "not_after"));
    certificate.keyBits = static_cast<int>(json::optInteger(object, "key_bits", 0));
    return certificate;
}

} // namespace

std::string InstanceRecord::toJson() const {
    Poco::JSON::Object::Ptr root = new Poco::JSON::Object;
    root->set("schema", kSchema);
    Poco::JSON::Object::Ptr tenant = new Poco::JSON::Object;
    tenant->set("id", tenantId);
    tenant->set("domain", tenantDomain);
    tenant->set("initial_domain", initialDomain);
    tenant->set("sharepoint_host", sharepointHost);
    root->set("tenant", tenant);
    root->set("cloud", cloud.toJson());
    root->set("ca_file", caFile);
    if (auto network = proxy.toJson())
        root->set("proxy", network);
    root->set("sign_in_client_id", signInClientId);
    root->set("assertion", assertion);
    Poco::JSON::Object::Ptr application = new Poco::JSON::Object;
    application->set("display_name", displayName);
    application->set("object_id", applicationObjectId);
    application->set("app_id", appId);
    application->set("service_principal_id", servicePrincipalId);
    root->set("application", application);
    root->set("origin", origin);
    root->set("allow_self_rotation", allowSelfRotation);
    root->set("workloads", json::toArray(workloads));
    root->set("include_restore", includeRestore);
    Poco::JSON::Array::Ptr reminders = new Poco::JSON::Array;
    for (int days : reminderDays)
        reminders->add(days);
    root->set("reminder_days", reminders);
    Poco::JSON::Array::Ptr granted = new Poco::JSON::Array;
    for (const auto& permission : permissions) {
        Poco::JSON::Object::Ptr entry = new Poco::JSON::Object;
        entry->set("resource", permission.resource);
        entry->set("name", permission.name);
        entry->set("app_role_id", permission.appRoleId);
        entry->set("assignment_id", permission.assignmentId);
        granted->add(entry);
    }
    root->set("permissions", granted);
    root->set("certificate", certificateToJson(certificate));
    Poco::JSON::Array::Ptr auditArray = new Poco::JSON::Array;
    for (const auto& entry : audit)
        auditArray->add(auditToJson(entry));
    root->set("audit", auditArray);
    return json::stringify(root);
}

InstanceRecord InstanceRecord::fromJson(std::string_view text) {
    auto root = json::tryParseObject(text);
    if (!root)
        throw wp::Error(WP_E_INVALID_CONFIG, "state.instance_corrupt",
                        "The stored configuration is not readable.",
                        "Run configure --action remove with local_only=true, then setup again.");
    if (json::optInteger(root, "schema", 0) > kSchema)
        throw wp::Error(WP_E_INCOMPATIBLE, "state.schema_unsupported",
                        "The stored configuration was written by a newer plugin version.");
    try {
        InstanceRecord record;
        auto tenant = json::object(root, "tenant");
        record.tenantId = json::str(tenant, "id");
        record.tenantDomain = json::optStr(tenant, "domain");
        record.initialDomain = json::optStr(tenant, "initial_domain");
        record.sharepointHost = json::optStr(tenant, "sharepoint_host");
        record.cloud = CloudEndpoints::fromJson(json::object(root, "cloud"));
        record.caFile = json::optStr(root, "ca_file");
        record.proxy = ProxyConfig::fromJson(root->getObject("proxy"));
        record.signInClientId = json::optStr(root, "sign_in_client_id");
        record.assertion = json::optStr(root, "assertion", "PS256");
        auto application = json::object(root, "application");
        record.displayName = json::optStr(application, "display_name");
        record.applicationObjectId = json::str(application, "object_id");
        record.appId = json::str(application, "app_id");
        record.servicePrincipalId = json::optStr(application, "service_principal_id");
        record.workloads = json::strings(json::optArray(root, "workloads"));
        record.includeRestore = root->optValue("include_restore", false);
        if (auto reminders = json::optArray(root, "reminder_days")) {
            record.reminderDays.clear();
            for (unsigned i = 0; i < reminders->size(); ++i)
                record.reminderDays.push_back(reminders->getElement<int>(i));
        }
        if (auto granted = json::optArray(root, "permissions")) {
            for (unsigned i = 0; i < granted->size(); ++i) {
                auto entry = granted->getObject(i);
                record.permissions.push_back({json::str(entry, "resource"), json::str(entry, "name"),
                                              json::optStr(entry, "app_role_id"),
                                              json::optStr(entry, "assignment_id")});
            }
        }
        record.certificate = certificateFromJson(json::object(root, "certificate"));
        if (auto auditArray = json::optArray(root, "audit")) {
            for (unsigned i = 0; i < auditArray->size(); ++i)
                record.audit.push_back(auditFromJson(auditArray->getObject(i)));
        }
        // Records from before "origin" existed: an adoption is told apart by its first audit entry.
        bool adoptedEarlier = !record.audit.empty() && record.audit.front().action == "adopt";
        record.origin = json::optStr(root, "origin", adoptedEarlier ? "adopt" : "setup");
        record.allowSelfRotation = root->optValue("allow_self_rotation", record.origin != "adopt");
        // The ids go into Graph URLs and OData keys, the host into token audiences: a damaged or forged
        // record must not smuggle a path or a query into them.
        bool idsAreGuids = isGuid(record.tenantId) && isGuid(record.applicationObjectId) &&
                           isGuid(record.appId) &&
                           (record.servicePrincipalId.empty() || isGuid(record.servicePrincipalId));
        if (!idsAreGuids || (!record.sharepointHost.empty() && !isDomainName(record.sharepointHost)))
            throw wp::Error(WP_E_INVALID_CONFIG, "state.instance_corrupt", "bad id");
        return record;
    } catch (const wp::Error&) {
        throw wp::Error(WP_E_INVALID_CONFIG, "state.instance_corrupt",
                        "The stored configuration is incomplete or damaged.",
                        "Run configure --action remove with local_only=true, then setup again.");
    } catch (const Poco::Exception&) {
        // A mistyped value (e.g. "reminder_days":["x"]) fails in Poco's conversions, not in json::*.
        throw wp::Error(WP_E_INVALID_CONFIG, "state.instance_corrupt",
                        "The stored configuration is incomplete or damaged.",
                        "Run configure --action remove with local_only=true, then setup again.");
    }
}

std::string InstanceRecord::resourceAudience(const std::string& resource) const {
    if (resource == "graph")
        return cloud.graphResource;
    if (resource == "exchange")
        return cloud.exchangeResource;
    if (resource == "sharepoint")
        return "https://" + sharepointHost;
    throw wp::Error(WP_E_INVALID_ARGUMENT, "acquire.resource_unknown", "Unknown resource '" + resource + "'.",
                    "Use graph, exchange, sharepoint or an explicit scope ending in /.default.");
}

std::vector<std::string> InstanceRecord::permissionNames(const std::string& resource) const {
    std::vector<std::string> names;
    for (const auto& permission : permissions) {
        if (permission.resource == resource)
            names.push_back(permission.name);
    }
    return names;
}

SecretBuffer credentialSecretJson(std::string_view privateKeyPem, std::string_view certificatePem) {
    SecretBuffer out;
    out.append("{\"private_key_pem\":");
    std::string quoted = json::quote(privateKeyPem);
    out.append(quoted);
    wipeString(quoted);
    out.append(",\"certificate_pem\":");
    out.append(json::quote(certificatePem));
    out.append("}");
    return out;
}

StoredCredential parseCredentialSecret(std::string_view text) {
    auto root = json::tryParseObject(text);
    if (!root || json::optStr(root, "private_key_pem").empty() ||
        json::optStr(root, "certificate_pem").empty())
        throw wp::Error(WP_E_INVALID_CONFIG, "state.credential_corrupt",
                        "The stored certificate credential is not readable.",
                        "Run configure --action update (or remove and setup) to replace it.");
    std::string pem = json::str(root, "private_key_pem");
    StoredCredential credential{SecretBuffer::adopt(std::move(pem)), json::str(root, "certificate_pem")};
    root->clear(); // the parsed copy of the key goes now rather than with the last reference
    return credential;
}

std::string isoTime(int64_t unixSeconds) {
    return Poco::DateTimeFormatter::format(
        Poco::Timestamp::fromEpochTime(static_cast<std::time_t>(unixSeconds)), "%Y-%m-%dT%H:%M:%SZ");
}

namespace {

/// "YYYY-MM-DDTHH:MM:SS" then an optional ".fraction" and "Z" or "+HH:MM"/"-HH:MM", digits where digits
/// belong: Poco's parser skips what it does not expect, so "!028-11-29T09:00:00Z" got through.
bool strictIsoShape(const std::string& text) {
    static constexpr const char kShape[] = "dddd-dd-ddTdd:dd:dd";
    constexpr std::size_t kLength = sizeof(kShape) - 1;
    auto digit = [](char c) { return c >= '0' && c <= '9'; };
    if (text.size() < kLength + 1)
        return false;
    for (std::size_t i = 0; i < kLength; ++i)
        if (kShape[i] == 'd' ? !digit(text[i]) : text[i] != kShape[i])
            return false;
    std::size_t at = kLength;
    if (text[at] == '.') {
        std::size_t digits = 0;
        for (++at; at < text.size() && digit(text[at]); ++at)
            ++digits;
        if (digits == 0)
            return false;
    }
    if (at + 1 == text.size() && text[at] == 'Z')
        return true;
    return at + 6 == text.size() && (text[at] == '+' || text[at] == '-') && digit(text[at + 1]) &&
           digit(text[at + 2]) && text[at + 3] == ':' && digit(text[at + 4]) && digit(text[at + 5]);
}

} // namespace

int64_t parseIsoTime(const std::string& text) {
    int tzd = 0;
    Poco::DateTime parsed;
    if (!strictIsoShape(text) ||
        !Poco::DateTimeParser::tryParse(Poco::DateTimeFormat::ISO8601_FORMAT, text, parsed, tzd))
        return 0;
    // Nothing we store predates 1970, and Poco does not read back what it formats for years before the
    // Gregorian calendar (fuzz finding: "1014-11-29T09:00:00Z" changed on a decode/encode round trip).
    if (parsed.year() < 1970)
        return 0;
    return static_cast<int64_t>(parsed.timestamp().epochTime()) - tzd;
}

} // namespace m365
