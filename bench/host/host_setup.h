// host_setup.h -- the BenchHost every subcommand opens from the common options.
#pragma once

#include "bench_host.h"
#include "options.h"

namespace wpbench {

inline BenchHost openHost(const Options& options) {
    return BenchHost(options.text("plugin"), options.text("store"), options.text("master-key"));
}

/// "prefix0042" for index 42 of a clone series.
std::string cloneName(const std::string& prefix, long index);

} // namespace wpbench
