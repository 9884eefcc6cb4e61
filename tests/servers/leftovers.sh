#!/bin/sh
# SPDX-License-Identifier: Apache-2.0
# leftovers.sh — fails if a test server outlived its test: a redis-server or postgres process still running in a
# test's directory (a tote-test-* temporary directory, or the build tree's tests/servers/). It kills those it finds,
# so that one leak does not hide the next. .ci/test runs it after each test run.
found=0
for pid in $(pgrep -x redis-server; pgrep -x postgres); do
  cwd="$(readlink "/proc/$pid/cwd" 2>/dev/null)" || continue
  case "$cwd" in
  */tote-test-*|*/tests/servers/*)
    echo "leftovers.sh: a test server outlived its test: pid $pid ($(tr '\0' ' ' < "/proc/$pid/cmdline" | sed 's/ *$//')) in $cwd" >&2
    kill -9 "$pid" 2>/dev/null || true
    found=1
    ;;
  esac
done
exit "$found"
