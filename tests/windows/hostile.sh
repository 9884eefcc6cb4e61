#!/bin/sh
# SPDX-License-Identifier: Apache-2.0
# hostile.sh WINE TOTE_EXE HOSTILE_DIR — discovery on Windows (under Wine) describes plugin files in a helper
# process started with CreateProcessW (lib/tote/tote-plugin-probe.exe): entry points that crash, abort, exit or hang
# are each refused with what happened to the helper, the good plugin beside them loads, the command itself
# succeeds, and what a plugin prints while loading never reaches the command's output. The Windows twin of
# tests/cli/cli_hostile_test.cpp.
set -u
wine="$1" tote="$2" dir="$3"
failed=0
expect() {  # expect DESCRIPTION TEXT PATTERN
  if printf '%s\n' "$2" | grep -qF -- "$3"; then echo "ok   $1"; else echo "FAIL $1: no line with: $3"; failed=1; fi
}
out="$(TOTE_PROBE_TIMEOUT_MS=3000 "$wine" "$tote" --plugin-dir "Z:$dir" plugins 2>/dev/null)"; rc=$?
[ "$rc" -eq 0 ] && echo "ok   the command succeeds (exit 0)" || { echo "FAIL exit $rc"; failed=1; }
expect "the good plugin loads" "$out" "cmem 1.0.0"
expect "a crash is refused" "$out" "crash-on-entry.dll: crashed when loaded: exception 0xC0000005: access violation (in the helper process"
expect "abort() is refused" "$out" "abort-on-entry.dll: exited when loaded: exited with status 3"
expect "exit(7) is refused" "$out" "exit-on-entry.dll: exited when loaded: exited with status 7"
expect "a hang is refused at the deadline" "$out" "hang-on-entry.dll: hung when loaded: still running after 3 s"
expect "the tally" "$out" "4 refused"
if printf '%s\n' "$out" | grep -q "chatting"; then echo "FAIL a plugin's own output reached the command's"; failed=1; else echo "ok   no plugin output in the command's"; fi
[ "$failed" -eq 0 ] || { printf '%s\n' "---- output:" "$out"; exit 1; }
