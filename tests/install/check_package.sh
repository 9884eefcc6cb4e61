#!/bin/sh
# SPDX-License-Identifier: Apache-2.0
# check_package.sh BUILD_DIR GENERATOR CXX_COMPILER [SANITIZE] — install the build into a staging prefix and use
# it as an outside project does, with nothing but CMAKE_PREFIX_PATH (or PKG_CONFIG_PATH) pointing at it:
#   1. the installed tote writes a plugin project (tote new-plugin); it configures with
#      find_package(tote COMPONENTS sdk) even with nlohmann_json hidden, builds, installs with its defaults into
#      ~/.local/lib/tote/plugins, and the installed tote finds it there with no config;
#   2. an application finds tote::host with find_package(tote MAJOR.MINOR), builds, and runs against the staged
#      libtote; asking for the next minor version, or for tote::host without nlohmann_json, fails to configure;
#   3. pkg-config: tote-sdk builds the plugin (its version script included), tote builds the application;
#      both plugins export tote_plugin_entry alone.
# SANITIZE is the build's TOTE_SANITIZE: the staged libtote then carries sanitizers, so the application is built
# with the same ones to run.
set -eu
build="$1"
generator="$2"
cxx="$3"
sanitize="${4:-}"
stage="$(mktemp -d)"
trap 'rm -rf "$stage"' EXIT
prefix="$stage/prefix"
fail() { echo "FAIL: $*" >&2; exit 1; }

cmake --install "$build" --prefix "$prefix" >/dev/null
tote="$prefix/bin/tote"
version="$("$tote" --version | cut -d' ' -f2)"                   # "tote 0.1.0 (plugin ABI 1.0)" -> 0.1.0
major="${version%%.*}" minor="${version#*.}" minor="${minor%%.*}"
export HOME="$stage/home" XDG_CONFIG_HOME="$stage/home/.config" XDG_DATA_HOME="$stage/home/.local/share"
unset TOTE_CONFIG TOTE_PLUGIN_PATH || true
flags=""
[ -z "$sanitize" ] || flags="-fsanitize=$sanitize"

# configure NAME SOURCE_DIR [cmake args...]: configure a project against the staged prefix, output in $stage/NAME.log
configure() {
  name="$1" src="$2"
  shift 2
  cmake -S "$src" -B "$stage/$name-build" -G "$generator" -DCMAKE_CXX_COMPILER="$cxx" \
        -DCMAKE_PREFIX_PATH="$prefix" "$@" >"$stage/$name.log" 2>&1
}

echo "== a plugin project from the installed 'tote new-plugin'"
"$tote" new-plugin probe "$stage/probe" >/dev/null
configure probe "$stage/probe" -DCMAKE_CXX_FLAGS=-Werror -DCMAKE_DISABLE_FIND_PACKAGE_nlohmann_json=ON ||
  { cat "$stage/probe.log"; fail "the generated plugin project does not configure against the staged SDK"; }
cmake --build "$stage/probe-build" >/dev/null || fail "the generated plugin project does not build"
# Installed with the template's defaults (no --prefix), it lands in the per-user plugin directory, where tote
# finds it with no config and no --plugin-dir.
cmake --install "$stage/probe-build" >/dev/null || fail "cmake --install of the generated plugin project"
[ -f "$HOME/.local/lib/tote/plugins/probe.so" ] || fail "the plugin was not installed in ~/.local/lib/tote/plugins"
out="$("$tote" plugins)"
echo "$out" | grep -q "^probe [0-9.]* (ABI " || { echo "$out"; fail "the installed tote did not load the plugin"; }
echo "$out" | grep -q "path: *$HOME/.local/lib/tote/plugins/probe.so" || { echo "$out"; fail "probe.so not found per-user"; }
echo "$out" | grep -Eq "^  $HOME/.local/lib/tote/plugins +per-user$" || { echo "$out"; fail "per-user directory not shown"; }
echo "$out" | grep -q " 0 refused" || { echo "$out"; fail "refusals"; }

echo "== an application using tote::host"
mkdir "$stage/app"
cat >"$stage/app/CMakeLists.txt" <<'EOF'
cmake_minimum_required(VERSION 3.20)
project(app LANGUAGES CXX)
set(CMAKE_CXX_STANDARD 17)
set(WANT "" CACHE STRING "the tote version asked for")
find_package(tote ${WANT} REQUIRED)
add_executable(app main.cpp)
target_link_libraries(app PRIVATE tote::host)
EOF
cat >"$stage/app/main.cpp" <<'EOF'
#include <tote/json.hpp>
#include <tote/tote.hpp>
#include <iostream>
int main(int argc, char** argv) {
    tote::Host host;
    tote::OpenOptions create;
    create.create = true;
    tote::Store store = host.open(std::string("json://") + (argc > 1 ? argv[1] : "store"), create);
    tote::write_json(store, "a/b.json", {{"ok", true}});
    const auto found = store.find("a", tote::field("ok").eq(true), tote::FindOptions{true, "", 0});
    std::cout << tote::version() << " " << tote::read_json(store, "a/b.json").dump() << " " << found.size() << "\n";
}
EOF
configure app "$stage/app" -DWANT="$major.$minor" -DCMAKE_CXX_FLAGS="$flags" ||
  { cat "$stage/app.log"; fail "find_package(tote $major.$minor)"; }
cmake --build "$stage/app-build" >/dev/null || fail "the application does not build against tote::host"
got="$("$stage/app-build/app" "$stage/app-store")"
[ "$got" = "$version {\"ok\":true} 1" ] || fail "the application printed '$got'"
# tote 0.x accepts only the same minor version (SameMinorVersion, see cmake/ToteInstallPackage.cmake).
next="$major.$((minor + 1))"
configure app-next "$stage/app" -DWANT="$next" && fail "find_package(tote $next) accepted tote $version"
grep -q "version: $version" "$stage/app-next.log" || { cat "$stage/app-next.log"; fail "no version message"; }
configure app-nojson "$stage/app" -DCMAKE_DISABLE_FIND_PACKAGE_nlohmann_json=ON &&
  fail "tote::host was found without nlohmann_json"
grep -q "nlohmann_json" "$stage/app-nojson.log" || { cat "$stage/app-nojson.log"; fail "no nlohmann_json message"; }

echo "== pkg-config"
export PKG_CONFIG_PATH="$prefix/lib/pkgconfig"
# shellcheck disable=SC2046  # pkg-config prints several words on purpose
"$cxx" -std=c++17 -fPIC -shared -fvisibility=hidden -Werror -Wall -o "$stage/probe-pc.so" "$stage/probe/probe.cpp" \
  -DPLUGIN_VERSION='"0"' $(pkg-config --cflags tote-sdk) \
  -Wl,--version-script="$(pkg-config --variable=plugin_map tote-sdk)" -Wl,--no-undefined ||
  fail "the plugin does not build with pkg-config tote-sdk"
for so in "$stage/probe-build/probe.so" "$stage/probe-pc.so"; do
  exported="$(nm -D --defined-only "$so" | awk '{print $3}')"
  [ "$exported" = tote_plugin_entry ] || fail "$so exports more than tote_plugin_entry: $exported"
done
# shellcheck disable=SC2046
"$cxx" -std=c++17 $flags -o "$stage/app-pc" "$stage/app/main.cpp" $(pkg-config --cflags --libs tote) \
  -Wl,-rpath,"$prefix/lib" || fail "the application does not build with pkg-config tote"
got="$("$stage/app-pc" "$stage/app-pc-store")"
[ "$got" = "$version {\"ok\":true} 1" ] || fail "the pkg-config application printed '$got'"
echo "package check passed"
