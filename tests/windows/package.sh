#!/bin/sh
# SPDX-License-Identifier: Apache-2.0
# package.sh WINE BUILD_DIR SOURCE_DIR — the Windows .zip as a user gets it: CPack makes it, it unpacks anywhere
# with bin/, lib/tote/plugins/, include/ and the SDK's CMake package; its tote.exe finds its plugins under Wine; and
# the plugin template that tote.exe writes builds against the unpacked SDK, with the toolchain file the package
# carries (nothing from this source tree), into a .dll
# that exports only its entry point and passes `tote plugin check` under that tote.exe.
set -eu
wine="$1" build="$2" source="$3"
work="$(mktemp -d)"
trap 'rm -rf "$work"' EXIT
(cd "$build" && cpack -G ZIP -B "$work/cpack" >/dev/null)
zip="$(ls "$work"/cpack/tote-*-windows-x86_64.zip)"
(cd "$work" && cmake -E tar xf "$zip")
top="$(ls -d "$work"/tote-*-windows-x86_64)"
for f in bin/tote.exe bin/libtote.dll bin/libstdc++-6.dll lib/libtote.dll.a lib/tote/plugins/tote-sqlite.dll \
         lib/tote/tote-plugin-probe.exe include/tote/tote_plugin.h include/tote/plugin.hpp \
         lib/cmake/tote/toteConfig.cmake lib/cmake/tote/mingw-w64.cmake; do
  [ -f "$top/$f" ] || { echo "FAIL the package lacks $f"; exit 1; }
done
echo "ok   $(basename "$zip") holds bin/, lib/tote/plugins/, include/ and lib/cmake/tote"

plugins="$("$wine" "$top/bin/tote.exe" plugins 2>&1)"
printf '%s\n' "$plugins" | grep -q "tote-sqlite.dll" || { printf '%s\n' "$plugins"; echo "FAIL tote.exe from the package does not find its sqlite plugin"; exit 1; }
echo "ok   the unpacked tote.exe finds lib/tote/plugins/tote-sqlite.dll"

cd "$work"
"$wine" "$top/bin/tote.exe" new-plugin mystore >/dev/null
cmake -S mystore -B mystore/build -G Ninja --toolchain "$top/lib/cmake/tote/mingw-w64.cmake" \
      -Dtote_DIR="$top/lib/cmake/tote" >/dev/null
cmake --build mystore/build >/dev/null
"$source/tests/windows/check_exports.sh" x86_64-w64-mingw32-objdump mystore/build
check="$("$wine" "$top/bin/tote.exe" plugin check mystore/build/mystore.dll 2>/dev/null)" ||
  { printf '%s\n' "$check" | grep -v "^pass"; echo "FAIL the template plugin does not pass tote plugin check"; exit 1; }
printf '%s\n' "$check" | tail -n 1
echo "ok   the plugin template, built against the package, passes tote plugin check"
