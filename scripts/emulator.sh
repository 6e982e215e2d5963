# Sourced by demo.sh and bench.sh: starts the emulator on a free loopback port and reads its ready line.
#   start_emulator BIN WORK AUTO_APPROVE_S REPLICATION_DELAY_MS
# sets emulator_pid (the caller's EXIT trap kills it), ready (the JSON line), authority, graph, ca_file, tenant.
field() { node -e 'process.stdout.write(String(JSON.parse(process.argv[1])[process.argv[2]]))' "$ready" "$1"; }

start_emulator() {
  local bin=$1 work=$2 approve=$3 delay=$4
  mkdir -p "$work/emulator"
  "$bin/m365-emulator" --port 0 --state-dir "$work/emulator" --control --auto-approve "$approve" \
    --replication-delay-ms "$delay" >"$work/emulator.out" 2>"$work/emulator.log" &
  emulator_pid=$!
  for _ in $(seq 1 150); do
    [ -s "$work/emulator.out" ] && break
    kill -0 "$emulator_pid" 2>/dev/null || { cat "$work/emulator.log" >&2; return 1; }
    sleep 0.1
  done
  ready=$(head -n 1 "$work/emulator.out")
  [ -n "$ready" ] || { echo "the emulator did not start within 15 s" >&2; return 1; }
  authority=$(field authority); graph=$(field graph); ca_file=$(field ca_file); tenant=$(field tenant_domain)
}
