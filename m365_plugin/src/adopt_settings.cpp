// Settings of configure --action adopt: setup's connection settings plus the application id and where the
// certificate comes from. Passwords are never settings values (they would end up in shell histories and
// host logs): only password files or the environment.
#include "adopt.h"

#include "settings_reader.h"

#include <wp/plugin.hpp>

#include <Poco/JSON/Parser.h>
#include <Poco/JSON/Stringifier.h>

#include <sstream>

namespace m365 {

namespace {

const char* const kAdoptKeys[] = {"app_id",
                                  "certificate_file",
                                  "key_file",
                                  "key_password_file",
                                  "pfx_file",
                                  "pfx_password_file",
                                  "replace_certificate",
                                  "allow_self_rotation"};
const char* const kPasswordKeys[] = {"password", "key_password", "pfx_password"};
const char* const kSetupOnlyKeys[] = {"app_name", "key_bits", "validity_days"};
/// With replace_certificate the stored connection is used; only these may still be given.
const char* const kReplaceKeys[] = {"tenant", "verify_timeout_s"};

Poco::JSON::Object::Ptr parseObject(std::string_view settingsJson) {
    if (settingsJson.find_first_not_of(" \t\r\n") == std::string_view::npos)
        return new Poco::JSON::Object;
    try {
        auto parsed = Poco::JSON::Parser().parse(std::string(settingsJson));
        if (auto object = parsed.extract<Poco::JSON::Object::Ptr>())
            return object;
    } catch (const Poco::Exception&) {
    } catch (const std::exception&) {
    }
    throw wp::Error(WP_E_INVALID_CONFIG, "config.settings_malformed", "The settings are not a JSON object.");
}

std::string text(const Poco::JSON::Object::Ptr& object) {
    std::ostringstream out;
    Poco::JSON::Stringifier::stringify(object, out);
    return out.str();
}

/// Moves the listed keys from `from` into a new object.
Poco::JSON::Object::Ptr take(Poco::JSON::Object::Ptr from, const char* const* begin, const char* const* end) {
    Poco::JSON::Object::Ptr taken = new Poco::JSON::Object;
    for (auto key = begin; key != end; ++key) {
        if (from->has(*key)) {
            taken->set(*key, from->get(*key));
            from->remove(*key);
        }
    }
    return taken;
}

} // namespace

AdoptSettings parseAdoptSettings(std::string_view settingsJson, std::string_view instanceId) {
    auto all = parseObject(settingsJson);
    for (const auto* key : kPasswordKeys) {
        if (all->has(key)) // never echo the value
            throw wp::Error(WP_E_INVALID_CONFIG, "adopt.password_in_settings",
                            std::string("'") + key +
                                "' cannot be a setting: passwords are read from a file or "
                                "the environment only.",
                            "Use key_password_file / $M365_KEY_PASSWORD or pfx_password_file / "
                            "$M365_PFX_PASSWORD.");
    }
    for (const auto* key : kSetupOnlyKeys) {
        if (all->has(key))
            throw wp::Error(WP_E_INVALID_CONFIG, "config.setting_unknown",
                            std::string("'") + key +
                                "' is a setup setting; adopt uses the existing application.");
    }
    auto adoptObject = take(all, std::begin(kAdoptKeys), std::end(kAdoptKeys));
    SettingsReader reader(text(adoptObject));
    AdoptSettings settings;
    settings.replaceCertificate = reader.boolean("replace_certificate", false);
    if (reader.has("allow_self_rotation"))
        settings.allowSelfRotation = reader.boolean("allow_self_rotation", false);
    settings.appId = reader.text("app_id", "");
    if (settings.appId.empty() && !settings.replaceCertificate)
        reader.fail("adopt.app_id_missing",
                    "The setting 'app_id' (the application's client id) is required.");
    else if (!settings.appId.empty() && !isGuid(settings.appId))
        reader.fail("adopt.app_id_invalid", "'app_id' must be an application (client) id (GUID).");
    auto& source = settings.source;
    source.certificateFile = reader.text("certificate_file", "");
    source.keyFile = reader.text("key_file", "");
    source.keyPasswordFile = reader.text("key_password_file", "");
    source.pfxFile = reader.text("pfx_file", "");
    source.pfxPasswordFile = reader.text("pfx_password_file", "");
    if (source.certificateFile.empty() && source.pfxFile.empty())
        reader.fail("adopt.certificate_missing",
                    "Name the certificate: certificate_file (PEM, with key_file) or pfx_file (PKCS#12).");
    else if (!source.certificateFile.empty() && !source.pfxFile.empty())
        reader.fail("adopt.certificate_ambiguous", "Give either certificate_file or pfx_file, not both.");
    else if (!source.pfxFile.empty() && (!source.keyFile.empty() || !source.keyPasswordFile.empty()))
        reader.fail("adopt.certificate_ambiguous",
                    "key_file and key_password_file go with certificate_file.");
    reader.finish();

    if (settings.replaceCertificate) {
        auto kept = take(all, std::begin(kReplaceKeys), std::end(kReplaceKeys));
        if (all->size() > 0)
            throw wp::Error(WP_E_INVALID_CONFIG, "config.setting_unknown",
                            "With replace_certificate the stored connection is kept; '" +
                                *all->getNames().begin() + "' cannot change here.");
        SettingsReader replaceReader(text(kept));
        if (auto tenant = replaceReader.text("tenant"))
            settings.setup.connection.tenant = *tenant;
        if (auto timeout = replaceReader.integer("verify_timeout_s", 1, 1800))
            settings.setup.verifyTimeoutSeconds = static_cast<int>(*timeout);
        else
            settings.setup.verifyTimeoutSeconds = 60;
        replaceReader.finish();
        return settings;
    }
    // The application already exists: waiting for replication is rarely needed, so the default is shorter.
    if (!all->has("verify_timeout_s"))
        all->set("verify_timeout_s", 60);
    settings.setup = parseSetupSettings(text(all), instanceId);
    return settings;
}

} // namespace m365
