#!/usr/bin/env bash
# CPack builds the .deb from this build tree; dpkg-deb shows its control data and file list.
#   deb_test.sh BUILD_DIR
set -euo pipefail
build=$1
scratch=$(mktemp -d -t wp-deb.XXXXXX)
trap 'rm -rf "$scratch"' EXIT
fail() { echo "FAIL: $*" >&2; exit 1; }

cpack --config "$build/CPackConfig.cmake" -G DEB -B "$scratch" >"$scratch/cpack.log" 2>&1 || { cat "$scratch/cpack.log"; fail cpack; }
deb=$(ls "$scratch"/*.deb)
dpkg-deb -f "$deb" Package | grep -qx 'm365-workload-plugin' || fail "package name"
dpkg-deb -c "$deb" | awk '{print $6}' | sed 's|^\./|/|' | sort >"$scratch/files"
for f in /usr/bin/host_stub /usr/lib/wp-plugins/libm365_plugin.so /usr/include/wp/abi.h /usr/include/wp/plugin.hpp \
         /usr/include/wp/host.hpp /usr/lib/cmake/wp_plugin_api/wp_plugin_apiConfig.cmake \
         /usr/lib/cmake/wp_plugin_api/wp_plugin_apiConfigVersion.cmake; do
  grep -qx "$f" "$scratch/files" || fail "missing in the package: $f"
done
# Nothing of the test machinery ships.
if grep -E 'emulator|_tests|example_plugin|fixture' "$scratch/files"; then fail "test files in the package"; fi
echo "deb test: ok ($(basename "$deb"), $(grep -vc '/$' "$scratch/files") files)"
