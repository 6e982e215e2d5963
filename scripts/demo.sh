#!/usr/bin/env bash
# make demo: configure an emulated Microsoft 365 tenant end to end through the stub host.
#   1. start the Entra ID + Graph emulator on a free loopback port (a simulated admin approves the
#      device code after a few seconds; directory replication lags like the real service),
#   2. configure --action setup (device-code sign-in, application, certificate, grants, verification),
#   3. validate, 4. acquire a Graph token, 5. show what was created in the tenant, 6. stop the emulator.
set -euo pipefail
build=${1:-build}
root=$(cd "$(dirname "$0")/.." && pwd)
bin="$root/$build/bin"
. "$root/scripts/emulator.sh"
work=$(mktemp -d -t m365-demo.XXXXXX)
emulator_pid=""
cleanup() {
  if [ -n "$emulator_pid" ]; then kill "$emulator_pid" 2>/dev/null || true; wait "$emulator_pid" 2>/dev/null || true; fi
  rm -rf "$work"
}
trap cleanup EXIT INT TERM

say() { printf '\n\033[1m== %s\033[0m\n' "$*"; }

say "Starting the Entra ID + Microsoft Graph emulator (loopback, TLS, admin approves after 5 s)"
start_emulator "$bin" "$work" 5 1500
echo "authority $authority, graph $graph, tenant $tenant"

host=("$bin/host_stub" --plugin "$root/$build/lib/libm365_plugin.so" --instance contoso
      --store "$work/store.db" --master-key "$work/master.key")

say "configure --action setup (sign in with the device code shown below)"
"${host[@]}" configure --action setup --set "tenant=$tenant" --set cloud=custom \
  --set "authority_host=$authority" --set "graph_host=$graph" --set "ca_file=$ca_file" \
  --set 'workloads=["exchange","onedrive","sharepoint","teams"]'

say "validate"
"${host[@]}" validate

say "acquire --resource graph (the token itself stays hidden; --show-token prints it)"
"${host[@]}" acquire --resource graph

say "What the plugin stored (secret values masked)"
"${host[@]}" store list

say "What exists in the tenant now (emulator state)"
curl -sS --cacert "$ca_file" "$graph/_emulator/state" | node -e '
  let s=""; process.stdin.on("data",d=>s+=d).on("end",()=>{
    const st=JSON.parse(s);
    for (const t of st.tenants || []) {
      for (const a of t.applications || []) {
        console.log(`application "${a.displayName}" appId ${a.appId}, ${(a.keyCredentials||[]).length} certificate(s)`);
      }
      const roles=(t.appRoleAssignments||[]).map(r=>r.appRoleValue).sort();
      console.log(`granted roles (${roles.length}): ${roles.join(", ")}`);
    }
  });'
say "Done; the emulator stops now."
