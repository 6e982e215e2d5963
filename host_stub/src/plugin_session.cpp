// plugin_session.cpp -- loading the module, opening the store, building each instance's wp_host.
#include "plugin_session.hpp"

#include "wphost/key_rules.hpp"

#include <climits>
#include <filesystem>
#include <unistd.h>

namespace wphost {

LoadedInstance::LoadedInstance(std::shared_ptr<wp::host::Module> module, const HostStore& store,
                               ConsoleLogger& logger, const std::string& hostName,
                               const std::string& instance)
    : _name(instance), _config(store.configStore(module->id(), instance)),
      _secrets(store.secretStore(module->id(), instance)), _logTag{&logger, module->id() + "/" + instance} {
    _host.struct_size = sizeof _host;
    _host.abi_version = WP_ABI_VERSION;
    _host.host_name = hostName.c_str(); // a static string: outlives the instance
    _host.log = ConsoleLogger::table(_logTag);
    _host.config = _config.table();
    _host.secrets = _secrets.table();
    _instance = std::make_unique<wp::host::Instance>(std::move(module), _host, instance);
}

PluginSession::PluginSession(const std::string& modulePath, StoreOptions storeOptions, ConsoleLogger& logger)
    : _module(wp::host::Module::load(modulePath)), _storeOptions(std::move(storeOptions)), _logger(logger) {
    checkPluginId(_module->id()); // the id scopes the plugin's keys in the store
    _logger.write(WP_LOG_DEBUG, "host",
                  "loaded plugin '" + _module->id() + "' " + _module->version() + " (ABI " +
                      _module->abiVersionText() + ") from " + _module->path());
}

const HostStore& PluginSession::store() {
    if (!_store) {
        _store = std::make_unique<HostStore>(_storeOptions);
        _logger.write(WP_LOG_DEBUG, "host",
                      "store " + _store->databasePath() + ", master key " + _store->masterKeyPath());
    }
    return *_store;
}

std::unique_ptr<LoadedInstance> PluginSession::openInstance(const std::string& instance) {
    checkInstanceName(instance);
    const HostStore& opened = store();
    return std::make_unique<LoadedInstance>(_module, opened, _logger, hostName(), instance);
}

const std::string& PluginSession::hostName() {
    static const std::string name = "host_stub 0.1.0";
    return name;
}

std::string defaultPluginPath() {
    char buffer[PATH_MAX];
    ssize_t n = ::readlink("/proc/self/exe", buffer, sizeof buffer - 1);
    std::string exe = n > 0 ? std::string(buffer, static_cast<std::size_t>(n)) : std::string("./host_stub");
    // A build tree keeps modules in <build>/lib; an installation in <prefix>/lib/wp-plugins.
    auto prefix = std::filesystem::path(exe).parent_path() / "..";
    auto built = (prefix / "lib" / WPHOST_DEFAULT_PLUGIN).lexically_normal();
    auto installed = (prefix / "lib" / "wp-plugins" / WPHOST_DEFAULT_PLUGIN).lexically_normal();
    std::error_code error;
    return !std::filesystem::exists(built, error) && std::filesystem::exists(installed, error)
               ? installed.string()
               : built.string();
}

} // namespace wphost
