// The plugin side of the ABI, through the real modules: the WP_DEFINE_PLUGIN trampolines (host checks,
// exceptions to status + error record), the example plugin's hooks, and create/destroy without leaks.
#include "test_host.hpp"

#include <doctest/doctest.h>

#include <malloc.h>

#include <cstring>
#include <thread>

namespace {

wp::Error createError(const std::shared_ptr<wp::host::Module>& module, const wp_host& host,
                      const char* id = "a") {
    try {
        wp::host::Instance instance(module, host, id);
    } catch (const wp::Error& e) {
        return e;
    }
    FAIL("create did not fail");
    return wp::Error(WP_E_INTERNAL, "unreachable", "unreachable");
}

const char* kSetup = R"({"action":"setup","settings":{"city":"Oslo","api_key":"k-0123456789"}})";

} // namespace

TEST_SUITE("plugin side") {

    TEST_CASE("the example plugin configures, validates and acquires through the host's stores") {
        wptest::TestHost host;
        wp::host::Instance instance(wp::host::Module::load(WP_EXAMPLE_PLUGIN_PATH), host.table(), "oslo");
        wptest::Recorder setup;
        REQUIRE(instance.configure(setup.call(), kSetup) == WP_OK);
        CHECK(setup.events.size() == 2);
        CHECK(host.secrets.get("api-key")->value == "k-0123456789");
        CHECK(host.config.get("settings")->value.find("k-0123456789") ==
              std::string::npos); // secret stays secret

        wptest::Recorder validate;
        REQUIRE(instance.validate(validate.call()) == WP_OK);
        CHECK(validate.findings.size() == 3);
        CHECK(validate.findings.back() ==
              std::pair<int32_t, std::string>{WP_SEVERITY_WARNING, "service.not_contacted"});
        CHECK(validate.facts["city"] == "Oslo");

        wptest::Recorder acquire;
        wp_credential_request request{sizeof(wp_credential_request), "radar", 0};
        REQUIRE(instance.acquire(acquire.call(), request) == WP_OK);
        REQUIRE(acquire.tokens.size() == 1);
        CHECK(acquire.tokens[0].rfind("wx1.", 0) == 0);

        wp_credential_request unknown{sizeof(wp_credential_request), "satellite", 0};
        CHECK(instance.acquire(acquire.call(), unknown) == WP_E_INVALID_ARGUMENT);
        CHECK(acquire.code() == "resource.unknown");

        wptest::Recorder remove;
        REQUIRE(instance.configure(remove.call(), R"({"action":"remove"})") == WP_OK);
        CHECK_FALSE(host.secrets.get("api-key").has_value());
        CHECK(instance.validate(remove.call()) == WP_E_INVALID_CONFIG);
        CHECK(remove.code() == "config.missing");
    }

    TEST_CASE("configure requests are checked before the plugin sees them") {
        wptest::TestHost host;
        wp::host::Instance instance(wp::host::Module::load(WP_EXAMPLE_PLUGIN_PATH), host.table(), "a");
        wptest::Recorder r;
        CHECK(instance.configure(r.call(), R"({"action":"setup",)") == WP_E_INVALID_ARGUMENT);
        CHECK(r.code() == "request.malformed");
        CHECK(instance.configure(r.call(), R"({"settings":{}})") == WP_E_INVALID_ARGUMENT);
        CHECK(r.code() == "request.action_missing");
        CHECK(instance.configure(r.call(), R"({"action":"explode"})") == WP_E_UNSUPPORTED);
        CHECK(r.code() == "configure.unknown_action");
        CHECK(r.frame.record().hint == std::string("Known actions: setup, remove."));
        CHECK(instance.configure(r.call(), R"({"action":"setup","settings":{"api_key":"k-0123456789"}})") ==
              WP_E_INVALID_CONFIG);
        CHECK(r.code() == "config.city_missing");
        CHECK(r.message().find("k-0123456789") == std::string::npos);
    }

    TEST_CASE("a host of another major version is refused by create with wanted and got") {
        wptest::TestHost host;
        wp_host future = host.table();
        future.abi_version = uint32_t{2} << 16;
        wp::Error e = createError(wp::host::Module::load(WP_EXAMPLE_PLUGIN_PATH), future);
        CHECK(e.status() == WP_E_INCOMPATIBLE);
        CHECK(e.code() == "abi.host_major_mismatch");
        CHECK(std::string(e.what()) == "plugin 'weather' speaks ABI 1.0, the host speaks 2.x");
    }

    TEST_CASE("a host whose wp_host lacks ABI 1.0 services is refused by create") {
        wptest::TestHost host;
        wp_host older = host.table();
        older.struct_size = offsetof(wp_host, secrets); // no secret store
        wp::Error e = createError(wp::host::Module::load(WP_EXAMPLE_PLUGIN_PATH), older);
        CHECK(e.status() == WP_E_INCOMPATIBLE);
        CHECK(e.code() == "abi.host_table_too_small");
    }

    TEST_CASE("an exception thrown in a hook comes back as a status and an error record") {
        wptest::TestHost host;
        auto module = wp::host::Module::load(WP_THROWING_PLUGIN_PATH);
        wp::host::Instance instance(module, host.table(), "a");
        wptest::Recorder r;
        auto configure = [&](const std::string& action) {
            return instance.configure(r.call(), R"({"action":")" + action + R"("})");
        };

        CHECK(configure("ok") == WP_OK);
        CHECK(configure("wp_error") == WP_E_PERMISSION_DENIED);
        CHECK(r.code() == "test.denied");
        CHECK(r.frame.record().hint == std::string("Ask the test."));
        CHECK(configure("std_exception") == WP_E_INTERNAL);
        CHECK(r.code() == "internal.exception");
        CHECK(r.message().find("a std::runtime_error from the test") != std::string::npos);
        CHECK(configure("bad_alloc") == WP_E_INTERNAL);
        CHECK(r.code() == "internal.out_of_memory");
        CHECK(configure("int") == WP_E_INTERNAL);
        CHECK(r.code() == "internal.exception");

        SUBCASE("from validate and acquire too") {
            CHECK(instance.validate(r.call(), R"({"throw":"std_exception"})") == WP_E_INTERNAL);
            wp_credential_request request{sizeof(wp_credential_request), "bad_alloc", 0};
            CHECK(instance.acquire(r.call(), request) == WP_E_INTERNAL);
            CHECK(r.code() == "internal.out_of_memory");
        }
        SUBCASE("from the constructor, through create") {
            wp::Error e = createError(module, host.table(), "throw-in-constructor");
            CHECK(e.status() == WP_E_INTERNAL);
            CHECK(std::string(e.what()).find("constructor failed on purpose") != std::string::npos);
        }
    }

    TEST_CASE("an over-long error is truncated at a character boundary and NUL-terminated") {
        wptest::TestHost host;
        wp::host::Instance instance(wp::host::Module::load(WP_THROWING_PLUGIN_PATH), host.table(), "a");
        wptest::Recorder r;
        CHECK(instance.configure(r.call(), R"({"action":"long_message"})") == WP_E_INVALID_CONFIG);
        const wp_error& record = r.frame.record();
        CHECK(::strnlen(record.code, sizeof record.code) == sizeof record.code - 1);
        std::size_t length = ::strnlen(record.message, sizeof record.message);
        CHECK(length < sizeof record.message);
        CHECK(length % 2 == 0); // "é" is two bytes: none was cut in half
        CHECK(length >= sizeof record.message - 2);
    }

    TEST_CASE("validate turns an unthrown error finding into WP_E_INVALID_CONFIG and defaults its options") {
        wptest::TestHost host;
        wp::host::Instance instance(wp::host::Module::load(WP_THROWING_PLUGIN_PATH), host.table(), "a");
        wptest::Recorder r;
        CHECK(instance.validate(r.call(), R"({"report":"error_finding"})") == WP_E_INVALID_CONFIG);
        CHECK(r.code() == "test.broken");
        CHECK(r.findings.size() == 2); // the host still got every finding

        wptest::Recorder none;
        CHECK(instance.validate(none.call()) == WP_OK);
        REQUIRE(none.findings.size() == 1);
    }

    TEST_CASE("hooks refuse a missing call without touching anything") {
        auto module = wp::host::Module::load(WP_EXAMPLE_PLUGIN_PATH);
        wptest::TestHost host;
        wp::host::Instance instance(module, host.table(), "a");
        wp_credential_request request{sizeof(wp_credential_request), "forecast", 0};
        // The raw hooks, as a careless host would call them.
        CHECK(module->table().configure(nullptr, nullptr, nullptr, 0) == WP_E_INVALID_ARGUMENT);
        CHECK(module->table().acquire_credentials(nullptr, nullptr, &request) == WP_E_INVALID_ARGUMENT);
        wptest::Recorder r;
        wp_call tooSmall = r.call();
        tooSmall.struct_size = 8;
        CHECK(module->table().validate(nullptr, &tooSmall, nullptr, 0) == WP_E_INVALID_ARGUMENT);
    }

    TEST_CASE("acquire runs on many threads while configure runs") {
        wptest::TestHost host;
        wp::host::Instance instance(wp::host::Module::load(WP_EXAMPLE_PLUGIN_PATH), host.table(), "busy");
        wptest::Recorder setup;
        REQUIRE(instance.configure(setup.call(), kSetup) == WP_OK);

        constexpr int kThreads = 4, kCalls = 200;
        std::vector<int> delivered(kThreads, 0);
        std::vector<std::thread> threads;
        for (int t = 0; t < kThreads; ++t)
            threads.emplace_back([&, t] {
                wptest::Recorder r; // one call frame per thread
                wp_credential_request request{sizeof(wp_credential_request), "forecast", 0};
                for (int i = 0; i < kCalls; ++i)
                    if (instance.acquire(r.call(), request) == WP_OK)
                        ++delivered[static_cast<std::size_t>(t)];
            });
        for (int i = 0; i < 20; ++i) {
            wptest::Recorder r;
            CHECK(instance.configure(r.call(), kSetup) == WP_OK);
        }
        for (auto& thread : threads)
            thread.join();
        for (int count : delivered)
            CHECK(count == kCalls);
    }

    TEST_CASE("create and destroy in a loop leak nothing") {
        // Under the asan preset LeakSanitizer checks this at exit; in other builds the heap must not grow.
        auto module = wp::host::Module::load(WP_EXAMPLE_PLUGIN_PATH);
        wptest::TestHost host;
        auto cycle = [&] {
            wp::host::Instance instance(module, host.table(), "loop");
            wptest::Recorder r;
            CHECK(instance.validate(r.call()) == WP_E_INVALID_CONFIG);
        };
        for (int i = 0; i < 100; ++i) // warm-up: first-use allocations of the C++ runtime
            cycle();
        std::size_t before = mallinfo2().uordblks;
        for (int i = 0; i < 2000; ++i)
            cycle();
        std::size_t after = mallinfo2().uordblks;
        CHECK(after <= before + 16 * 1024); // one leaked instance per cycle would be > 2000 * 100 bytes

        for (int i = 0; i < 20; ++i) { // and the module itself loads and unloads cleanly
            auto again = wp::host::Module::load(WP_EXAMPLE_PLUGIN_PATH);
            wp::host::Instance instance(again, host.table(), "reload");
        }
    }

} // TEST_SUITE
