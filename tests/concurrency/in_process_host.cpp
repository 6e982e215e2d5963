#include "in_process_host.h"

#include <cstdlib>
#include <filesystem>
#include <stdexcept>

namespace wpconc {

namespace {

Outcome outcome(wp_status status, const wp::host::CallFrame& frame) {
    Outcome result;
    result.status = status;
    if (status != WP_OK) {
        result.code = frame.record().code;
        result.message = frame.record().message;
    }
    return result;
}

} // namespace

std::string Outcome::describe() const {
    return "status " + std::to_string(static_cast<int>(status)) + " " + code + ": " + message;
}

InProcessHost::InProcessHost(const std::string& modulePath) {
    std::string pattern = (std::filesystem::temp_directory_path() / "wp-concurrency-XXXXXX").string();
    if (mkdtemp(pattern.data()) == nullptr)
        throw std::runtime_error("cannot create a scratch directory");
    _directory = pattern;
    _store = std::make_unique<wphost::HostStore>(
        wphost::StoreOptions{_directory + "/store.db", _directory + "/master.key"});
    _module = wp::host::Module::load(modulePath);
}

InProcessHost::~InProcessHost() {
    _instances.clear(); // instances first: they use the stores
    _store.reset();
    std::error_code ignored;
    std::filesystem::remove_all(_directory, ignored);
}

void InProcessHost::addInstance(const std::string& name) {
    auto slot = std::make_unique<Slot>();
    slot->name = name;
    slot->config = std::make_unique<wphost::StoreBridge>(_store->configStore(_module->id(), name));
    slot->secrets = std::make_unique<wphost::StoreBridge>(_store->secretStore(_module->id(), name));
    slot->services.struct_size = sizeof slot->services;
    slot->services.abi_version = WP_ABI_VERSION;
    slot->services.host_name = "wp_concurrency_tests";
    slot->services.config = slot->config->table();
    slot->services.secrets = slot->secrets->table();
    slot->instance = std::make_unique<wp::host::Instance>(_module, slot->services, name);
    _instances.push_back(std::move(slot));
}

Outcome InProcessHost::configure(std::size_t index, const std::string& action,
                                 const std::string& settingsJson) {
    wp::host::Cancellation cancel;
    wp::host::Output output;
    wp::host::Prompter prompter;
    prompter.onShow = [](const wp_device_code&) { return WP_OK; }; // the emulator approves by itself
    wp::host::CallFrame frame(cancel, output, &prompter);
    std::string request = R"({"action":")" + action + R"(","settings":)" + settingsJson + "}";
    return outcome(_instances.at(index)->instance->configure(frame.call(), request), frame);
}

Outcome InProcessHost::validate(std::size_t index, const std::string& optionsJson) {
    wp::host::Cancellation cancel;
    wp::host::Output output;
    wp::host::CallFrame frame(cancel, output);
    return outcome(_instances.at(index)->instance->validate(frame.call(), optionsJson), frame);
}

Outcome InProcessHost::acquire(std::size_t index, const char* resource, uint32_t flags,
                               std::size_t* tokenLength) {
    wp::host::Cancellation cancel;
    wp::host::Output output;
    std::size_t length = 0;
    output.onCredential = [&](const wp_credential& credential) { length = credential.token_len; };
    wp::host::CallFrame frame(cancel, output);
    wp_credential_request request{};
    request.struct_size = sizeof request;
    request.resource = resource;
    request.flags = flags;
    auto result = outcome(_instances.at(index)->instance->acquire(frame.call(), request), frame);
    if (tokenLength != nullptr)
        *tokenLength = length;
    return result;
}

} // namespace wpconc
