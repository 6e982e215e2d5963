// The host side of the ABI: loading modules, the version check, the zero-filled table copy.
#include "elf_symbols.hpp"
#include "test_host.hpp"

#include <doctest/doctest.h>

#include <boost/dll/runtime_symbol_info.hpp>
#include <boost/dll/shared_library.hpp>

#include <unistd.h>

#include <string>

namespace {

wp::Error loadError(const std::string& path) {
    try {
        wp::host::Module::load(path);
    } catch (const wp::Error& e) {
        return e;
    }
    FAIL("loading " << path << " did not throw");
    return wp::Error(WP_E_INTERNAL, "unreachable", "unreachable");
}

} // namespace

TEST_SUITE("loader") {

    TEST_CASE("the example plugin module loads and describes itself") {
        auto module = wp::host::Module::load(WP_EXAMPLE_PLUGIN_PATH);
        CHECK(module->id() == "weather");
        CHECK(module->abiVersion() == WP_ABI_VERSION);
        CHECK(module->abiVersionText() == "1.0");
        CHECK(module->table().struct_size == sizeof(wp_plugin));
        REQUIRE(module->actions().size() == 2);
        CHECK(module->actions()[0].name == "setup");
        CHECK(module->findAction("remove") != nullptr);
        CHECK(module->findAction("nope") == nullptr);
    }

    TEST_CASE("a module built with WP_DEFINE_PLUGIN and wp_plugin_add_module exports only the entry point") {
        CHECK(wptest::exportedSymbols(WP_THROWING_PLUGIN_PATH) ==
              std::set<std::string>{WP_PLUGIN_ENTRY_SYMBOL});
    }

    TEST_CASE("a plugin of another major version is refused with wanted and got") {
        wp::Error e = loadError(WP_FUTURE_MAJOR_PATH);
        CHECK(e.status() == WP_E_INCOMPATIBLE);
        CHECK(e.code() == "abi.major_mismatch");
        CHECK(std::string(e.what()) == "plugin 'future' speaks ABI 2.0, this host speaks 1.x");
    }

    TEST_CASE("an older, shorter plugin table is zero-filled: its missing hooks are unsupported") {
        auto module = wp::host::Module::load(WP_SHORT_TABLE_PATH);
        CHECK(module->table().struct_size < sizeof(wp_plugin));
        // The module's memory past struct_size holds poison hooks; the host's copy must not.
        CHECK((module->table().configure == nullptr));
        CHECK((module->table().validate == nullptr));
        CHECK((module->table().acquire_credentials == nullptr));

        wptest::TestHost host;
        wp::host::Instance instance(module, host.table(), "a");
        wptest::Recorder recorder;
        CHECK(instance.configure(recorder.call(), R"({"action":"setup"})") == WP_E_UNSUPPORTED);
        CHECK(recorder.code() == "plugin.unsupported_hook");
        CHECK(instance.validate(recorder.call()) == WP_E_UNSUPPORTED);
        wp_credential_request request{sizeof(wp_credential_request), "x", 0};
        CHECK(instance.acquire(recorder.call(), request) == WP_E_UNSUPPORTED);
    }

    TEST_CASE("a plugin of a newer minor version is accepted and its known hooks work") {
        auto module = wp::host::Module::load(WP_NEWER_MINOR_PATH);
        CHECK(module->abiVersionText() == "1.7");
        CHECK(module->table().struct_size > sizeof(wp_plugin)); // the plugin's own size, as it reported it

        wptest::TestHost host;
        wp::host::Instance instance(module, host.table(), "a");
        wptest::Recorder recorder;
        CHECK(instance.configure(recorder.call(), R"({"action":"setup"})") == WP_OK);
        CHECK(recorder.events == std::vector<std::string>{R"({"event":"configured"})"});
        CHECK(instance.validate(recorder.call()) == WP_E_UNSUPPORTED);
    }

    TEST_CASE("a missing file and a library without the entry point are told apart") {
        wp::Error missing = loadError("/nonexistent/libnothing.so");
        CHECK(missing.status() == WP_E_NOT_FOUND);
        CHECK(missing.code() == "module.not_found");

        // Any shared library without the entry point will do: the C library this test runs with.
        std::string libc = boost::dll::symbol_location(::gethostname).string();
        wp::Error notAPlugin = loadError(libc);
        CHECK(notAPlugin.status() == WP_E_INCOMPATIBLE);
        CHECK(notAPlugin.code() == "module.no_entry");
    }

    TEST_CASE("the entry point hands any host its table and leaves refusing another major to the host") {
        boost::dll::shared_library library(WP_EXAMPLE_PLUGIN_PATH, boost::dll::load_mode::rtld_now);
        auto& entry = library.get<const wp_plugin*(uint32_t)>(WP_PLUGIN_ENTRY_SYMBOL);
        const wp_plugin* table = entry(uint32_t{2} << 16);
        REQUIRE(table != nullptr);
        CHECK(WP_ABI_VERSION_MAJOR(table->abi_version) == WP_ABI_MAJOR);
        CHECK(std::string(table->id) == "weather");
    }

    TEST_CASE("an instance keeps its module loaded after the last Module handle is gone") {
        wptest::TestHost host;
        auto instance = [&] {
            auto module = wp::host::Module::load(WP_EXAMPLE_PLUGIN_PATH);
            return std::make_unique<wp::host::Instance>(module, host.table(), "kept");
        }();
        wptest::Recorder recorder;
        CHECK(instance->validate(recorder.call()) == WP_E_INVALID_CONFIG); // not set up, but callable
    }

} // TEST_SUITE
