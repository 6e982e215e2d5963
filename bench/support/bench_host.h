// bench_host.h -- a minimal in-process host for the benchmarks: the plugin module loaded through
// wp::host::Module, the stub host's SQLite store (wphost_store), and instances wired to both exactly as
// host_stub wires them.  Acquirer is what a host's worker thread does per call: one CallFrame, the token
// copied out of the callback into its own buffer.
#pragma once

#include <wp/host.hpp>

#include "wphost/host_store.hpp"

#include <memory>
#include <string>

namespace wpbench {

/// One plugin instance with the store tables and logger it borrows (destroyed first).
class BenchInstance {
public:
    BenchInstance(std::shared_ptr<wp::host::Module> module, const wphost::HostStore& store,
                  const std::string& name);
    BenchInstance(const BenchInstance&) = delete;
    BenchInstance& operator=(const BenchInstance&) = delete;

    wp::host::Instance& instance() noexcept { return *_instance; }
    const std::string& name() const noexcept { return _name; }

private:
    std::string _name;
    wphost::StoreBridge _config;
    wphost::StoreBridge _secrets;
    wp_host _host{};
    std::unique_ptr<wp::host::Instance> _instance; // last: destroyed before what it borrows
};

/// The module plus the store.  Warnings and errors the plugin logs go to stderr; nothing below.
class BenchHost {
public:
    /// Loads the module and opens the store (throws wp::Error).
    BenchHost(const std::string& modulePath, const std::string& storePath, const std::string& masterKeyPath);

    std::unique_ptr<BenchInstance> open(const std::string& instance) const;
    const wphost::HostStore& store() const noexcept { return *_store; }
    const wp::host::Module& module() const noexcept { return *_module; }

private:
    std::shared_ptr<wp::host::Module> _module;
    std::unique_ptr<wphost::HostStore> _store;
};

/// One thread's way to call acquire_credentials: its own CallFrame and Output; the token is copied
/// into a buffer owned here (what a host does before handing it to its backup job).
class Acquirer {
public:
    Acquirer(wp::host::Instance& instance, const std::string& resource, uint32_t flags = 0);
    Acquirer(const Acquirer&) = delete;
    Acquirer& operator=(const Acquirer&) = delete;

    /// One call; WP_OK or the failure status (details: error()).
    wp_status acquire() { return _instance.acquire(_frame.call(), _request); }
    /// One call that must succeed; throws wp::Error otherwise.
    void acquireOrThrow();
    wp::Error error(wp_status status) const { return _frame.error(status); }
    /// The last token copied out (its length proves the copy happened).
    const std::string& token() const noexcept { return _token; }

private:
    wp::host::Instance& _instance;
    std::string _resource;
    wp_credential_request _request{};
    wp::host::Cancellation _cancel;
    wp::host::Output _output;
    wp::host::CallFrame _frame;
    std::string _token;
};

} // namespace wpbench
