// wp_bench_first_token -- issue 7 item 5: the first token in a fresh process, as a backup job that starts,
// gets one token and goes: load the module, open the store, create the instance, and the first acquire
// (read the record, decrypt the key, TLS handshake, sign an assertion, the request).  Times are measured
// from main(); scripts/bench.sh also times the whole process from outside (exec, dynamic linking, exit).
// process_cpu_ms: the CPU this process used from exec to the token (the machine may be shared).
// Usage: wp_bench_first_token --plugin MODULE --store DB --master-key FILE --instance NAME [--resource graph]
#include "bench_host.h"
#include "json_line.h"
#include "options.h"

#include <cstdio>
#include <exception>

int main(int argc, char** argv) {
    using namespace wpbench;
    const uint64_t start = nowNs();
    try {
        Options options(argc, argv, 1);
        auto module = wp::host::Module::load(options.text("plugin"));
        const uint64_t loaded = nowNs();
        wphost::HostStore store(wphost::StoreOptions{options.text("store"), options.text("master-key")});
        const uint64_t storeOpened = nowNs();
        BenchInstance opened(module, store, options.text("instance"));
        const uint64_t created = nowNs();
        Acquirer acquirer(opened.instance(), options.text("resource", "graph"));
        acquirer.acquireOrThrow();
        const uint64_t acquired = nowNs();
        auto ms = [](uint64_t from, uint64_t to) { return static_cast<double>(to - from) / 1e6; };
        JsonLine("first_token")
            .add("load_module_ms", ms(start, loaded))
            .add("open_store_ms", ms(loaded, storeOpened))
            .add("create_instance_ms", ms(storeOpened, created))
            .add("first_acquire_ms", ms(created, acquired))
            .add("total_ms", ms(start, acquired))
            .add("process_cpu_ms", static_cast<double>(processCpuNs()) / 1e6)
            .print();
        return 0;
    } catch (const wp::Error& e) {
        std::fprintf(stderr, "wp_bench_first_token: %s (%s)\n", e.what(), e.code().c_str());
    } catch (const std::exception& e) {
        std::fprintf(stderr, "wp_bench_first_token: %s\n", e.what());
    }
    return 1;
}
