#include "graph_key_credentials.h"

#include "clock.h"
#include "crypto.h"
#include "graph_common.h"

#include <algorithm>
#include <set>

namespace emu::graph {

namespace {

constexpr std::string_view kResource = "KeyCredential";
constexpr std::size_t kMaxDisplayName = 90; // longer names are truncated (facts 3.6)

[[noreturn]] void throwNotBinary() {
    throw GraphError(
        400, "BadRequest",
        "Cannot convert a primitive value to the expected type 'Edm.Binary'. See the inner exception "
        "for more details.");
}

[[noreturn]] void throwInvalidEndDate() {
    throw GraphError(400, "KeyCredentialsInvalidEndDate", "Key credential end date is invalid.");
}

/// Edm.Binary is standard base64; base64url (or anything else) is refused as Graph refuses it.
Bytes decodeBinary(const nlohmann::json& value) {
    if (!value.is_string())
        throwNotBinary();
    auto bytes = base64Decode(value.get<std::string>());
    if (!bytes)
        throwNotBinary();
    return *bytes;
}

std::string requireEnumValue(const nlohmann::json& json, std::string_view name, std::string_view expected,
                             std::string_view acceptable) {
    auto value = optionalString(json, name, kResource);
    if (!value)
        throwInvalidProperty(name, kResource);
    if (*value != expected) {
        throw GraphError(400, "Request_BadRequest",
                         "The value for the property \"" + std::string(name) +
                             "\" in one of your credentials is invalid. Acceptable values are " +
                             std::string(acceptable) + ".");
    }
    return *value;
}

} // namespace

KeyCredential parseNewKeyCredential(const nlohmann::json& json, TimePoint visibleAt) {
    if (!json.is_object())
        throwInvalidProperty("keyCredentials", "Application");
    KeyCredential credential;
    // The emulator models certificates only; Symmetric / X509CertAndPassword are refused like a bad value.
    credential.type = requireEnumValue(json, "type", "AsymmetricX509Cert", "AsymmetricX509Cert");
    credential.usage = requireEnumValue(json, "usage", "Verify", "Sign, Verify");

    auto key = json.find("key");
    if (key == json.end() || key->is_null())
        throwInvalidProperty("key", kResource);
    credential.key = decodeBinary(*key);
    auto certificate = parseCertificate(credential.key);
    if (!certificate || !certificate->isRsa)
        throw GraphError(400, "Request_BadRequest", "Invalid certificate: Key value is invalid certificate");

    auto keyId = optionalString(json, "keyId", kResource);
    if (keyId && !isGuid(*keyId))
        throwInvalidProperty("keyId", kResource);
    credential.keyId = keyId ? *keyId : newGuid();

    auto customKeyIdentifier = json.find("customKeyIdentifier");
    if (customKeyIdentifier != json.end() && !customKeyIdentifier->is_null())
        credential.customKeyIdentifier = decodeBinary(*customKeyIdentifier);
    else
        credential.customKeyIdentifier = certificate->sha1Thumbprint;

    auto displayName = optionalString(json, "displayName", kResource);
    credential.displayName = displayName ? *displayName : certificate->subject;
    if (credential.displayName.size() > kMaxDisplayName)
        credential.displayName.resize(kMaxDisplayName);

    // Omitted dates come from the certificate; given ones must be UTC and inside its validity.
    credential.startDateTime = certificate->notBefore;
    if (auto start = optionalString(json, "startDateTime", kResource)) {
        auto parsed = parseIso8601(*start);
        if (!parsed)
            throwInvalidProperty("startDateTime", kResource);
        credential.startDateTime = *parsed;
    }
    credential.endDateTime = certificate->notAfter;
    if (auto end = optionalString(json, "endDateTime", kResource)) {
        auto parsed = parseIso8601(*end);
        if (!parsed)
            throwInvalidEndDate();
        credential.endDateTime = *parsed;
    }
    if (credential.endDateTime > certificate->notAfter || credential.endDateTime <= credential.startDateTime)
        throwInvalidEndDate();
    credential.visibleAt = visibleAt;
    return credential;
}

std::vector<KeyCredential> parseReplacementKeyCredentials(const nlohmann::json& json,
                                                          const std::vector<KeyCredential>& existing,
                                                          TimePoint visibleAt) {
    if (!json.is_array())
        throwInvalidProperty("keyCredentials", "Application");
    std::vector<KeyCredential> result;
    std::set<std::string> keyIds;
    for (const auto& entry : json) {
        if (!entry.is_object())
            throwInvalidProperty("keyCredentials", "Application");
        auto key = entry.find("key");
        bool hasKey = key != entry.end() && !key->is_null();
        auto keyId = optionalString(entry, "keyId", kResource);
        if (!hasKey && keyId) {
            auto kept = std::find_if(existing.begin(), existing.end(), [&](const KeyCredential& credential) {
                return credential.keyId == *keyId;
            });
            if (kept == existing.end())
                throwInvalidProperty("key", kResource);
            result.push_back(*kept);
        } else {
            result.push_back(parseNewKeyCredential(entry, visibleAt));
        }
        if (!keyIds.insert(result.back().keyId).second)
            throw GraphError(400, "Request_BadRequest", "keyCredentials contains duplicate keyId values.");
    }
    return result;
}

bool isCurrentlyValid(const KeyCredential& credential, TimePoint now) {
    return credential.startDateTime <= now && now <= credential.endDateTime;
}

} // namespace emu::graph
