#!/bin/sh
# SPDX-License-Identifier: Apache-2.0
# check_exports.sh OBJDUMP DIR... — every plugin DLL (*.dll) in the DIRs of the Windows build exports exactly tote_plugin_entry, by
# that plain name (MinGW-w64 does not export Boost.DLL's aliases, so the host looks the plain name up), and
# imports no C++ runtime DLL (plugins link theirs in: a plugin dropped anywhere needs only Windows' own DLLs).
set -eu
objdump="$1"
shift
failed=0
count=0
for dir in "$@"; do
for dll in "$dir"/*.dll; do
  [ -e "$dll" ] || continue
  count=$((count + 1))
  table="$("$objdump" -p "$dll")"
  exports="$(printf '%s\n' "$table" | sed -n '/\[Ordinal\/Name Pointer\] Table/,/^$/p' | sed -n 's/^[[:space:]]*\[ *[0-9]*\] //p')"
  if [ "$exports" != "tote_plugin_entry" ]; then
    echo "FAIL $dll exports: $(printf '%s' "$exports" | tr '\n' ' ')(want exactly tote_plugin_entry)"
    failed=1
  fi
  runtime="$(printf '%s\n' "$table" | sed -n 's/^[[:space:]]*DLL Name: //p' | grep -iE 'libstdc\+\+|libgcc|libwinpthread' || true)"
  if [ -n "$runtime" ]; then
    echo "FAIL $dll imports the MinGW runtime: $(printf '%s' "$runtime" | tr '\n' ' ')"
    failed=1
  fi
  [ "$failed" -eq 0 ] && echo "ok   $dll: exports tote_plugin_entry only"
done
done
if [ "$count" -eq 0 ]; then
  echo "FAIL no DLL found in $*"
  exit 1
fi
exit "$failed"
