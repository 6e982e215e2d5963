#!/usr/bin/env bash
# make bench: the benchmarks of issue 7 in ONE run against ONE emulator, side by side with Microsoft's
# @azure/msal-node, then docs/performance.md (machine, commands, figures, ratios).
#   1. builds the Release programs in build-bench/ (bench/ targets are EXCLUDE_FROM_ALL elsewhere),
#   2. starts the emulator on a free loopback port (device codes approved at once, no replication delay),
#   3. setup end to end through the plugin ABI (item 6), then clones that instance's records for the others,
#   4. items 1, 2, 3, 4, 5, 7, each the plugin and msal-node pair by pair,
#   5. writes docs/performance.md and prints the table; stops the emulator it started (by PID).
# Environment: WP_BENCH_RUNS (default 5), WP_BENCH_SCALE (instances, default 1000), WP_BENCH_OUT (report path),
# WP_BENCH_NO_BUILD=1 (use the programs already in build-bench/), WP_BENCH_KEEP_RESULTS=FILE (keep the raw
# JSON lines, e.g. to render the report again with bench/node/report.mjs FILE OUT after editing the notes).
set -euo pipefail
root=$(cd "$(dirname "$0")/.." && pwd)
build="$root/build-bench"
runs=${WP_BENCH_RUNS:-5}
scale=${WP_BENCH_SCALE:-1000}
report=${WP_BENCH_OUT:-$root/docs/performance.md}

say() { printf '\n\033[1m== %s\033[0m\n' "$*" >&2; }

say "Building the Release benchmark programs in build-bench/"
# WP_WERROR=OFF: GCC 12 reports false -Wrestrict/-Warray-bounds warnings at -O3 in code that is clean in
# the Debug and ASan builds (where make build/test keep -Werror); such a warning must not stop a benchmark.
if [ "${WP_BENCH_NO_BUILD:-0}" != 1 ]; then
  cmake -S "$root" -B "$build" -DCMAKE_BUILD_TYPE=Release -DWP_BUILD_BENCH=ON -DWP_WERROR=OFF >/dev/null
  cmake --build "$build" --target wp_bench -j"$(nproc)" >"$build/bench-build.log" 2>&1 ||
    { tail -n 40 "$build/bench-build.log" >&2; exit 1; }
fi
bin="$build/bin"
plugin="$build/lib/libm365_plugin.so"
. "$root/scripts/emulator.sh"

# Scratch space on tmpfs when there is one: the store's fsyncs are not what we measure.
scratch=/dev/shm; [ -d "$scratch" ] && [ -w "$scratch" ] || scratch=${TMPDIR:-/tmp}
work=$(mktemp -d "$scratch/wp-bench.XXXXXX")
emulator_pid=""
wire_pid=""
stop_wire_counter() {
  if [ -n "$wire_pid" ]; then kill "$wire_pid" 2>/dev/null || true; wait "$wire_pid" 2>/dev/null || true; fi
  wire_pid=""
}
cleanup() {
  stop_wire_counter
  if [ -n "$emulator_pid" ]; then kill "$emulator_pid" 2>/dev/null || true; wait "$emulator_pid" 2>/dev/null || true; fi
  rm -rf "$work"
}
trap cleanup EXIT INT TERM
results="$work/results.jsonl"
: >"$results"

say "Starting the emulator (auto-approve 0 s, replication delay 0 ms)"
start_emulator "$bin" "$work" 0 0
control() { curl -sS --fail --cacert "$ca_file" "$@"; }
stats() { control "$authority/_emulator/stats"; }
# A POST needs a body (Content-Length: 0 at least): without one the server waits for it.
reset_stats() { control -X POST -H 'Content-Type: application/json' -d '{}' "$authority/_emulator/stats/reset" >/dev/null; }
now_ns() { date +%s%N; }
record() { printf '%s\n' "$1" >>"$results"; }

store=(--store "$work/store.db" --master-key "$work/master.key")
bench_host() { "$bin/wp_bench_host" "$1" --plugin "$plugin" "${store[@]}" "${@:2}"; }

say "6. setup end to end through the plugin ABI ($runs runs, each a new application)"
# Graph through a counting TLS proxy (bench/node/wire_counter.mjs): the emulator counts each request inside a
# $batch under its own route too, the proxy counts what is on the wire.
node "$root/bench/node/wire_counter.mjs" --target "$authority" --state-dir "$work/emulator" >"$work/wire.out" 2>"$work/wire.log" &
wire_pid=$!
for _ in $(seq 1 100); do [ -s "$work/wire.out" ] && break; sleep 0.1; done
wire=$(node -e 'process.stdout.write(JSON.parse(process.argv[1]).proxy)' "$(head -n 1 "$work/wire.out")")
wire_counts() { control -X POST -H 'Content-Type: application/json' -d '{}' "$wire/_wire/counts"; }
for run in $(seq 1 "$runs"); do
  reset_stats
  wire_counts >/dev/null
  start=$(now_ns)
  line=$(bench_host setup --instance "setup-$run" --tenant "$tenant" --authority "$authority" --graph "$wire" \
    --ca-file "$ca_file" 2>"$work/setup-$run.log") || { cat "$work/setup-$run.log" >&2; exit 1; }
  end=$(now_ns)
  record "{\"bench\":\"setup\",\"run\":$run,\"process_ms\":$(( (end - start) / 1000000 )),\"result\":$line,\"stats\":$(stats),\"wire\":$(wire_counts)}"
done
stop_wire_counter # acquire-credentials needs no Graph: the clones below never reach it

say "Cloning setup-1's records for the benchmark instances (same app and certificate)"
bench_host clone --from setup-1 --to cached >>"$results"
bench_host clone --from setup-1 --to cold-ps256 >>"$results"
bench_host clone --from setup-1 --to cold-rs256 --assertion RS256 >>"$results"
bench_host clone --from setup-1 --to first >>"$results"
bench_host clone --from setup-1 --to scale-warm >>"$results"
bench_host clone --from setup-1 --to-prefix sf- --count "$runs" >>"$results"
bench_host clone --from setup-1 --to-prefix scale- --count "$scale" >>"$results"
mkdir -m 700 "$work/cred"
bench_host export --instance setup-1 --out "$work/cred" >/dev/null
msal() { NODE_EXTRA_CA_CERTS="$ca_file" node "$root/bench/node/msal_bench.mjs" "$@" --cred "$work/cred"; }

say "1. client assertion vs raw RSA-2048 signature"
"$bin/wp_bench_crypto" --runs "$runs" >>"$results"

say "2. cached acquire: the plugin through the ABI (1, 2, 8 threads), msal-node warm cache"
bench_host cached --instance cached --runs "$runs" --threads 1,2,8 >>"$results"
msal warm --runs "$runs" >>"$results"

say "3. cold acquire (cache bypassed): the plugin PS256 and RS256, msal-node skipCache"
reset_stats
bench_host cold --instance cold-ps256 --runs "$runs" >>"$results"
bench_host cold --instance cold-rs256 --runs "$runs" >>"$results"
msal cold --runs "$runs" >>"$results"
record "{\"bench\":\"cold_stats\",\"stats\":$(stats)}"

say "4. single-flight: 64 threads, one fresh instance per run"
for run in $(seq 0 $(( runs - 1 ))); do
  reset_stats
  line=$(bench_host single-flight --instance "$(printf 'sf-%04d' "$run")" --threads 64)
  record "{\"bench\":\"single_flight_run\",\"result\":$line,\"stats\":$(stats)}"
done

say "5. first token in a fresh process: the plugin and msal-node, alternating"
for run in $(seq 1 $(( runs + 2 ))); do
  start=$(now_ns)
  line=$("$bin/wp_bench_first_token" --plugin "$plugin" "${store[@]}" --instance first)
  end=$(now_ns)
  record "{\"bench\":\"first_token_run\",\"process_ms\":$(( (end - start) / 1000 ))e-3,\"result\":$line}"
  start=$(now_ns)
  line=$(msal first)
  end=$(now_ns)
  record "{\"bench\":\"msal_first_token_run\",\"process_ms\":$(( (end - start) / 1000 ))e-3,\"result\":$line}"
done

say "7. $scale instances in one process: memory, one cold token each with 1 and 2 threads"
for run in $(seq 1 3); do
  for threads in 1 2; do
    bench_host scale --prefix scale- --count "$scale" --threads "$threads" --warm scale-warm >>"$results"
  done
done

say "Writing $report"
machine=$(node -e '
  const os = require("os");
  console.log(JSON.stringify({ cpu: os.cpus()[0]?.model ?? "?", cores: os.cpus().length, kernel: os.release(),
    memory_gib: +(os.totalmem() / 2 ** 30).toFixed(1), load: os.loadavg().map((x) => +x.toFixed(2)) }));')
record "{\"bench\":\"machine\",\"info\":$machine,\"openssl\":\"$(openssl version | tr -d '"')\",\"node\":\"$(node --version)\"}"
[ -z "${WP_BENCH_KEEP_RESULTS:-}" ] || cp "$results" "$WP_BENCH_KEEP_RESULTS"
node "$root/bench/node/report.mjs" "$results" "$report"
