// wp/host.hpp -- everything a host includes to load and drive plugin modules.  Header-only; needs
// Boost.DLL (link wp::host_api).  A host typically writes:
//
//   auto module = wp::host::Module::load("build/lib/libexample_plugin.so");   // throws wp::Error
//   wp::host::HostServices services("my_host 1.0", logFn, configStore, secretStore);
//   wp::host::Instance instance(module, services.table(), "tenant-a");        // create() -> throws
//   wp::host::Cancellation cancel;  wp::host::Output output;  output.onEvent = ...;
//   wp::host::CallFrame frame(cancel, output);                                  // the wp_call + wp_error
//   wp_status status = instance.configure(frame.call(), R"({"action":"setup","settings":{}})");
//   if (status != WP_OK) throw frame.error(status);
#ifndef WP_HOST_HPP
#define WP_HOST_HPP

#include <wp/abi.h>
#include <wp/error.hpp>
#include <wp/host_callbacks.hpp>
#include <wp/host_services.hpp>

#include <boost/dll/shared_library.hpp>
#include <boost/filesystem/operations.hpp>

#if !defined(_WIN32)
#include <dlfcn.h>
#endif

#include <cstddef>
#include <cstring>
#include <memory>
#include <string>
#include <string_view>
#include <vector>

namespace wp::host {

/// One configure action a plugin declares.
struct ActionInfo {
    std::string name;
    std::string summary;
    uint32_t flags = 0; ///< WP_ACTION_*
};

/// A loaded plugin module.  Always held by shared_ptr: every Instance keeps its module mapped.
class Module {
public:
    /// The shortest table accepted: descriptor plus the required create/destroy hooks.  The hooks after
    /// them are optional: a table that ends before one reads as NULL there (WP_E_UNSUPPORTED).
    static constexpr std::size_t kRequiredPrefixSize = offsetof(wp_plugin, destroy) + sizeof(void (*)());
    /// The fields every major version keeps in place: struct_size, abi_version, id.
    static constexpr std::size_t kFrozenPrefixSize = offsetof(wp_plugin, id) + sizeof(const char*);

    /// Loads the module (rtld_now | rtld_local; "dir/name" also finds "dir/libname.so"), calls its entry
    /// with this host's ABI version and checks the table.  Throws wp::Error: WP_E_NOT_FOUND
    /// ("module.not_found"), WP_E_INCOMPATIBLE ("module.load_failed", "module.no_entry",
    /// "abi.major_mismatch", "abi.table_too_small", "abi.missing_hook", ...).
    static std::shared_ptr<Module> load(const std::string& path) {
        namespace dll = boost::dll;
        auto module = std::shared_ptr<Module>(new Module());
        module->_path = path;
        boost::system::error_code ec;
        module->_library.load(path, ec,
                              dll::load_mode::append_decorations | dll::load_mode::rtld_now |
                                  dll::load_mode::rtld_local);
        if (ec) {
            std::string found = existingFile(path);
            if (found.empty())
                throw Error(WP_E_NOT_FOUND, "module.not_found", "plugin module '" + path + "' does not exist",
                            "Check the module path.");
            throw Error(
                WP_E_INCOMPATIBLE, "module.load_failed",
                "cannot load plugin module '" + found + "': " + loaderMessage(found, ec),
                "Check that the module was built for this platform and its dependencies are installed.");
        }
        if (!module->_library.has(WP_PLUGIN_ENTRY_SYMBOL))
            throw Error(WP_E_INCOMPATIBLE, "module.no_entry",
                        "'" + path +
                            "' is not a workload plugin: it does not export " WP_PLUGIN_ENTRY_SYMBOL);
        auto* entry = module->_library.get<const wp_plugin*(uint32_t)>(WP_PLUGIN_ENTRY_SYMBOL);
        const wp_plugin* table = entry(WP_ABI_VERSION);
        module->adopt(table);
        return module;
    }

    Module(const Module&) = delete;
    Module& operator=(const Module&) = delete;

    /// The plugin's table copied into a zero-filled one of this host's size (hooks an older plugin lacks
    /// are NULL: the Instance answers WP_E_UNSUPPORTED for them).  struct_size stays the plugin's own.
    const wp_plugin& table() const noexcept { return _table; }
    std::string id() const { return text(_table.id); }
    std::string displayName() const { return text(_table.display_name); }
    std::string version() const { return text(_table.version); }
    std::string description() const { return text(_table.description); }
    /// The ABI version the plugin was built with (WP_ABI_VERSION_MAJOR / _MINOR).
    uint32_t abiVersion() const noexcept { return _table.abi_version; }
    /// "1.0"
    std::string abiVersionText() const { return versionText(_table.abi_version); }
    const std::string& path() const noexcept { return _path; }
    std::vector<ActionInfo> actions() const {
        std::vector<ActionInfo> result;
        for (uint32_t i = 0; i < _table.action_count; ++i)
            result.push_back(
                {text(_table.actions[i].name), text(_table.actions[i].summary), _table.actions[i].flags});
        return result;
    }
    const wp_action* findAction(std::string_view name) const noexcept {
        for (uint32_t i = 0; i < _table.action_count; ++i)
            if (_table.actions[i].name != nullptr && name == _table.actions[i].name)
                return &_table.actions[i];
        return nullptr;
    }

    /// "2.0" for an ABI version number.
    static std::string versionText(uint32_t abiVersion) {
        return std::to_string(WP_ABI_VERSION_MAJOR(abiVersion)) + "." +
               std::to_string(WP_ABI_VERSION_MINOR(abiVersion));
    }

private:
    Module() = default;

    static std::string text(const char* s) { return s != nullptr ? s : ""; }
    // The file load() tried: the path as given, or with the platform's decorations ("dir/libNAME.so").
    static std::string existingFile(const std::string& path) {
        namespace fs = boost::filesystem;
        boost::system::error_code ignored;
        fs::path given(path);
        fs::path decorated = given.parent_path() / (boost::dll::shared_library::decorate(given.filename()));
        if (fs::exists(decorated, ignored))
            return decorated.string();
        return fs::exists(given, ignored) ? path : std::string();
    }
    // Boost.DLL 1.74 reduces a dlopen() failure to an errno-style code; ask the loader for its reason.
    static std::string loaderMessage(const std::string& file, const boost::system::error_code& ec) {
#if defined(_WIN32)
        (void)file;
        return ec.message();
#else
        ::dlerror();
        if (void* handle = ::dlopen(file.c_str(), RTLD_NOW | RTLD_LOCAL)) {
            ::dlclose(handle);
            return ec.message();
        }
        const char* reason = ::dlerror();
        return reason != nullptr ? reason : ec.message();
#endif
    }

    // Checks the table the entry returned and keeps a host-sized, zero-filled copy (abi.h rule 1).
    void adopt(const wp_plugin* table) {
        if (table == nullptr)
            throw Error(WP_E_INCOMPATIBLE, "module.entry_failed",
                        "plugin module '" + _path + "' refused to start (its entry point returned no table)");
        if (table->struct_size < kFrozenPrefixSize || table->id == nullptr)
            throw Error(WP_E_INCOMPATIBLE, "abi.table_too_small",
                        "plugin module '" + _path + "' returned a table of " +
                            std::to_string(table->struct_size) + " bytes, too small to name the plugin");
        std::string pluginId = table->id;
        if (WP_ABI_VERSION_MAJOR(table->abi_version) != WP_ABI_MAJOR)
            throw Error(WP_E_INCOMPATIBLE, "abi.major_mismatch",
                        "plugin '" + pluginId + "' speaks ABI " + versionText(table->abi_version) +
                            ", this host speaks " + std::to_string(WP_ABI_MAJOR) + ".x",
                        "Use a build of the plugin for ABI " + std::to_string(WP_ABI_MAJOR) + ".x.");
        if (table->struct_size < kRequiredPrefixSize)
            throw Error(WP_E_INCOMPATIBLE, "abi.table_too_small",
                        "plugin '" + pluginId + "' returned a table of " +
                            std::to_string(table->struct_size) + " bytes, ABI " +
                            std::to_string(WP_ABI_MAJOR) + ".0 needs at least " +
                            std::to_string(kRequiredPrefixSize));
        _table = wp_plugin{};
        std::memcpy(&_table, table, table->struct_size < sizeof _table ? table->struct_size : sizeof _table);
        if (_table.create == nullptr || _table.destroy == nullptr)
            throw Error(WP_E_INCOMPATIBLE, "abi.missing_hook",
                        "plugin '" + pluginId + "' lacks the required create/destroy hooks");
        if (_table.action_count > 0 && _table.actions == nullptr)
            throw Error(WP_E_INCOMPATIBLE, "abi.bad_table",
                        "plugin '" + pluginId + "' declares actions but gives no action list");
    }

    boost::dll::shared_library _library;
    wp_plugin _table{};
    std::string _path;
};

/// One plugin instance (one per tenant, for example).  Owns the wp_instance*, keeps the module mapped,
/// destroys the instance in its destructor.  Thread rules (abi.h rule 4): do not call configure and
/// validate concurrently; acquire may be called from any number of threads at any time.
class Instance {
public:
    /// Calls the plugin's create(); throws wp::Error with the plugin's status and error record.
    /// `host` is borrowed and must outlive the instance.
    Instance(std::shared_ptr<Module> module, const wp_host& host, const std::string& instanceId)
        : _module(std::move(module)), _instanceId(instanceId) {
        if (!_module)
            throw Error(WP_E_INVALID_ARGUMENT, "instance.no_module", "no plugin module given");
        wp_error error = wp::detail::makeErrorRecord();
        wp_status status = _module->table().create(&host, instanceId.c_str(), &_instance, &error);
        if (status != WP_OK)
            throw Error::fromRecord(status, error);
        if (_instance == nullptr)
            throw Error(WP_E_INTERNAL, "instance.create_failed",
                        "plugin '" + _module->id() + "' reported success but created no instance");
    }
    Instance(const Instance&) = delete;
    Instance& operator=(const Instance&) = delete;
    ~Instance() {
        if (_instance != nullptr)
            _module->table().destroy(_instance);
    }

    /// Runs one configure action; requestJson is {"action":"NAME","settings":{...}}.
    wp_status configure(const wp_call& call, std::string_view requestJson) {
        if (_module->table().configure == nullptr)
            return unsupported(call, "configure");
        return _module->table().configure(_instance, &call, requestJson.data(), requestJson.size());
    }
    /// Validates; findings and facts arrive through call.output.  Empty options: none.
    wp_status validate(const wp_call& call, std::string_view optionsJson = {}) {
        if (_module->table().validate == nullptr)
            return unsupported(call, "validate");
        return _module->table().validate(_instance, &call, optionsJson.empty() ? nullptr : optionsJson.data(),
                                         optionsJson.size());
    }
    /// Acquires a credential; it arrives through call.output->credential.  Thread-safe.
    wp_status acquire(const wp_call& call, const wp_credential_request& request) {
        if (_module->table().acquire_credentials == nullptr)
            return unsupported(call, "acquire_credentials");
        return _module->table().acquire_credentials(_instance, &call, &request);
    }

    const Module& module() const noexcept { return *_module; }
    const std::string& instanceId() const noexcept { return _instanceId; }

private:
    wp_status unsupported(const wp_call& call, const char* hook) const {
        wp::detail::fillError(call.error, "plugin.unsupported_hook",
                              "plugin '" + _module->id() + "' does not support " + hook);
        return WP_E_UNSUPPORTED;
    }

    std::shared_ptr<Module> _module;
    std::string _instanceId;
    wp_instance* _instance = nullptr;
};

} // namespace wp::host

#endif // WP_HOST_HPP
