// When an online validate rotates automatically (auto_rotate.h), and which rotate settings are accepted.
#include "auto_rotate.h"
#include "rotate.h"

#include <doctest/doctest.h>

using namespace m365;

TEST_CASE("automatic rotation is due only inside the window and never once expired or disabled") {
    const int64_t day = 86400;
    const int64_t notAfter = 1'000 * day;
    CHECK_FALSE(autoRotationDue(notAfter, notAfter - 31 * day, 30));
    CHECK_FALSE(autoRotationDue(notAfter, notAfter - 30 * day, 30)); // exactly 30 days left: not yet
    CHECK(autoRotationDue(notAfter, notAfter - 30 * day + 1, 30));
    CHECK(autoRotationDue(notAfter, notAfter - 1, 30));
    CHECK_FALSE(autoRotationDue(notAfter, notAfter, 30));      // expired: only update helps
    CHECK_FALSE(autoRotationDue(notAfter, notAfter - day, 0)); // disabled
}

TEST_CASE("rotate settings are validated up front") {
    auto defaults = parseRotateSettings("");
    CHECK(defaults.overlapSeconds == 0);
    CHECK(defaults.validityDays == 730);
    CHECK(defaults.keyBits == 0);
    auto custom = parseRotateSettings(R"({"overlap_s":60,"validity_days":365,"key_bits":3072})");
    CHECK(custom.overlapSeconds == 60);
    CHECK(custom.validityDays == 365);
    CHECK(custom.keyBits == 3072);
    auto bad = [](const char* json) {
        try {
            parseRotateSettings(json);
        } catch (const wp::Error& e) {
            return e.code();
        }
        return std::string();
    };
    CHECK(bad(R"({"key_bits":1024})") == "config.key_bits_invalid");
    CHECK(bad(R"({"overlap_s":-1})") == "config.overlap_s_invalid");
    CHECK(bad(R"({"overlpa_s":1})") == "config.setting_unknown");
}
