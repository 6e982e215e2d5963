// Expiry reminders: warnings at the configured thresholds, an error once expired.
#include "validate.h"

#include <wp/error.hpp>

#include <doctest/doctest.h>

using namespace m365;

namespace {
constexpr int64_t kDay = 86400;
const int64_t kNotBefore = 1'700'000'000;
const int64_t kNotAfter = kNotBefore + 730 * kDay;
const std::vector<int> kDefaults{60, 30, 7};

ExpiryVerdict at(int64_t daysBeforeExpiry, int64_t extraSeconds = 0) {
    return checkExpiry(kNotBefore, kNotAfter, kNotAfter - daysBeforeExpiry * kDay + extraSeconds, kDefaults);
}
} // namespace

TEST_SUITE("validate expiry") {
    TEST_CASE("far from expiry: ok with the days left") {
        auto verdict = at(400);
        CHECK(verdict.severity == WP_SEVERITY_OK);
        CHECK(verdict.code == "cert.valid");
        CHECK(verdict.daysLeft == 400);
    }

    TEST_CASE("each threshold is reported as the smallest one crossed") {
        CHECK(at(61).severity == WP_SEVERITY_OK);
        CHECK(at(60).severity == WP_SEVERITY_OK); // exactly 60 days left: not yet within 60
        auto sixty = at(59);
        CHECK(sixty.severity == WP_SEVERITY_WARNING);
        CHECK(sixty.code == "cert.expires_soon");
        CHECK(sixty.threshold == 60);
        CHECK(at(29).threshold == 30);
        CHECK(at(6).threshold == 7);
        CHECK(at(0, -1).threshold == 7); // the last second
        CHECK(sixty.message.find("rotate") != std::string::npos);
    }

    TEST_CASE("expired is an error pointing to update") {
        auto verdict = at(0);
        CHECK(verdict.severity == WP_SEVERITY_ERROR);
        CHECK(verdict.code == "cert.expired");
        CHECK(verdict.message.find("update") != std::string::npos);
        CHECK(at(-3).daysLeft == -3);
    }

    TEST_CASE("configurable thresholds in any order") {
        auto verdict = checkExpiry(kNotBefore, kNotAfter, kNotAfter - 80 * kDay, {14, 90});
        CHECK(verdict.threshold == 90);
        CHECK(checkExpiry(kNotBefore, kNotAfter, kNotAfter - 80 * kDay, {14}).severity == WP_SEVERITY_OK);
    }

    TEST_CASE("a certificate not yet valid is an error") {
        CHECK(checkExpiry(kNotBefore, kNotAfter, kNotBefore - 10, kDefaults).code == "cert.not_yet_valid");
    }
}
