// benches.h -- the subcommands of wp_bench_host (one file each).  Every one prints JSON lines (json_line.h)
// and returns the process exit code.
#pragma once

#include "options.h"

namespace wpbench {

/// setup: configure --action setup through the ABI against the emulator (auto-approve 0).
/// --instance NAME --tenant DOMAIN --authority URL [--graph URL] --ca-file FILE
int runSetup(const Options& options);
/// clone: copies one configured instance's config and secrets to other instance names (same app and
/// certificate), re-encrypting the secrets for their new place.  --from NAME and --to NAME, or
/// --to-prefix P --count N (names P0000, P0001, ...),
/// [--assertion RS256] (rewrites the copied record's assertion profile).
int runClone(const Options& options);
/// export: writes the instance record and its decrypted credential (0600 files) for msal-node.
/// --instance NAME --out DIR
int runExport(const Options& options);
/// cached: cached acquire through the ABI, calls/s and p50/p99 at --threads 1,2,8.
int runCached(const Options& options);
/// cold: acquire with WP_ACQUIRE_BYPASS_CACHE, tokens/s and this process's CPU per token.
int runCold(const Options& options);
/// single-flight: --threads 64 callers of a fresh instance (no token yet) at once.
int runSingleFlight(const Options& options);
/// scale: --prefix P --count 1000 --threads T: RSS per instance, one cold token for each.
int runScale(const Options& options);

} // namespace wpbench
