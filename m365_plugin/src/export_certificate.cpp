#include "export_certificate.h"

#include "certificate.h"
#include "instance_record.h"
#include "json_util.h"
#include "jwt.h"
#include "settings_reader.h"

#include <Poco/File.h>
#include <Poco/Path.h>
#include <Poco/String.h>

#include <cstdio>
#include <fstream>

namespace m365 {

namespace {

bool wantsDer(const std::string& path) {
    auto extension = Poco::toLower(Poco::Path(path).getExtension());
    return extension == "cer" || extension == "der";
}

/// Writes next to the target, then renames: a reader never sees half a certificate.
void writeAtomically(const std::string& path, std::string_view bytes) {
    auto temporary = path + ".tmp-" + randomGuid().substr(0, 8);
    {
        std::ofstream out(temporary, std::ios::binary | std::ios::trunc);
        out.write(bytes.data(), static_cast<std::streamsize>(bytes.size()));
        out.close();
        if (!out) {
            std::remove(temporary.c_str());
            throw wp::Error(WP_E_INVALID_CONFIG, "export.write_failed", "Cannot write '" + path + "'.");
        }
    }
    if (std::rename(temporary.c_str(), path.c_str()) != 0) {
        std::remove(temporary.c_str());
        throw wp::Error(WP_E_INVALID_CONFIG, "export.write_failed", "Cannot write '" + path + "'.");
    }
}

} // namespace

ExportSettings parseExportSettings(std::string_view settingsJson) {
    SettingsReader reader(settingsJson);
    ExportSettings settings;
    settings.output = reader.text("output", "");
    if (settings.output.empty())
        reader.fail("export.output_missing", "The setting 'output' (the file to write) is required.");
    reader.finish();
    return settings;
}

void runExportCertificate(const ActionContext& context, const ExportSettings& settings) {
    const auto& host = context.host;
    auto stored = host.config().get(keys::instance);
    if (!stored)
        throw wp::Error(WP_E_NOT_FOUND, "config.not_configured", "This instance is not configured.",
                        "Run configure --action setup or adopt first.");
    auto record = InstanceRecord::fromJson(stored->value);
    auto secret = host.secrets().get(record.certificate.secretKey);
    if (!secret)
        throw wp::Error(WP_E_INVALID_CONFIG, "state.credential_missing",
                        "The certificate is missing from the secret store.");
    // Only the certificate half leaves this function; the key is wiped with the parsed secret.
    auto certificate = parseCertificatePem(parseCredentialSecret(secret->value).certificatePem);
    wipeString(secret->value);
    bool der = wantsDer(settings.output);
    if (der)
        writeAtomically(
            settings.output,
            std::string_view(reinterpret_cast<const char*>(certificate.der.data()), certificate.der.size()));
    else
        writeAtomically(settings.output, certificate.pem);
    host.log(wp::LogLevel::Info, "Certificate SHA-1 " + certificate.thumbprintSha1 + " written to " +
                                     settings.output + (der ? " (DER)" : " (PEM)"));
    context.call.event("{\"event\":\"result\",\"action\":\"export-certificate\",\"path\":" +
                       json::quote(settings.output) + ",\"format\":\"" + (der ? "der" : "pem") +
                       "\",\"thumbprint\":\"" + certificate.thumbprintSha1 + "\"}");
}

} // namespace m365
