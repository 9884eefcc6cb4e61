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
echo "install check passed"
