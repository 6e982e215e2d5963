#include "journal.h"

#include "instance_record.h"
#include "json_util.h"

#include <wp/plugin.hpp>

namespace m365 {

std::string JournalEntry::toJson() const {
    Poco::JSON::Object::Ptr root = new Poco::JSON::Object;
    root->set("operation", operation);
    root->set("run_id", runId);
    root->set("started_at", startedAt);
    root->set("host", host);
    root->set("tenant", tenant);
    root->set("cloud", cloud.toJson());
    root->set("ca_file", caFile);
    root->set("sign_in_client_id", signInClientId);
    root->set("pending_step", pendingStep);
    root->set("display_name", displayName);
    root->set("secret_key", secretKey);
    root->set("application_object_id", applicationObjectId);
    root->set("app_id", appId);
    root->set("service_principal_id", servicePrincipalId);
    root->set("assignment_ids", json::toArray(assignmentIds));
    root->set("owner", owner);
    root->set("added_key_id", addedKeyId);
    root->set("replaced_key_id", replacedKeyId);
    root->set("replaced_secret", replacedSecret);
    return json::stringify(root);
}

JournalEntry JournalEntry::fromJson(const std::string& text) {
    auto root = json::tryParseObject(text);
    if (!root)
        throw wp::Error(WP_E_INVALID_CONFIG, "journal.corrupt",
                        "The stored operation journal is not readable.",
                        "Check the tenant for a half-created application, then remove the 'journal' key.");
    JournalEntry entry;
    entry.operation = json::optStr(root, "operation");
    entry.runId = json::optStr(root, "run_id");
    entry.startedAt = json::optStr(root, "started_at");
    entry.host = json::optStr(root, "host");
    entry.tenant = json::optStr(root, "tenant");
    if (auto cloud = json::optObject(root, "cloud"))
        entry.cloud = CloudEndpoints::fromJson(cloud);
    entry.caFile = json::optStr(root, "ca_file");
    entry.signInClientId = json::optStr(root, "sign_in_client_id");
    entry.pendingStep = json::optStr(root, "pending_step");
    entry.displayName = json::optStr(root, "display_name");
    entry.secretKey = json::optStr(root, "secret_key");
    entry.applicationObjectId = json::optStr(root, "application_object_id");
    entry.appId = json::optStr(root, "app_id");
    entry.servicePrincipalId = json::optStr(root, "service_principal_id");
    entry.assignmentIds = json::strings(json::optArray(root, "assignment_ids"));
    entry.owner = json::optStr(root, "owner");
    entry.addedKeyId = json::optStr(root, "added_key_id");
    entry.replacedKeyId = json::optStr(root, "replaced_key_id");
    entry.replacedSecret = json::optStr(root, "replaced_secret");
    return entry;
}

std::optional<JournalEntry> Journal::peek() const {
    auto stored = _config.get(keys::journal);
    if (!stored)
        return std::nullopt;
    return JournalEntry::fromJson(stored->value);
}

bool Journal::resume() {
    auto stored = _config.get(keys::journal);
    if (!stored)
        return false;
    _entry = JournalEntry::fromJson(stored->value);
    _revision = stored->revision;
    return true;
}

void Journal::begin(const JournalEntry& entry) {
    _entry = entry;
    uint64_t revision = 0;
    if (!_config.putIf(keys::journal, WP_REVISION_ABSENT, _entry.toJson(), &revision))
        throw wp::Error(
            WP_E_CONFLICT, "journal.busy",
            "Another operation on this instance is in progress (or was interrupted).",
            "Wait for it to finish, or run the action again to clean up after an interrupted one.");
    _revision = revision;
}

void Journal::intend(const std::string& step) {
    _entry.pendingStep = step;
    write();
}

void Journal::write() {
    uint64_t revision = 0;
    if (!_config.putIf(keys::journal, _revision, _entry.toJson(), &revision))
        throw wp::Error(WP_E_CONFLICT, "journal.conflict",
                        "Another process changed this instance's operation journal.",
                        "Make sure only one configure runs per instance.");
    _revision = revision;
}

void Journal::finish() {
    if (_revision == 0)
        return;
    _config.removeIf(keys::journal, _revision);
    _revision = 0;
}

} // namespace m365
