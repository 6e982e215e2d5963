// wp/plugin.hpp -- everything a plugin author includes.  Header-only; needs nothing but the C++ standard
// library.  The C ABI underneath is wp/abi.h (read its four rules once); this layer hides it:
//
//   #include <wp/plugin.hpp>
//
//   class EchoPlugin final : public wp::Plugin {
//   public:
//       EchoPlugin(const wp::Host& host, std::string_view instanceId) : wp::Plugin(host) {}
//       void configure(const wp::Call& call, std::string_view action, std::string_view settingsJson)
//       override; void validate(const wp::Call& call, std::string_view optionsJson) override; void
//       acquireCredentials(const wp::Call& call, std::string_view resource, uint32_t flags) override;
//   };
//
//   static const wp_action kActions[] = {{"setup", "Store the settings", 0}, {"remove", "Forget them", 0}};
//   WP_DEFINE_PLUGIN(EchoPlugin, "echo", "Echo", "1.0.0", "Echoes its settings back", kActions)
//
// Hooks report failure by throwing wp::Error(status, "dotted.code", "user-safe message", "hint"); the
// generated trampolines turn it into the ABI's status + error record.  Any other exception becomes
// WP_E_INTERNAL.  Threading (abi.h rule 4): configure and validate of one instance never overlap each
// other; acquireCredentials may run concurrently with anything, from many threads: make it thread-safe.
#ifndef WP_PLUGIN_HPP
#define WP_PLUGIN_HPP

#include <wp/abi.h>
#include <wp/call.hpp>
#include <wp/error.hpp>
#include <wp/store.hpp>

#include <cstdint>
#include <cstring>
#include <string_view>

namespace wp {

enum class LogLevel : int32_t {
    Trace = WP_LOG_TRACE,
    Debug = WP_LOG_DEBUG,
    Info = WP_LOG_INFO,
    Warn = WP_LOG_WARN,
    Error = WP_LOG_ERROR
};

/// The services the host lends an instance for its whole life: a logger and two stores of the same shape.
/// Thread-safe; use it only inside a hook, on the hook's thread (abi.h rule 4).
class Host {
public:
    /// Copies the host's table into a zero-filled one of this header's size (fields an older host lacks
    /// read as 0).  The trampolines refuse hosts whose table lacks ABI 1.0 fields before getting here.
    explicit Host(const wp_host& host) noexcept : _host(copyOf(host)) {
        _config = Store(_host.config, "config store");
        _secrets = Store(_host.secrets, "secret store");
    }
    Host(const Host&) = delete;
    Host& operator=(const Host&) = delete;

    /// Writes one log line (the host adds time, plugin and instance).  Never log a secret.
    void log(LogLevel level, std::string_view message) const noexcept {
        if (logs(level))
            _host.log.write(_host.log.ctx, static_cast<int32_t>(level), message.data(), message.size());
    }
    /// True if a line at this level would be printed: skip building expensive trace messages otherwise.
    bool logs(LogLevel level) const noexcept {
        return _host.log.write != nullptr && static_cast<int32_t>(level) >= _host.log.min_level;
    }
    /// Instance configuration: ids, endpoints, thumbprints, state.  Never secrets.
    const Store& config() const noexcept { return _config; }
    /// Private keys, refresh tokens and other secrets, encrypted at rest by the host.
    const Store& secrets() const noexcept { return _secrets; }
    /// e.g. "host_stub 0.1.0", for user agents and audit records.
    std::string_view hostName() const noexcept { return _host.host_name != nullptr ? _host.host_name : ""; }
    /// The host's ABI version (WP_ABI_VERSION_MINOR tells which appended services it has).
    uint32_t abiVersion() const noexcept { return _host.abi_version; }
    /// The raw (zero-filled) table, for services of a later minor version this wrapper does not cover.
    const wp_host& raw() const noexcept { return _host; }

private:
    static wp_host copyOf(const wp_host& host) noexcept {
        wp_host copy{};
        std::size_t size = host.struct_size < sizeof copy ? host.struct_size : sizeof copy;
        std::memcpy(&copy, &host, size);
        return copy;
    }

    wp_host _host;
    Store _config;
    Store _secrets;
};

/// Base class of a plugin: one object per instance (e.g. per tenant), created by the host through the
/// generated create() with (const wp::Host&, std::string_view instanceId), destroyed by destroy().
/// The constructor must be cheap and read nothing remote.
class Plugin {
public:
    explicit Plugin(const Host& host) noexcept : _host(host) {}
    virtual ~Plugin() = default;
    Plugin(const Plugin&) = delete;
    Plugin& operator=(const Plugin&) = delete;

    const Host& host() const noexcept { return _host; }

    /// Runs one configure action (one of those declared in WP_DEFINE_PLUGIN; others never arrive here).
    /// settingsJson is the text of the request's "settings" object ("{}" if it had none).
    virtual void configure(const Call& call, std::string_view action, std::string_view settingsJson) = 0;

    /// Checks the configuration: one call.finding() per check, call.fact() for status facts.  optionsJson
    /// is "{}" when the host sent none.  If an error-severity finding was reported and the hook returns
    /// normally, the caller gets WP_E_INVALID_CONFIG with that finding's code and message; throw wp::Error
    /// instead when another status fits better (e.g. WP_E_PERMISSION_DENIED, WP_E_UNAVAILABLE).
    virtual void validate(const Call& call, std::string_view optionsJson) = 0;

    /// Hands one credential to call.credential().  MUST be thread-safe: it runs concurrently with itself
    /// and with configure/validate.  It sits on a hot path: serve from a cache when you can.
    virtual void acquireCredentials(const Call& call, std::string_view resource, uint32_t flags) = 0;

private:
    const Host& _host;
};

} // namespace wp

#include <wp/detail/trampolines.hpp>

/// Defines the plugin module: the static wp_plugin table, the exported wp_plugin_entry() and the
/// exception-catching trampolines.  Use once, at global scope, in exactly one .cpp of the module.
///   PLUGIN_CLASS: derives from wp::Plugin, constructible from (const wp::Host&, std::string_view)
///   ID, DISPLAY_NAME, VERSION, DESCRIPTION: string literals ("echo", "Echo", "1.0.0", "one line")
///   ACTIONS: a static const wp_action[] of the configure actions the plugin accepts
#define WP_DEFINE_PLUGIN(PLUGIN_CLASS, ID, DISPLAY_NAME, VERSION, DESCRIPTION, ACTIONS)                      \
    namespace {                                                                                              \
    struct WpPluginDefinition {                                                                              \
        using Class = PLUGIN_CLASS;                                                                          \
        static constexpr const char* wpId = ID;                                                              \
        static constexpr const char* wpDisplayName = DISPLAY_NAME;                                           \
        static constexpr const char* wpVersion = VERSION;                                                    \
        static constexpr const char* wpDescription = DESCRIPTION;                                            \
        static constexpr const wp_action* wpActions = ACTIONS;                                               \
        static constexpr uint32_t wpActionCount =                                                            \
            static_cast<uint32_t>(sizeof(ACTIONS) / sizeof(ACTIONS[0]));                                     \
    };                                                                                                       \
    }                                                                                                        \
    extern "C" WP_EXPORT const wp_plugin* wp_plugin_entry(uint32_t hostAbiVersion) {                         \
        return ::wp::detail::Trampolines<WpPluginDefinition>::entry(hostAbiVersion);                         \
    }

#endif // WP_PLUGIN_HPP
