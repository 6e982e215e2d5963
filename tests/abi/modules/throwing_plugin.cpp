// A test plugin whose hooks throw on request, to prove that the WP_DEFINE_PLUGIN trampolines turn every
// exception into a status + error record and never let one cross the ABI.
//   configure: the action names what to throw; validate: the options name it; acquire: the resource.
//   create: instance id "throw-in-constructor" makes the constructor throw.
#include <wp/plugin.hpp>

#include <new>
#include <stdexcept>
#include <string>

namespace {

void throwAsNamed(std::string_view what) {
    if (what == "wp_error")
        throw wp::Error(WP_E_PERMISSION_DENIED, "test.denied", "the test denies it", "Ask the test.");
    if (what == "std_exception")
        throw std::runtime_error("a std::runtime_error from the test");
    if (what == "bad_alloc")
        throw std::bad_alloc();
    if (what == "int")
        throw 42;
    if (what == "long_message") // 600 x "é" (2 bytes each): longer than wp_error::message
        throw wp::Error(WP_E_INVALID_CONFIG, std::string(100, 'c'), [] {
            std::string text;
            for (int i = 0; i < 600; ++i)
                text += "\xC3\xA9";
            return text;
        }());
}

class ThrowingPlugin final : public wp::Plugin {
public:
    ThrowingPlugin(const wp::Host& host, std::string_view instanceId) : wp::Plugin(host) {
        if (instanceId == "throw-in-constructor")
            throw std::runtime_error("constructor failed on purpose");
    }
    void configure(const wp::Call&, std::string_view action, std::string_view) override {
        throwAsNamed(action);
    }
    void validate(const wp::Call& call, std::string_view optionsJson) override {
        if (optionsJson == R"({"report":"error_finding"})") {
            call.finding({WP_SEVERITY_OK, "test.fine", "this check passed"});
            call.finding({WP_SEVERITY_ERROR, "test.broken", "this check failed"});
            return;
        }
        if (optionsJson == R"({"throw":"std_exception"})")
            throwAsNamed("std_exception");
        call.finding({WP_SEVERITY_OK, "test.options", std::string(optionsJson)});
    }
    void acquireCredentials(const wp::Call& call, std::string_view resource, uint32_t) override {
        throwAsNamed(resource);
        call.credential("Bearer", "token-for-" + std::string(resource), 0, resource);
    }
};

const wp_action kActions[] = {
    {"ok", "Throws nothing", 0},
    {"wp_error", "Throws wp::Error", 0},
    {"std_exception", "Throws std::runtime_error", 0},
    {"bad_alloc", "Throws std::bad_alloc", 0},
    {"int", "Throws an int", 0},
    {"long_message", "Throws a wp::Error with an over-long message", 0},
};

} // namespace

WP_DEFINE_PLUGIN(ThrowingPlugin, "thrower", "Throwing test plugin", "0.0.1", "Throws from every hook",
                 kActions)
