#!/bin/sh
# SPDX-License-Identifier: Apache-2.0
# check_install.sh BUILD_DIR — install the build into a staging prefix, move the tree somewhere else, and check
# that the installed tote runs from there with no config and finds its first-party plugins beside itself.
set -eu
build="$1"
stage="$(mktemp -d)"
trap 'rm -rf "$stage"' EXIT
cmake --install "$build" --prefix "$stage/first" >/dev/null
mv "$stage/first" "$stage/moved"
tote="$stage/moved/bin/tote"
export HOME="$stage/home" XDG_CONFIG_HOME="$stage/home/.config" XDG_DATA_HOME="$stage/home/.local/share"
export XDG_CACHE_HOME="$stage/home/.cache"
unset TOTE_CONFIG TOTE_PLUGIN_PATH || true
out="$("$tote" plugins 2>"$stage/plugins.err")"
echo "$out"
# The probe helper moved with the tree (lib/tote/tote-plugin-probe), and described the plugins into the cache.
if grep -q "probe helper" "$stage/plugins.err"; then cat "$stage/plugins.err"; echo "FAIL: probe helper not found" >&2; exit 1; fi
test -f "$XDG_CACHE_HOME/tote/registry.json" || { echo "FAIL: no registry cache written" >&2; exit 1; }
for plugin in json sqlite; do
  echo "$out" | grep -q "path:.*$stage/moved/lib[^ ]*/tote/plugins/tote-$plugin.so" || {
    echo "FAIL: the installed tote did not load its $plugin plugin from the moved tree" >&2; exit 1; }
done
echo "$out" | grep -q " 0 refused" || { echo "FAIL: refusals in a fresh install" >&2; exit 1; }
echo hello | "$tote" put default greeting
[ "$("$tote" get default greeting)" = "hello" ] || { echo "FAIL: default store round trip" >&2; exit 1; }
test -f "$stage/moved/include/tote/tote_plugin.h" || { echo "FAIL: SDK header not installed" >&2; exit 1; }
test -f "$stage/moved/include/tote/tote.hpp" || { echo "FAIL: host header not installed" >&2; exit 1; }
test -f "$stage/moved/include/tote/totec.h" || { echo "FAIL: C API header not installed" >&2; exit 1; }
# An application in C, built with pkg-config against the moved tree, using the installed first-party plugins.
pcdir="$(dirname "$(find "$stage/moved" -name tote.pc | head -1)")"
cat > "$stage/app.c" <<'C'
#include <tote/totec.h>
#include <stdio.h>
#include <string.h>
int main(int argc, char **argv) {
    totec_host *host; totec_store *store; char *error = NULL; void *value; size_t len;
    if (argc != 2 || totec_host_new(NULL, &host, &error) != TOTE_OK ||
        totec_open(host, argv[1], TOTEC_OPEN_CREATE, NULL, &store, &error) != TOTE_OK ||
        totec_write(store, "k", 1, "from C", 6, NULL, NULL, &error) != TOTE_OK ||
        totec_read(store, "k", 1, &value, &len, NULL, &error) != TOTE_OK) {
        fprintf(stderr, "%s\n", error ? error : "usage: app URL");
        return 1;
    }
    printf("%.*s\n", (int)len, (const char *)value);
    totec_free(value);
    totec_close(store);
    totec_host_free(host);
    return 0;
}
C
flags="$(PKG_CONFIG_PATH="$pcdir" pkg-config --cflags --libs tote)"
# A sanitizer build's libtote needs its runtime first in the program that links it: build the program the same way.
libtote="$(find "$stage/moved" -name 'libtote.so.*' -type f | head -1)"
case "$(readelf -d "$libtote")" in
  *libasan*) flags="$flags -fsanitize=address,undefined" ;;
  *libtsan*) flags="$flags -fsanitize=thread" ;;
esac
# shellcheck disable=SC2086
cc -std=c11 -Wall -Wextra -Werror -o "$stage/app" "$stage/app.c" $flags -Wl,-rpath,"$(PKG_CONFIG_PATH="$pcdir" pkg-config --variable=libdir tote)"
[ "$("$stage/app" "sqlite://$stage/app.db")" = "from C" ] || { echo "FAIL: the C application" >&2; exit 1; }
# The Python package, when built: imports from the moved tree (libtote found through its $ORIGIN run path) and
# uses the installed plugins.
if [ -d "$stage/moved/lib/python3/dist-packages/tote" ]; then
  PYTHONPATH="$stage/moved/lib/python3/dist-packages" /usr/bin/python3 -c "
import sys, tote
s = tote.open('sqlite://$stage/py.db', create=True)
s['k'] = b'from Python'
assert s['k'] == b'from Python', s['k']
assert tote.__file__.startswith('$stage/moved/'), tote.__file__
" || { echo "FAIL: the installed Python package" >&2; exit 1; }
fi
echo "install check passed"
