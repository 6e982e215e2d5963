// The smallest useful plugin: one action, an offline validate, a fixed credential.  Built out of tree
// against the installed package by tests/ops/install_test.sh.
#include <wp/plugin.hpp>

namespace {

class HelloPlugin final : public wp::Plugin {
public:
    HelloPlugin(const wp::Host& host, std::string_view) : wp::Plugin(host) {}

    void configure(const wp::Call&, std::string_view, std::string_view settingsJson) override {
        host().config().update("settings", [&](const std::optional<std::string>&) {
            return std::optional<std::string>(std::string(settingsJson));
        });
    }
    void validate(const wp::Call& call, std::string_view) override {
        call.finding({WP_SEVERITY_OK, "hello.ok", "hello is configured"});
    }
    void acquireCredentials(const wp::Call& call, std::string_view resource, uint32_t) override {
        call.credential("bearer", "hello-token", 0, resource);
    }
};

const wp_action kActions[] = {{"setup", "Store the settings", 0}};

} // namespace

WP_DEFINE_PLUGIN(HelloPlugin, "hello", "Hello (out-of-tree example)", "0.1.0",
                 "Built against the installed wp_plugin_api package", kActions)
