// bench_host.cpp -- see bench_host.h.
#include "bench_host.h"

#include <cstdio>
#include <mutex>

namespace wpbench {

namespace {

const char* levelName(int32_t level) {
    switch (level) {
    case WP_LOG_WARN:
        return "WARN";
    case WP_LOG_ERROR:
        return "ERROR";
    default:
        return "INFO";
    }
}

/// Only warnings and errors: a benchmark must not measure its own logging.
void logToStderr(void* ctx, int32_t level, const char* message, std::size_t length) {
    static std::mutex mutex;
    const auto* name = static_cast<const std::string*>(ctx);
    std::lock_guard<std::mutex> lock(mutex);
    std::fprintf(stderr, "%s [%s] %.*s\n", levelName(level), name->c_str(), static_cast<int>(length),
                 message);
}

} // namespace

BenchInstance::BenchInstance(std::shared_ptr<wp::host::Module> module, const wphost::HostStore& store,
                             const std::string& name)
    : _name(name), _config(store.configStore(module->id(), name)),
      _secrets(store.secretStore(module->id(), name)) {
    static const std::string hostName = "wp-bench 0.1.0";
    _host.struct_size = sizeof _host;
    _host.abi_version = WP_ABI_VERSION;
    _host.host_name = hostName.c_str();
    _host.log = wp_logger{&_name, &logToStderr, WP_LOG_WARN};
    _host.config = _config.table();
    _host.secrets = _secrets.table();
    _instance = std::make_unique<wp::host::Instance>(std::move(module), _host, name);
}

BenchHost::BenchHost(const std::string& modulePath, const std::string& storePath,
                     const std::string& masterKeyPath)
    : _module(wp::host::Module::load(modulePath)),
      _store(std::make_unique<wphost::HostStore>(wphost::StoreOptions{storePath, masterKeyPath})) {}

std::unique_ptr<BenchInstance> BenchHost::open(const std::string& instance) const {
    return std::make_unique<BenchInstance>(_module, *_store, instance);
}

Acquirer::Acquirer(wp::host::Instance& instance, const std::string& resource, uint32_t flags)
    : _instance(instance), _resource(resource), _frame(_cancel, _output) {
    _request.struct_size = sizeof _request;
    _request.resource = _resource.c_str();
    _request.flags = flags;
    _token.reserve(4096);
    _output.onCredential = [this](const wp_credential& credential) {
        _token.assign(credential.token, credential.token_len); // no allocation once the buffer is sized
    };
}

void Acquirer::acquireOrThrow() {
    wp_status status = acquire();
    if (status != WP_OK)
        throw error(status);
    if (_token.empty())
        throw wp::Error(WP_E_INTERNAL, "bench.no_token", "acquire succeeded but delivered no token");
}

} // namespace wpbench
