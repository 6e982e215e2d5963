// Generic checks every real plugin module of this tree must pass (the example plugin, and the M365
// plugin when it is built): the export list, a cheap create/destroy that leaks nothing, and the
// trampolines' answers to bad requests.  Nothing here depends on what a plugin does.
#include "elf_symbols.hpp"
#include "test_host.hpp"

#include <doctest/doctest.h>

#include <string>
#include <vector>

namespace {

std::vector<std::string> realModules() {
    std::vector<std::string> paths{WP_EXAMPLE_PLUGIN_PATH};
#ifdef WP_M365_PLUGIN_PATH
    paths.emplace_back(WP_M365_PLUGIN_PATH);
#endif
    return paths;
}

} // namespace

TEST_SUITE("real modules") {

    TEST_CASE("every real module exports wp_plugin_entry and nothing else") {
        for (const std::string& path : realModules()) {
            CAPTURE(path);
            CHECK(wptest::exportedSymbols(path) == std::set<std::string>{WP_PLUGIN_ENTRY_SYMBOL});
        }
    }

    TEST_CASE("every real module describes itself completely") {
        for (const std::string& path : realModules()) {
            CAPTURE(path);
            auto module = wp::host::Module::load(path);
            CHECK(WP_ABI_VERSION_MAJOR(module->abiVersion()) == WP_ABI_MAJOR);
            CHECK_FALSE(module->id().empty());
            CHECK_FALSE(module->displayName().empty());
            CHECK_FALSE(module->version().empty());
            CHECK_FALSE(module->description().empty());
            CHECK_FALSE(module->actions().empty());
            CHECK((module->table().configure != nullptr && module->table().validate != nullptr &&
                   module->table().acquire_credentials != nullptr));
        }
    }

    TEST_CASE("every real module answers bad requests with a status, never a crash") {
        for (const std::string& path : realModules()) {
            CAPTURE(path);
            wptest::TestHost host;
            wp::host::Instance instance(wp::host::Module::load(path), host.table(), "unconfigured");
            wptest::Recorder r;
            CHECK(instance.configure(r.call(), "not json") == WP_E_INVALID_ARGUMENT);
            CHECK(instance.configure(r.call(), R"({"action":"no-such-action","settings":{}})") ==
                  WP_E_UNSUPPORTED);
            wp_credential_request request{sizeof(wp_credential_request), "", 0};
            wp_status status = instance.acquire(r.call(), request); // nothing configured: a clear refusal
            CHECK(status != WP_OK);
            CHECK_FALSE(r.code().empty());
            CHECK(r.tokens.empty());
        }
    }

    TEST_CASE("every real module creates and destroys instances cheaply and without leaks") {
        // LeakSanitizer checks this at exit in the asan preset; create must not read anything remote.
        for (const std::string& path : realModules()) {
            CAPTURE(path);
            auto module = wp::host::Module::load(path);
            wptest::TestHost host;
            for (int i = 0; i < 200; ++i)
                wp::host::Instance instance(module, host.table(), "instance-" + std::to_string(i % 7));
            CHECK(host.config.writes() == 0); // creating an instance writes nothing
        }
    }

} // TEST_SUITE
