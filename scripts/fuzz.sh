#!/usr/bin/env bash
# Builds the libFuzzer targets (preset "fuzz": clang, ASan+UBSan, build-fuzz/) and runs each for
# FUZZ_SECONDS (default 60) on a scratch copy of its seed corpus in fuzz/corpus/<target>/, then prints
# executions and findings per target.  Exit status 1 if any target found a crash, leak or timeout;
# the reproducers are kept in build-fuzz/fuzz-findings/.
#
#   scripts/fuzz.sh                       # every target, 60 s each
#   FUZZ_SECONDS=600 scripts/fuzz.sh jwt  # one target, longer
set -euo pipefail

cd "$(dirname "$0")/.."
seconds="${FUZZ_SECONDS:-60}"
max_len="${FUZZ_MAX_LEN:-16384}"
targets=("$@")
if [ ${#targets[@]} -eq 0 ]; then
    targets=(token_response graph_response jwt config_record settings)
fi

cmake --preset fuzz >/dev/null
cmake --build --preset fuzz

work="build-fuzz/fuzz-work"
findings="build-fuzz/fuzz-findings"
rm -rf "$work" "$findings" # the counts below are this run's
mkdir -p "$work" "$findings"

# A credential secret seed as the plugin stores it, made now: no key is ever committed. The first byte
# picks the credential decoder in fuzz_config_record.cpp ('r' % 4 == 2).
seed_credential() {
    local dir
    dir=$(mktemp -d)
    openssl req -x509 -newkey rsa:2048 -nodes -sha256 -days 2 -subj /CN=fuzz-seed \
        -keyout "$dir/key.pem" -out "$dir/cert.pem" 2>/dev/null
    node -e 'const fs=require("fs"); process.stdout.write("r"+JSON.stringify({private_key_pem: fs.readFileSync(process.argv[1],"utf8"), certificate_pem: fs.readFileSync(process.argv[2],"utf8")}))' \
        "$dir/key.pem" "$dir/cert.pem" >"$1"
    rm -rf "$dir"
}

# One target's run; writes its summary line to ${work}/${target}.summary, exit status 1 on a finding.
fuzz_one() {
    local target="$1"
    local binary="build-fuzz/bin/fuzz_${target}"
    # A scratch corpus: the committed seeds stay small and unchanged.
    local corpus="${work}/${target}"
    mkdir -p "$corpus"
    cp fuzz/corpus/"${target}"/* "$corpus"/
    if [ "$target" = config_record ]; then
        seed_credential "$corpus/credential"
    fi
    local log="${work}/${target}.log"
    echo "== fuzz_${target}: ${seconds} s"
    local status=0
    "$binary" -max_total_time="$seconds" -max_len="$max_len" -timeout=10 -rss_limit_mb=2048 \
        -dict=fuzz/json.dict -print_final_stats=1 -artifact_prefix="${findings}/${target}-" "$corpus" >"$log" 2>&1 || status=$?
    local runs found
    runs=$(sed -n 's/^stat::number_of_executed_units: *//p' "$log" | tail -1)
    found=$(find "$findings" -name "${target}-*" | wc -l)
    if [ "$status" -ne 0 ]; then
        grep -E '^==[0-9]+==|^SUMMARY|ERROR: libFuzzer' "$log" | head -5 || true
    fi
    printf '%-16s executions=%-10s findings=%s exit=%s corpus=%s\n' \
        "$target" "${runs:-?}" "$found" "$status" "$(find "$corpus" -type f | wc -l)" >"${work}/${target}.summary"
    [ "$status" -eq 0 ]
}

for target in "${targets[@]}"; do
    if [ ! -x "build-fuzz/bin/fuzz_${target}" ]; then
        echo "fuzz.sh: no such target: ${target}" >&2
        exit 2
    fi
done

# FUZZ_JOBS targets at a time (default: one per core).
jobs="${FUZZ_JOBS:-$(nproc)}"
failed=0
pids=()
for target in "${targets[@]}"; do
    fuzz_one "$target" &
    pids+=("$!")
    if [ ${#pids[@]} -ge "$jobs" ]; then
        wait "${pids[0]}" || failed=1
        pids=("${pids[@]:1}")
    fi
done
for pid in "${pids[@]}"; do
    wait "$pid" || failed=1
done

echo "== summary (${seconds} s per target; logs in ${work}/, reproducers in ${findings}/)"
for target in "${targets[@]}"; do
    cat "${work}/${target}.summary"
done
exit "$failed"
