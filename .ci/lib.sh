# SPDX-License-Identifier: Apache-2.0
# .ci/lib.sh — shared by the quick-start scripts: install the Debian 12 packages tote needs, and build.
# Sourced, not run. Uses sudo for apt-get only when not already root.

set -euo pipefail
TOTE_ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"

# Everything tote builds with, from Debian 12's own packages.
TOTE_PACKAGES=(
  g++ cmake ninja-build pkg-config binutils
  libboost-dev libboost-filesystem-dev   # Boost.DLL (header-only; filesystem for its optional paths)
  libtomlplusplus-dev                    # config files
  nlohmann-json3-dev                     # JSON helpers and --json output
  libsqlite3-dev                         # the sqlite plugin links SQLite statically and privately
  catch2                                 # tests
  libcli11-dev                           # the command line
  libpq-dev libhiredis-dev libssl-dev    # the postgres and redis plugins' client libraries (OpenSSL: rediss://)
  postgresql redis-server                # servers the tests start privately (tests/servers)
  python3 openssl                        # tests/servers picks free ports with python3, makes TLS certificates with openssl
  dpkg-dev file                          # .ci/package: CPack's .deb runs dpkg-shlibdeps (dpkg-dev) and file
  gcc-multilib                           # tests/compat: the ABI layout is also checked for 32-bit targets (-m32)
  help2man man-db                        # the tote man page, generated from its --help; tests render it with man
  bash-completion                        # tests/cli: the bash completion script is tested in a real bash
  python3-networkx                       # tests/cli: NetworkX reads what `tote graph export` writes, and back
  pybind11-dev python3-dev python3-pytest  # the Python package (host/python) and its tests (tests/python)
  python3-diskcache                      # bench/python compares the package with it
  libzstd-dev libxxhash-dev              # the zstd and checksum layers (plugins/zstd, plugins/checksum)
  zstd                                   # tests/cli: the zstd command reads what the layer stores, and trains a dictionary
)

tote_install_packages() {
  local sudo=""
  if [ "$(id -u)" -ne 0 ]; then sudo="sudo"; fi
  local missing=()
  for p in "${TOTE_PACKAGES[@]}"; do
    dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed" || missing+=("$p")
  done
  if [ "${#missing[@]}" -gt 0 ]; then
    echo "== installing: ${missing[*]}"
    $sudo apt-get update -qq
    DEBIAN_FRONTEND=noninteractive $sudo apt-get install -y -qq "${missing[@]}" >/dev/null
  fi
}

# tote_stage NAME COMMAND...: runs one stage of a script and prints how long it took.
tote_stage() {
  local name="$1"
  shift
  local start=$SECONDS
  echo "== stage: $name"
  "$@"
  echo "== stage: $name took $((SECONDS - start)) s"
}

# tote_build DIR [extra cmake args...]
tote_build() {
  local dir="$1"
  shift
  echo "== building in $dir"
  cmake -S "$TOTE_ROOT" -B "$dir" -G Ninja "$@" >/dev/null
  cmake --build "$dir"
}

# tote_main_build: the one Release tree (build/) that .ci/test runs the suite in and .ci/package makes the packages
# from, built with Debian's compiler and linker flags (dpkg-buildflags: hardening, format checks, relro) so what is
# tested is what is packaged. Without -g: CPack strips the packaged files anyway, and writing DWARF is a third of the
# compile time on a small machine (.ci/run's ABI check builds libtote with it, separately). The flags are read
# when build/ is first configured; running this again on a built tree only brings it up to date.
tote_main_build() {
  (
    eval "$(DEB_CFLAGS_MAINT_STRIP=-g DEB_CXXFLAGS_MAINT_STRIP=-g dpkg-buildflags --export=sh)"
    # CMake ignores CPPFLAGS (-D_FORTIFY_SOURCE=2): passed with the compiler flags, as debhelper does for CMake.
    export CFLAGS="$CFLAGS $CPPFLAGS" CXXFLAGS="$CXXFLAGS $CPPFLAGS"
    tote_build "$TOTE_ROOT/build" -DCMAKE_BUILD_TYPE=Release -DTOTE_BUILD_TESTS=ON -DTOTE_BUILD_BENCH=ON \
      -DTOTE_BUILD_EXAMPLES=ON -DTOTE_BUILD_PYTHON=ON
  )
}
