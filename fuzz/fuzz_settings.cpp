// Fuzzes the settings a host passes to configure and validate (parseSetupSettings, parseRemoveSettings,
// parseValidateOptions; JSON typed values or strings from --set key=value).  Contract: every bad value
// ends in wp::Error(WP_E_INVALID_CONFIG) with a "config." code; nothing else escapes.
#include "settings.h"

#include <wp/error.hpp>

#include <cstddef>
#include <cstdint>
#include <cstdlib>
#include <string_view>

namespace {

template <class Parse> void expectConfigError(Parse&& parse) {
    try {
        parse();
    } catch (const wp::Error& e) {
        if (e.status() != WP_E_INVALID_CONFIG || e.code().rfind("config.", 0) != 0)
            std::abort();
    }
}

} // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
    if (size < 1)
        return 0;
    std::string_view text(reinterpret_cast<const char*>(data + 1), size - 1);
    switch (data[0] % 3) {
    case 0:
        expectConfigError([&] { (void)m365::parseSetupSettings(text, "contoso"); });
        break;
    case 1:
        expectConfigError([&] { (void)m365::parseRemoveSettings(text); });
        break;
    default:
        expectConfigError([&] { (void)m365::parseValidateOptions(text); });
        break;
    }
    return 0;
}
