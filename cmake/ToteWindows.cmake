# SPDX-License-Identifier: Apache-2.0
# ToteWindows.cmake — what the Windows cross build (cmake/mingw-w64.cmake) needs that a Linux build finds itself.
#
# - The header-only libraries (Boost.DLL and the Boost headers it uses, toml++, nlohmann_json, CLI11, Catch2, and
#   xxHash, which is one when XXH_INLINE_ALL is defined) are
#   used as Debian installs them, for the build machine, in TOTE_HEADER_ONLY_ROOT (/usr/include). That directory
#   also holds glibc's headers, so it is never put on the include path: each library's directory is linked into
#   one of our own, which is. toml++ is compiled header-only (Debian's libtomlplusplus.so is a Linux library).
# - SQLite is compiled from its amalgamation in TOTE_SQLITE_SOURCE_DIR (.ci/windows-sqlite puts it there).
# - The MinGW runtime DLLs (libstdc++, libgcc, winpthreads) are copied into bin/ beside the programs, so that
#   Wine, or a Windows machine, finds them without a PATH (plugins and the probe helper link theirs in).
# <windows.h> without the rarely used APIs, and without its min and max macros (which break std::min and std::max).
add_compile_definitions(WIN32_LEAN_AND_MEAN NOMINMAX)

set(TOTE_HEADER_ONLY_ROOT /usr/include CACHE PATH "Where the header-only libraries are (the build machine's)")
set(_headers "${PROJECT_BINARY_DIR}/header-only")
file(MAKE_DIRECTORY "${_headers}")
foreach(dir boost toml++ nlohmann CLI catch2 xxhash.h)
  if(NOT EXISTS "${TOTE_HEADER_ONLY_ROOT}/${dir}")
    message(FATAL_ERROR "Windows build: ${TOTE_HEADER_ONLY_ROOT}/${dir} is missing (see .ci/lib.sh for its package)")
  endif()
  file(CREATE_LINK "${TOTE_HEADER_ONLY_ROOT}/${dir}" "${_headers}/${dir}" SYMBOLIC)
endforeach()

function(_tote_header_only target)
  add_library(${target} INTERFACE IMPORTED GLOBAL)
  set_target_properties(${target} PROPERTIES INTERFACE_INCLUDE_DIRECTORIES "${_headers}")
  set_property(TARGET ${target} PROPERTY INTERFACE_COMPILE_DEFINITIONS ${ARGN})
endfunction()
_tote_header_only(Boost::headers BOOST_ALL_NO_LIB)
_tote_header_only(tomlplusplus::tomlplusplus TOML_HEADER_ONLY=1)
_tote_header_only(nlohmann_json::nlohmann_json)
_tote_header_only(CLI11::CLI11)
_tote_header_only(Catch2::Catch2)
_tote_header_only(tote_xxhash XXH_INLINE_ALL)  # xxHash compiled into the checksum layer (plugins/checksum)
# Boost.DLL's Windows code needs nothing to link beyond the system's DLLs; winpthreads comes with -posix.

# Wine shows the build machine's / as drive Z:; test arguments naming build paths use it (tests/CMakeLists.txt).
set(TOTE_WINE_DRIVE "Z:")

set(TOTE_SQLITE_SOURCE_DIR "" CACHE PATH "Directory with SQLite's sqlite3.c and sqlite3.h (.ci/windows-sqlite)")

# The runtime DLLs of the posix-threads MinGW compiler, found through the compiler itself, without their debug
# information: Debian's libstdc++-6.dll carries 19 MB of it, which Wine reads at every process start (measured:
# 0.15 -> 0.07 s for a C++ "hello" under Wine 8; the CLI tests start ~600 processes), and which the .zip package
# would ship to users who cannot use it.
set(TOTE_MINGW_RUNTIME_DLLS "")
set(_runtime "${PROJECT_BINARY_DIR}/mingw-runtime")
file(MAKE_DIRECTORY "${_runtime}")
foreach(dll libstdc++-6.dll libgcc_s_seh-1.dll libwinpthread-1.dll)
  execute_process(COMMAND ${CMAKE_CXX_COMPILER} -print-file-name=${dll} OUTPUT_VARIABLE _path
                  OUTPUT_STRIP_TRAILING_WHITESPACE)
  if(NOT IS_ABSOLUTE "${_path}" OR NOT EXISTS "${_path}")
    message(FATAL_ERROR "Windows build: ${CMAKE_CXX_COMPILER} does not know where ${dll} is")
  endif()
  execute_process(COMMAND ${CMAKE_STRIP} --strip-debug -o "${_runtime}/${dll}" "${_path}" RESULT_VARIABLE _stripped)
  if(NOT _stripped EQUAL 0)
    message(FATAL_ERROR "Windows build: ${CMAKE_STRIP} could not strip ${_path}")
  endif()
  list(APPEND TOTE_MINGW_RUNTIME_DLLS "${_runtime}/${dll}")
endforeach()
