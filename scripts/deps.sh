#!/usr/bin/env bash
# Installs what the build, the tests and the demo need, and nothing that is already there.
# Debian 12 packages through apt-get; Node packages (the msal-node conformance test) through npm ci.
set -euo pipefail
cd "$(dirname "$0")/.."

packages=(build-essential cmake pkg-config git libpoco-dev libboost-dev libboost-filesystem-dev doctest-dev
          libssl-dev openssl libsqlite3-dev sqlite3 nlohmann-json3-dev libqrencode-dev nodejs npm chromium
          clang-format curl libpq-dev postgresql tinyproxy clang libclang-rt-14-dev)
missing=()
for p in "${packages[@]}"; do
  dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed" || missing+=("$p")
done
# Node.js and npm may come from outside Debian (the image ships its own): accept working binaries.
if command -v node >/dev/null && command -v npm >/dev/null; then
  missing=("${missing[@]/nodejs}"); missing=("${missing[@]/npm}")
fi
missing=($(printf '%s\n' "${missing[@]}" | grep -v '^$' || true))
if [ ${#missing[@]} -gt 0 ]; then
  echo "deps: installing ${missing[*]}"
  sudo=""; [ "$(id -u)" -eq 0 ] || sudo="sudo"
  $sudo apt-get update -qq
  DEBIAN_FRONTEND=noninteractive $sudo apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
fi

# npm ci only when the lock file changed since the last install.
for dir in tests/conformance bench; do
  [ -f "$dir/package-lock.json" ] || continue
  stamp="$dir/node_modules/.wp-lock.sha"
  want=$(sha256sum "$dir/package-lock.json" | cut -d' ' -f1)
  if [ ! -f "$stamp" ] || [ "$(cat "$stamp")" != "$want" ]; then
    echo "deps: npm ci in $dir"
    (cd "$dir" && npm ci --no-audit --no-fund --loglevel=error)
    echo "$want" > "$stamp"
  fi
done
