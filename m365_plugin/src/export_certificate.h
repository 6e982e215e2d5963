// configure --action export-certificate: writes the instance's PUBLIC certificate so an identity team can
// register it on the application by hand. PEM, or DER when the path ends in .cer or .der. Never a key.
#pragma once

#include "setup.h"

#include <string>
#include <string_view>

namespace m365 {

struct ExportSettings {
    std::string output; ///< file to write (replaced atomically)
};

/// Throws wp::Error(WP_E_INVALID_CONFIG, "export.output_missing").
ExportSettings parseExportSettings(std::string_view settingsJson);

/// Throws config.not_configured, export.write_failed.
void runExportCertificate(const ActionContext& context, const ExportSettings& settings);

} // namespace m365
