#!/usr/bin/env bash
# SPDX-License-Identifier: Apache-2.0
# spdx_test.sh SOURCE_DIR — every source file of the project says its license in its first lines, and says the
# right one: the SDK (sdk/, and the frozen ABI 1.0 headers in tests/compat) is Apache-2.0 WITH LLVM-exception so
# that what is compiled from it into a plugin carries no obligation; the plugin template is 0BSD so that a
# plugin started from it may take any license; everything else is Apache-2.0 (LICENSE). Data files (license
# texts, test corpora, the Debian changelog template) carry none.
set -euo pipefail
cd "$1"
if git rev-parse --is-inside-work-tree >/dev/null 2>&1; then
    mapfile -t files < <(git ls-files -co --exclude-standard)
else  # an unpacked source archive: every file but build trees
    mapfile -t files < <(find . -type f -not -path './build*' -not -path './.git/*' | sed 's|^\./||')
fi
failures=0
checked=0
for f in "${files[@]}"; do
    case "$f" in
        build*/*|LICENSES/*|packaging/licenses/*|tests/fuzz/corpus/*|packaging/debian/changelog.in|*.md|*.xz|*.gitignore|LICENSE) continue ;;
        tests/plugins/broken/not_a_library.txt) continue ;;  # a fixture: bytes that are not a library
        *.c|*.h|*.cpp|*.hpp|*.cmake|*CMakeLists.txt|*.sh|*.bash|*.toml|*.in|*.map|*.h2m|.ci/*) ;;
        *) continue ;;
    esac
    [ -f "$f" ] || continue
    case "$f" in
        sdk/*|tests/compat/abi-1.0/*) want="Apache-2.0 WITH LLVM-exception" ;;
        packaging/plugin-template/*) want="0BSD" ;;
        *) want="Apache-2.0" ;;
    esac
    checked=$((checked + 1))
    got="$(head -n 3 "$f" | sed -n 's/.*SPDX-License-Identifier: \(.*[^ *]\).*/\1/p' | sed 's/ *\*\/$//' | head -n 1)"
    if [ "$got" != "$want" ]; then
        echo "FAIL: $f: SPDX-License-Identifier is '${got:-missing}', expected '$want'"
        failures=$((failures + 1))
    fi
done
[ "$checked" -gt 100 ] || { echo "FAIL: only $checked source files found under $1"; exit 1; }
[ -f LICENSE ] && grep -q "Apache License" LICENSE || { echo "FAIL: no Apache LICENSE file"; exit 1; }
for text in LICENSES/Apache-2.0.txt LICENSES/LLVM-exception.txt LICENSES/0BSD.txt; do
    [ -s "$text" ] || { echo "FAIL: $text is missing"; exit 1; }
done
if [ "$failures" -ne 0 ]; then echo "$failures file(s) without the right license identifier"; exit 1; fi
echo "license identifiers: $checked source files checked"
