// 64 threads acquiring the same token at once cause ONE token request (single-flight), counted by the
// emulator. The module is loaded in-process through wp::host::Module with the host's SQLite store, after a
// real setup through the stub host.
#include "stub_host.h"

#include <wp/host.hpp>
#include <wp/host_callbacks.hpp>
#include <wphost/host_store.hpp>

#include <doctest/doctest.h>

#include <atomic>
#include <latch>
#include <thread>

TEST_CASE("64 threads acquiring the same token cause one token request") {
    wptest::EmulatorProcess emulator(m365it::emulatorOptions());
    m365it::StubHost host(emulator);
    REQUIRE(host.run(host.setupArgs({"workloads=onedrive"})).exitCode == 0);

    wphost::HostStore store(wphost::StoreOptions{host.storePath(), host.masterKeyPath()});
    auto module = wp::host::Module::load(WP_M365_MODULE_PATH);
    wphost::StoreBridge config(store.configStore(module->id(), host.instance()));
    wphost::StoreBridge secrets(store.secretStore(module->id(), host.instance()));
    wp_host services{};
    services.struct_size = sizeof services;
    services.abi_version = WP_ABI_VERSION;
    services.host_name = "m365_integration_tests";
    services.config = config.table();
    services.secrets = secrets.table();
    wp::host::Instance instance(module, services, host.instance());

    emulator.resetStats();
    constexpr int kThreads = 64;
    std::latch start(kThreads);
    std::atomic<int> succeeded{0};
    std::atomic<std::size_t> tokenLength{0};
    std::vector<std::thread> threads;
    for (int i = 0; i < kThreads; ++i) {
        threads.emplace_back([&] {
            wp::host::Cancellation cancel;
            wp::host::Output output;
            output.onCredential = [&](const wp_credential& credential) {
                tokenLength = credential.token_len;
            };
            wp::host::CallFrame frame(cancel, output);
            wp_credential_request request{};
            request.struct_size = sizeof request;
            request.resource = "graph";
            start.arrive_and_wait();
            if (instance.acquire(frame.call(), request) == WP_OK)
                ++succeeded;
        });
    }
    for (auto& thread : threads)
        thread.join();
    CHECK(succeeded == kThreads);
    CHECK(tokenLength > 100);
    auto requests = emulator.stats()["requests"];
    CHECK(requests.value("POST token client_credentials", 0) == 1);
}
