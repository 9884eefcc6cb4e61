#!/bin/sh
# SPDX-License-Identifier: Apache-2.0
# plugin_check.sh WINE TOTE_EXE CMEM_DLL CHECK_DIR — `tote plugin check` on Windows (under Wine), where each case
# runs in a worker started with CreateProcessW: the pure-C plugin passes; the misbehaving plugin's crash (an access
# violation), exit(7), hang and wrong answer are each reported for their own case, and every case still runs; a
# plugin that crashes while loading is reported, not fatal. The same verdicts tests/cli/cli_plugin_check_test.cpp
# asks of the POSIX worker. (Wine prints a backtrace on stderr for each crash: expected noise.)
set -u
wine="$1" tote="$2" cmem="$3" check_dir="$4"
failed=0
expect() {  # expect DESCRIPTION TEXT PATTERN
  if printf '%s\n' "$2" | grep -qF -- "$3"; then echo "ok   $1"; else echo "FAIL $1: no line with: $3"; failed=1; fi
}

out="$("$wine" "$tote" plugin check "Z:$cmem" 2>/dev/null)"; rc=$?
[ "$rc" -eq 0 ] && echo "ok   cmem passes (exit 0)" || { echo "FAIL cmem: exit $rc"; failed=1; }
expect "cmem: nothing failed" "$out" " 0 failed"

out="$("$wine" "$tote" plugin check "Z:$check_dir/misbehaving.dll" --timeout 5 2>/dev/null)"; rc=$?
[ "$rc" -eq 1 ] && echo "ok   misbehaving fails (exit 1)" || { echo "FAIL misbehaving: exit $rc"; failed=1; }
expect "a crash is reported for its case" "$out" \
  "fail a 10 MiB value round-trips, also streamed: the process crashed (exception 0xC0000005: access violation)"
expect "a hang is stopped at the timeout" "$out" \
  "fail compare-version writes succeed only at the expected version: timed out after 5 s (the process was killed)"
expect "an exit is reported with its status" "$out" \
  "fail create-only succeeds once, then already exists: the process exited with status 7"
expect "a wrong answer is a failed expectation" "$out" "fail binary values with every byte value round-trip: cases_read_write.cpp:"
expect "the last case still ran" "$out" "pass drop destroys a store, and a missing store is not found"
expect "the tally" "$out" " passed, 11 failed, 9 skipped"

err="$("$wine" "$tote" plugin check "Z:$check_dir/crash_on_load.dll" 2>&1 >/dev/null)"; rc=$?
[ "$rc" -eq 1 ] && echo "ok   crash on load fails (exit 1)" || { echo "FAIL crash on load: exit $rc"; failed=1; }
expect "a crash while loading is reported" "$err" \
  "the plugin could not be checked: the process crashed (exception 0xC0000005: access violation) while loading it"

[ "$failed" -eq 0 ] || { printf '%s\n' "---- last output:" "$out"; exit 1; }
