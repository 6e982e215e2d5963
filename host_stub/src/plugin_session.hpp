// plugin_session.hpp -- the loader: one plugin module, the store, and instances wired to both.
#pragma once

#include <wp/host.hpp>

#include "console_logger.hpp"
#include "wphost/host_store.hpp"

#include <memory>
#include <string>

namespace wphost {

/// One created plugin instance with everything it borrows: its two store tables, its logger tag and
/// the wp_host they form.  Members are declared so that the instance is destroyed first.
class LoadedInstance {
public:
    LoadedInstance(std::shared_ptr<wp::host::Module> module, const HostStore& store, ConsoleLogger& logger,
                   const std::string& hostName, const std::string& instance);
    LoadedInstance(const LoadedInstance&) = delete;
    LoadedInstance& operator=(const LoadedInstance&) = delete;

    wp::host::Instance& instance() noexcept { return *_instance; }
    const std::string& name() const noexcept { return _name; }

private:
    std::string _name;
    StoreBridge _config;
    StoreBridge _secrets;
    ConsoleLogger::Tag _logTag;
    wp_host _host{};
    std::unique_ptr<wp::host::Instance> _instance; // last: destroyed before what it borrows
};

/// The module named by --plugin, and the store named by --store/--master-key (opened on first use).
class PluginSession {
public:
    /// Loads the module; throws wp::Error (module.not_found, abi.major_mismatch, ...).
    PluginSession(const std::string& modulePath, StoreOptions storeOptions, ConsoleLogger& logger);

    const wp::host::Module& module() const noexcept { return *_module; }
    /// Opens the store (throws wp::Error / StoreError if it cannot).
    const HostStore& store();
    /// Creates the named instance of the plugin (its create() hook); throws wp::Error.
    std::unique_ptr<LoadedInstance> openInstance(const std::string& instance);

    /// "host_stub 0.1.0": the host name plugins see.
    static const std::string& hostName();

private:
    std::shared_ptr<wp::host::Module> _module;
    StoreOptions _storeOptions;
    ConsoleLogger& _logger;
    std::unique_ptr<HostStore> _store;
};

/// The default module: <dir of this executable>/../lib/WPHOST_DEFAULT_PLUGIN (set by the build:
/// libm365_plugin.so, the product's plugin; the host itself knows no plugin).
std::string defaultPluginPath();

} // namespace wphost
