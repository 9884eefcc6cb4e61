# ToteCPack.cmake — the binary packages of tote, made by CPack from the install rules. Included from the top-level
# CMakeLists.txt. In a (Release) build directory:
#
#   cpack -G "DEB;TGZ"      tote_<version>_<arch>.deb and tote-<version>-Linux.tar.gz (or the `package` target)
#
# Both hold the whole install tree: bin/tote, lib/libtote.so*, lib/tote/plugins/ (first-party plugins),
# include/tote/ (plugin SDK and C++ API), lib/cmake/tote/ (find_package(tote)) and lib/pkgconfig/tote*.pc.
# The .tar.gz is relocatable (unpack it anywhere); the .deb installs it under /usr.
set(TOTE_PACKAGE_MAINTAINER "tote maintainers <maintainers@users.noreply.b-seed-cd77e2bf.example>" CACHE STRING
    "Maintainer field of the packages: Name <email>")
set(TOTE_PACKAGE_HOMEPAGE "https://tote.example.org" CACHE STRING "Homepage field of the packages")

set(CPACK_PACKAGE_NAME tote)
set(CPACK_PACKAGE_VENDOR tote)
set(CPACK_PACKAGE_VERSION "${PROJECT_VERSION}")
set(CPACK_PACKAGE_CONTACT "${TOTE_PACKAGE_MAINTAINER}")
set(CPACK_PACKAGE_HOMEPAGE_URL "${TOTE_PACKAGE_HOMEPAGE}")
set(CPACK_PACKAGE_DESCRIPTION_SUMMARY "one storage interface, with storage backends as plugins")
# One string; the line breaks become the continuation lines of the Debian Description field.
string(CONCAT CPACK_PACKAGE_DESCRIPTION
  "tote gives applications one interface for storing values under keys, and loads\n"
  "the backend as a plugin: json (a directory of files) and sqlite (one database\n"
  "file) are included, and third parties ship more as shared libraries.\n"
  "This package holds the tote command, the libtote C++ library, the first-party\n"
  "plugins, and the SDK to write plugins and applications: headers, a CMake\n"
  "package (find_package(tote)) and pkg-config files (tote, tote-sdk).")
set(CPACK_GENERATOR "DEB;TGZ")
set(CPACK_STRIP_FILES ON)  # Release binaries, as Debian ships them; dynamic symbols are kept

# Debian. Depends comes from dpkg-shlibdeps (package dpkg-dev; CPack also runs `file`): the shared libraries that
# tote, libtote and the plugins link, e.g. libc6, libstdc++6 and libtomlplusplus3. Nothing for the headers:
# the plugin SDK (tote::sdk, tote-sdk.pc) needs only a C or C++ compiler, and only applications that use libtote's
# C++ API need nlohmann-json3-dev (its public headers include nlohmann/json.hpp), so that and the build tools are
# suggestions rather than dependencies of a package that mostly runs the tote command.
set(CPACK_DEBIAN_FILE_NAME DEB-DEFAULT)  # tote_0.1.0_amd64.deb
set(CPACK_DEBIAN_PACKAGE_SHLIBDEPS ON)
set(CPACK_DEBIAN_PACKAGE_SUGGESTS "g++, cmake (>= 3.20), pkg-config, nlohmann-json3-dev")
set(CPACK_DEBIAN_PACKAGE_SECTION utils)
set(CPACK_DEBIAN_PACKAGE_PRIORITY optional)

# Per-generator settings, read by cpack for each generator it runs: the .deb installs under /usr.
set(CPACK_PROJECT_CONFIG_FILE "${CMAKE_CURRENT_LIST_DIR}/ToteCPackGenerator.cmake")

# `package_source` (not used by CI) must not sweep build trees or the git directory into a source archive.
set(CPACK_SOURCE_GENERATOR TGZ)
set(CPACK_SOURCE_IGNORE_FILES "/\\\\.git/" "/build[^/]*/" "/_build[^/]*/" "\\\\.swp$")

include(CPack)
