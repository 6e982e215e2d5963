// in_process_host.h -- a minimal host inside the test process: the REAL m365 module (wp::host::Module),
// the host's SQLite config/secret store in a scratch directory, and one wp::host::Instance per instance
// name. Each hook call gets its own CallFrame, so any thread may call acquire() at any time (abi.h rule 4).
#pragma once

#include <wp/host.hpp>
#include <wp/host_callbacks.hpp>
#include <wphost/host_store.hpp>

#include <cstdint>
#include <memory>
#include <string>
#include <vector>

namespace wpconc {

/// How one hook call ended: status plus the plugin's error record (code, message).
struct Outcome {
    wp_status status = WP_OK;
    std::string code;
    std::string message;
    bool ok() const { return status == WP_OK; }
    std::string describe() const; ///< "status 7 net.tls_verify_failed: ..." for failure messages
};

class InProcessHost {
public:
    /// Creates a scratch directory for the store and loads the module.
    explicit InProcessHost(const std::string& modulePath);
    ~InProcessHost(); ///< destroys the instances, then removes the scratch directory
    InProcessHost(const InProcessHost&) = delete;
    InProcessHost& operator=(const InProcessHost&) = delete;

    /// Whether the module declares configure action `name` (e.g. "rotate").
    bool offersAction(const char* name) const { return _module->findAction(name) != nullptr; }
    /// Creates instance `name` (not thread-safe: create all instances before starting threads).
    void addInstance(const std::string& name);
    std::size_t size() const { return _instances.size(); }
    const std::string& name(std::size_t index) const { return _instances.at(index)->name; }

    /// configure {"action":action,"settings":settingsJson}; device-code prompts are "shown" (accepted) so
    /// the emulator's --auto-approve completes the sign-in.
    Outcome configure(std::size_t index, const std::string& action, const std::string& settingsJson);
    Outcome validate(std::size_t index, const std::string& optionsJson);
    /// acquire for `resource`; tokenLength receives the delivered token's length (0 if none).
    Outcome acquire(std::size_t index, const char* resource, uint32_t flags, std::size_t* tokenLength);

private:
    struct Slot {
        std::string name;
        std::unique_ptr<wphost::StoreBridge> config;
        std::unique_ptr<wphost::StoreBridge> secrets;
        wp_host services{};
        std::unique_ptr<wp::host::Instance> instance;
    };

    std::string _directory;
    std::unique_ptr<wphost::HostStore> _store;
    std::shared_ptr<wp::host::Module> _module;
    std::vector<std::unique_ptr<Slot>> _instances;
};

} // namespace wpconc
