# SPDX-License-Identifier: Apache-2.0
# ToteCPack.cmake — the binary packages of tote, made by CPack from the install rules. Included from the top-level
# CMakeLists.txt. In a (Release) build directory:
#
#   cpack -G "DEB;TGZ"      tote_<version>-1_<arch>.deb, tote-dev_<version>-1_<arch>.deb and
#                           tote-<version>-Linux.tar.gz (or the `package` target)
#
# The two .debs are the two install components: tote (runtime: bin/tote, libtote.so.N, the first-party plugins and
# the probe helper in lib/tote/, the man page, bash completion) and tote-dev (the SDK: include/tote/, the
# libtote.so link, lib/cmake/tote/ for find_package(tote), lib/pkgconfig/tote*.pc), which depends on the exact
# same tote. The .tar.gz holds both, relocatable (unpack it anywhere). See docs/packaging.md.
#
# Packagers set the Maintainer field with -DTOTE_PACKAGE_MAINTAINER="Name <email>" (default: $DEBFULLNAME
# <$DEBEMAIL>, the variables Debian's own tools read) and the Homepage with -DTOTE_PACKAGE_HOMEPAGE=URL (no field
# if unset, rather than a made-up one).
set(_maintainer "tote packagers <packagers@tote.invalid>")
if(DEFINED ENV{DEBEMAIL} AND NOT "$ENV{DEBEMAIL}" STREQUAL "")
  set(_maintainer "$ENV{DEBEMAIL}")
  if(DEFINED ENV{DEBFULLNAME} AND NOT "$ENV{DEBFULLNAME}" STREQUAL "" AND NOT "$ENV{DEBEMAIL}" MATCHES "<")
    set(_maintainer "$ENV{DEBFULLNAME} <$ENV{DEBEMAIL}>")
  endif()
endif()
set(TOTE_PACKAGE_MAINTAINER "${_maintainer}" CACHE STRING "Maintainer field of the packages: Name <email>")
set(TOTE_PACKAGE_HOMEPAGE "" CACHE STRING "Homepage field of the packages (none if empty)")
set(TOTE_DEB_RELEASE 1 CACHE STRING "Debian revision of the packages (the -N of <version>-N)")
set(TOTE_DEB_VERSION "${PROJECT_VERSION}-${TOTE_DEB_RELEASE}")
include("${CMAKE_CURRENT_LIST_DIR}/ToteDebianDocs.cmake")

set(CPACK_PACKAGE_NAME tote)
set(CPACK_PACKAGE_VENDOR tote)
set(CPACK_PACKAGE_VERSION "${PROJECT_VERSION}")
set(CPACK_PACKAGE_CONTACT "${TOTE_PACKAGE_MAINTAINER}")
if(TOTE_PACKAGE_HOMEPAGE)
  set(CPACK_PACKAGE_HOMEPAGE_URL "${TOTE_PACKAGE_HOMEPAGE}")
endif()
set(CPACK_RESOURCE_FILE_LICENSE "${PROJECT_SOURCE_DIR}/LICENSE")
set(CPACK_PACKAGE_DESCRIPTION_SUMMARY "one storage interface, with storage backends as plugins")  # the .tar.gz
set(CPACK_GENERATOR "DEB;TGZ")
if(WIN32)
  # The Windows build (docs/windows.md): one .zip of the whole tree — bin/ (tote.exe, libtote.dll, the MinGW
  # runtime), lib/tote/plugins/, include/, lib/cmake/tote (the SDK's CMake package) — unpacked anywhere.
  set(CPACK_GENERATOR "ZIP")
  set(CPACK_SYSTEM_NAME "windows-x86_64")  # tote-0.2.0-windows-x86_64.zip
endif()
set(CPACK_STRIP_FILES ON)  # Release binaries, as Debian ships them; dynamic symbols are kept
set(CPACK_COMPONENTS_ALL runtime sdk)
if(TOTE_BUILD_PYTHON)
  list(APPEND CPACK_COMPONENTS_ALL python)
endif()

# Debian: one package per component.
set(CPACK_DEB_COMPONENT_INSTALL ON)
set(CPACK_DEBIAN_FILE_NAME DEB-DEFAULT)  # tote_0.2.0-1_amd64.deb, tote-dev_0.2.0-1_amd64.deb
set(CPACK_DEBIAN_PACKAGE_RELEASE "${TOTE_DEB_RELEASE}")
set(CPACK_DEBIAN_PACKAGE_PRIORITY optional)
set(CPACK_DEBIAN_PACKAGE_MAINTAINER "${TOTE_PACKAGE_MAINTAINER}")

set(CPACK_DEBIAN_RUNTIME_PACKAGE_NAME tote)
set(CPACK_DEBIAN_RUNTIME_PACKAGE_SECTION utils)
# Depends from dpkg-shlibdeps (package dpkg-dev): libc6, libstdc++6, libtomlplusplus3, libpq5, libhiredis0.14,
# libssl3 — what tote, libtote and the plugins link. The shlibs file tells packages built against libtote which
# tote they need; its ldconfig trigger keeps the loader's cache right.
set(CPACK_DEBIAN_RUNTIME_PACKAGE_SHLIBDEPS ON)
set(CPACK_DEBIAN_PACKAGE_GENERATE_SHLIBS ON)
set(CPACK_DEBIAN_PACKAGE_GENERATE_SHLIBS_POLICY ">=")
set(CPACK_DEBIAN_RUNTIME_PACKAGE_SUGGESTS "tote-dev")
# libtote lives in /usr/lib: the loader's cache is refreshed by a dpkg trigger (packaging/debian/triggers), as
# policy wants. CPackDeb also writes a postinst and a postrm calling ldconfig (harmless; docs/packaging.md).
set(CPACK_DEBIAN_RUNTIME_PACKAGE_CONTROL_EXTRA "${CMAKE_CURRENT_LIST_DIR}/debian/triggers")
set(CPACK_DEBIAN_RUNTIME_PACKAGE_CONTROL_STRICT_PERMISSION ON)
string(CONCAT CPACK_DEBIAN_RUNTIME_DESCRIPTION
  "one storage interface, with storage backends as plugins\n"
  "tote gives applications one interface for storing values under keys, and loads\n"
  "the backend as a plugin: json (a directory of files), sqlite (one database\n"
  "file), postgres and redis are included, and third parties ship more as shared\n"
  "libraries.\n"
  "This package holds the tote command, the libtote C++ library and the\n"
  "first-party plugins.")

set(CPACK_DEBIAN_SDK_PACKAGE_NAME tote-dev)
set(CPACK_DEBIAN_SDK_PACKAGE_SECTION libdevel)
# The SDK's headers need only a compiler; applications using libtote's C++ API also need nlohmann-json3-dev (its
# public headers include nlohmann/json.hpp).
set(CPACK_DEBIAN_SDK_PACKAGE_DEPENDS "tote (= ${TOTE_DEB_VERSION}), nlohmann-json3-dev")
set(CPACK_DEBIAN_SDK_PACKAGE_SUGGESTS "g++, cmake (>= 3.20), pkg-config")
string(CONCAT CPACK_DEBIAN_SDK_DESCRIPTION
  "SDK for tote storage plugins and applications\n"
  "tote gives applications one interface for storing values under keys, and loads\n"
  "the backend as a plugin.\n"
  "This package holds what is needed to write a backend plugin (the C ABI header,\n"
  "extension headers, a C++ helper, tote_add_plugin() for CMake) or an application\n"
  "using libtote: headers, a CMake package (find_package(tote)) and pkg-config\n"
  "files (tote, tote-sdk). Plugins built against the SDK may use any license.")

# The Python package (host/python): python3-tote, for Debian's python3 of the version it was built for (the
# compiled module's name carries that version: cpython-311-…).
if(TOTE_BUILD_PYTHON)
  set(CPACK_DEBIAN_PYTHON_PACKAGE_NAME python3-tote)
  set(CPACK_DEBIAN_PYTHON_PACKAGE_SECTION python)
  set(CPACK_DEBIAN_PYTHON_PACKAGE_SHLIBDEPS ON)
  # dpkg-shlibdeps must find libtote, which is in the tote package being made beside this one, not installed.
  set(CPACK_DEBIAN_PACKAGE_SHLIBDEPS_PRIVATE_DIRS "${PROJECT_BINARY_DIR}/lib")
  string(REPLACE "." ";" _pyv "${TOTE_PYTHON_VERSION}")
  list(GET _pyv 0 _pymajor)
  list(GET _pyv 1 _pyminor)
  math(EXPR _pynext "${_pyminor} + 1")
  set(CPACK_DEBIAN_PYTHON_PACKAGE_DEPENDS
      "tote (= ${TOTE_DEB_VERSION}), python3 (>= ${_pymajor}.${_pyminor}), python3 (<< ${_pymajor}.${_pynext})")
  string(CONCAT CPACK_DEBIAN_PYTHON_DESCRIPTION
    "Python package for tote, one storage interface with plugin backends\n"
    "tote gives applications one interface for storing values under keys, and loads\n"
    "the backend as a plugin: json, sqlite, postgres, redis and third-party ones.\n"
    "This package holds the Python module: import tote, then tote.open(url) gives a\n"
    "store with reads, writes, conditional writes, appends, listings, queries over\n"
    "JSON documents, locks and graphs, on every backend.")
endif()

# Per-generator settings, read by cpack for each generator it runs: the .deb installs under /usr.
set(CPACK_PROJECT_CONFIG_FILE "${CMAKE_CURRENT_LIST_DIR}/ToteCPackGenerator.cmake")

# `package_source` (not used by CI) must not sweep build trees or the git directory into a source archive.
set(CPACK_SOURCE_GENERATOR TGZ)
set(CPACK_SOURCE_IGNORE_FILES "/\\\\.git/" "/build[^/]*/" "/_build[^/]*/" "\\\\.swp$")

include(CPack)
