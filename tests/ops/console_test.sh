#!/usr/bin/env bash
# The stub host's console as an operator sees it: progress events shown once in text mode (with
# --verbose only, since the plugin's log lines say the same), always in --json; the sign-in prompt with a
# QR code of the verification URI (--qr always|never), also under --quiet.
#   console_test.sh HOST_STUB EXAMPLE_PLUGIN SIGNIN_FIXTURE_PLUGIN
set -euo pipefail
host=$1; example=$2; fixture=$3
scratch=$(mktemp -d -t wp-console.XXXXXX)
trap 'rm -rf "$scratch"' EXIT
fail() { echo "FAIL: $*" >&2; exit 1; }
store=(--store "$scratch/store.db" --master-key "$scratch/master.key")
weather=("$host" --plugin "$example" "${store[@]}" configure --action setup --set city=Oslo --set units=metric
         --set api_key=K)

"${weather[@]}" --instance a >"$scratch/text.out" 2>"$scratch/text.err" || fail "setup: $(cat "$scratch/text.err")"
if grep -q '\* step:' "$scratch/text.out"; then fail "progress events printed without --verbose"; fi
"${weather[@]}" --instance b --verbose >"$scratch/verbose.out" 2>/dev/null
grep -q '\* step: step=store_settings state=done' "$scratch/verbose.out" || fail "--verbose: $(cat "$scratch/verbose.out")"
"${weather[@]}" --instance c --json >"$scratch/json.out" 2>/dev/null
grep -q '^{"type":"event","instance":"c","data":{"event":"step","step":"store_settings","state":"done"}}$' \
  "$scratch/json.out" || fail "--json event: $(cat "$scratch/json.out")"
grep -q '^{"type":"result",' "$scratch/json.out" || fail "--json result"
# Every stdout line in --json mode is a JSON object with a type.
if grep -v '^{"type":"' "$scratch/json.out"; then fail "non-JSON line on stdout in --json mode"; fi

signin=("$host" --plugin "$fixture" "${store[@]}" configure --action sign-in --set wait_ms=0)
block=$(printf '\xe2\x96\x88') # U+2588 FULL BLOCK
"${signin[@]}" --instance q --qr always >/dev/null 2>"$scratch/qr.err" || fail "sign-in: $(cat "$scratch/qr.err")"
grep -q "https://login.example.test/device" "$scratch/qr.err" || fail "no URI"
grep -q "FIXT-CODE" "$scratch/qr.err" || fail "no code"
[ "$(grep -c "$block$block$block" "$scratch/qr.err")" -ge 10 ] || fail "no QR code: $(cat "$scratch/qr.err")"
"${signin[@]}" --instance r --qr always --quiet >/dev/null 2>"$scratch/quiet.err"
grep -q "$block$block$block" "$scratch/quiet.err" || fail "--quiet hid the sign-in prompt"
"${signin[@]}" --instance s --qr never >/dev/null 2>"$scratch/never.err"
if grep -q "$block" "$scratch/never.err"; then fail "--qr never drew a QR code"; fi
grep -q "FIXT-CODE" "$scratch/never.err" || fail "--qr never: no code"
if "${signin[@]}" --instance t --qr sometimes >/dev/null 2>&1; then fail "--qr sometimes accepted"; fi
echo "console test: ok"
