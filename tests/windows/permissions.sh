#!/bin/sh
# SPDX-License-Identifier: Apache-2.0
# permissions.sh WINE TOTE_EXE CMEM_DLL — on Windows the host judges a plugin directory or file by its security
# descriptor (owner, and whether an access-control entry lets anyone else write it). Under Wine a file's
# descriptor follows its Unix mode, so a world-writable directory or file here is one whose DACL lets Everyone write
# it: refused, naming Everyone; the same file made safe loads.
set -u
wine="$1" tote="$2" cmem="$3"
work="$(mktemp -d)"
trap 'chmod -R u+w "$work"; rm -rf "$work"' EXIT
mkdir "$work/plugins"
cp "$cmem" "$work/plugins/"
failed=0
check() {  # check DESCRIPTION PATTERN
  out="$("$wine" "$tote" --plugin-dir "Z:$work/plugins" plugins 2>&1)"
  if printf '%s\n' "$out" | grep -qF -- "$2"; then echo "ok   $1"; else echo "FAIL $1: no line with: $2"; printf '%s\n' "$out"; failed=1; fi
}
chmod 755 "$work/plugins"; chmod 644 "$work/plugins/"*.dll
check "a safe directory and file load" "cmem 1.0.0"
chmod 777 "$work/plugins"
check "a directory Everyone may write is refused" "plugins: unsafe permissions: lets Everyone (S-1-1-0) write it"
chmod 755 "$work/plugins"; chmod 666 "$work/plugins/"*.dll
check "a file Everyone may write is refused" "tote-cmem.dll: unsafe permissions: lets Everyone (S-1-1-0) write it"
exit "$failed"
