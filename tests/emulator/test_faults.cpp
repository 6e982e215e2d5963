// FaultInjector: which requests a rule takes (method, path glob, body glob, skip, count), without a server.
#include "faults.h"

#include <doctest/doctest.h>

using emu::FaultInjector;

TEST_CASE("a fault rule matches the body glob and lets the first skip matching requests pass") {
    FaultInjector faults;
    faults.add(FaultInjector::fromJson({{"method", "POST"},
                                        {"path", "*/oauth2/v2.0/token"},
                                        {"body", "*grant_type=client_credentials*"},
                                        {"skip", 1},
                                        {"kind", "status"},
                                        {"status", 503}}));
    const std::string path = "/contoso.onmicrosoft.com/oauth2/v2.0/token";
    CHECK_FALSE(faults.take("POST", path, "grant_type=device_code&device_code=x"));      // other body
    CHECK_FALSE(faults.take("POST", path, "client_id=a&grant_type=client_credentials")); // skipped
    auto taken = faults.take("POST", path, "client_id=a&grant_type=client_credentials");
    REQUIRE(taken);
    CHECK(taken->status == 503);
    CHECK(faults.list().empty()); // count 1: used up
    CHECK_FALSE(faults.take("POST", path, "client_id=a&grant_type=client_credentials"));
}

TEST_CASE("a request that passes a skipping rule can still be taken by a later rule") {
    FaultInjector faults;
    faults.add(FaultInjector::fromJson({{"method", "PATCH"}, {"path", "/v1.0/applications/*"}, {"skip", 1}}));
    faults.add(
        FaultInjector::fromJson({{"method", "PATCH"}, {"path", "/v1.0/applications/*"}, {"status", 500}}));
    auto first = faults.take("PATCH", "/v1.0/applications/app-1");
    REQUIRE(first);
    CHECK(first->status == 500); // the second rule's: the first one let this request pass
    auto second = faults.take("PATCH", "/v1.0/applications/app-1");
    REQUIRE(second);
    CHECK(second->status == 503); // now the first rule applies
}

TEST_CASE("body and skip are checked and echoed by the control API's JSON") {
    CHECK_THROWS_AS(FaultInjector::fromJson({{"skip", -1}}), std::invalid_argument);
    auto fault = FaultInjector::fromJson({{"body", "*x*"}, {"skip", 2}});
    auto echoed = FaultInjector::toJson(fault);
    CHECK(echoed["body"] == "*x*");
    CHECK(echoed["skip"] == 2);
    CHECK(FaultInjector::toJson(FaultInjector::fromJson(nlohmann::json::object()))["body"] == "*");
}
