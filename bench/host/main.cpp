// wp_bench_host: the in-process host benchmarks (issue 7, items 2, 3, 4 and 7) and the helpers
// scripts/bench.sh needs to prepare instances.  Usage: wp_bench_host SUBCOMMAND --name value ...
// Common options: --plugin MODULE --store DB --master-key FILE [--resource graph] [--runs N].
#include "benches.h"

#include <wp/error.hpp>

#include <cstdio>
#include <exception>
#include <string>

int main(int argc, char** argv) {
    using namespace wpbench;
    if (argc < 2) {
        std::fprintf(
            stderr,
            "usage: wp_bench_host setup|clone|export|cached|cold|single-flight|scale --name value ...\n");
        return 2;
    }
    try {
        const std::string command = argv[1];
        Options options(argc, argv, 2);
        if (command == "setup")
            return runSetup(options);
        if (command == "clone")
            return runClone(options);
        if (command == "export")
            return runExport(options);
        if (command == "cached")
            return runCached(options);
        if (command == "cold")
            return runCold(options);
        if (command == "single-flight")
            return runSingleFlight(options);
        if (command == "scale")
            return runScale(options);
        std::fprintf(stderr, "wp_bench_host: unknown subcommand '%s'\n", command.c_str());
        return 2;
    } catch (const wp::Error& e) {
        std::fprintf(stderr, "wp_bench_host: %s (%s)\n", e.what(), e.code().c_str());
    } catch (const std::exception& e) {
        std::fprintf(stderr, "wp_bench_host: %s\n", e.what());
    }
    return 1;
}
