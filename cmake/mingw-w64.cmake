# SPDX-License-Identifier: Apache-2.0
# mingw-w64.cmake — the toolchain of the Windows build, cross-compiled on Debian with mingw-w64 (packages
# g++-mingw-w64-x86-64-posix and mingw-w64): cmake --toolchain cmake/mingw-w64.cmake ...  (.ci/windows does it).
#
# The posix flavour of the compiler, for std::thread and std::mutex (winpthreads); its runtime DLLs are copied
# beside the programs (cmake/ToteWindows.cmake). Tests run under Wine (CMAKE_CROSSCOMPILING_EMULATOR).
set(CMAKE_SYSTEM_NAME Windows)
set(CMAKE_SYSTEM_PROCESSOR x86_64)
set(TOTE_MINGW_TRIPLE x86_64-w64-mingw32)
set(CMAKE_C_COMPILER ${TOTE_MINGW_TRIPLE}-gcc-posix)
set(CMAKE_CXX_COMPILER ${TOTE_MINGW_TRIPLE}-g++-posix)
set(CMAKE_RC_COMPILER ${TOTE_MINGW_TRIPLE}-windres)
set(CMAKE_FIND_ROOT_PATH /usr/${TOTE_MINGW_TRIPLE})
# Programs (python3, the zstd command) from the build machine; libraries and headers only from the target's root:
# the build machine's /usr/include holds glibc's headers and must never be searched (cmake/ToteWindows.cmake
# brings in the header-only libraries one by one).
set(CMAKE_FIND_ROOT_PATH_MODE_PROGRAM NEVER)
set(CMAKE_FIND_ROOT_PATH_MODE_LIBRARY ONLY)
set(CMAKE_FIND_ROOT_PATH_MODE_INCLUDE ONLY)
set(CMAKE_FIND_ROOT_PATH_MODE_PACKAGE ONLY)
find_program(TOTE_WINE NAMES wine wine64)
if(TOTE_WINE)
  set(CMAKE_CROSSCOMPILING_EMULATOR ${TOTE_WINE})
endif()
