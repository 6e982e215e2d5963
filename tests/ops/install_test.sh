#!/usr/bin/env bash
# cmake --install into a scratch prefix, then: the installed host finds the installed m365 module without
# --plugin; a plugin built out of tree against the installed package (find_package(wp_plugin_api CONFIG))
# loads in the installed host; a major version the package does not offer is refused by find_package.
#   install_test.sh BUILD_DIR SOURCE_DIR
set -euo pipefail
build=$1; source=$2
scratch=$(mktemp -d -t wp-install.XXXXXX)
trap 'rm -rf "$scratch"' EXIT
fail() { echo "FAIL: $*" >&2; exit 1; }

cmake --install "$build" --prefix "$scratch/prefix" >"$scratch/install.log"
for f in bin/host_stub lib/wp-plugins/libm365_plugin.so include/wp/abi.h include/wp/plugin.hpp include/wp/host.hpp \
         lib/cmake/wp_plugin_api/wp_plugin_apiConfig.cmake lib/cmake/wp_plugin_api/wp_plugin_apiConfigVersion.cmake \
         lib/cmake/wp_plugin_api/wp_plugin_apiTargets.cmake lib/cmake/wp_plugin_api/wp_plugin.map; do
  [ -e "$scratch/prefix/$f" ] || fail "not installed: $f"
done
[ ! -e "$scratch/prefix/bin/m365-emulator" ] || fail "the test emulator must not be installed"

# The installed host's default plugin is the installed module.
"$scratch/prefix/bin/host_stub" info --json --store "$scratch/s.db" --master-key "$scratch/k" >"$scratch/m365.json"
grep -q '"type":"info","id":"m365"' "$scratch/m365.json" || fail "default plugin: $(cat "$scratch/m365.json")"
grep -q "\"path\":\"$scratch/prefix/lib/wp-plugins/libm365_plugin.so\"" "$scratch/m365.json" || fail "path: $(cat "$scratch/m365.json")"

# An out-of-tree plugin against the installed package, loaded by the installed host.
cmake -S "$source/tests/ops/consumer" -B "$scratch/consumer" -DCMAKE_PREFIX_PATH="$scratch/prefix" \
  -DCMAKE_BUILD_TYPE=Release >"$scratch/consumer.log" 2>&1 || { cat "$scratch/consumer.log"; fail "configure"; }
cmake --build "$scratch/consumer" >>"$scratch/consumer.log" 2>&1 || { cat "$scratch/consumer.log"; fail "build"; }
module="$scratch/consumer/libhello_plugin.so"
exported=$(nm -D --defined-only "$module" | awk '{print $3}' | grep -v '^_' || true)
[ "$exported" = "wp_plugin_entry" ] || fail "exports: $exported"
host=("$scratch/prefix/bin/host_stub" --plugin "$module" --store "$scratch/s.db" --master-key "$scratch/k" --json)
"${host[@]}" info >"$scratch/hello.json"
grep -q '"type":"info","id":"hello"' "$scratch/hello.json" || fail "hello info: $(cat "$scratch/hello.json")"
"${host[@]}" configure --action setup --set greeting=hi >/dev/null || fail "hello setup"
"${host[@]}" acquire --resource hello | grep -q '"type":"credential"' || fail "hello acquire"

# SameMajorVersion: asking for ABI 2 must not find this 1.x package.
mkdir -p "$scratch/v2"
cat >"$scratch/v2/CMakeLists.txt" <<'CMAKE'
cmake_minimum_required(VERSION 3.25)
project(v2 LANGUAGES CXX)
find_package(wp_plugin_api 2.0 CONFIG REQUIRED)
CMAKE
if cmake -S "$scratch/v2" -B "$scratch/v2/build" -DCMAKE_PREFIX_PATH="$scratch/prefix" >"$scratch/v2.log" 2>&1; then
  fail "find_package(wp_plugin_api 2.0) accepted a 1.x package"
fi
echo "install test: ok"
