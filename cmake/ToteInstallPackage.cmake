# SPDX-License-Identifier: Apache-2.0
# ToteInstallPackage.cmake — installs what lets other projects build against an installed tote: the CMake package
# (lib/cmake/tote: targets tote::sdk and tote::host, a version file, tote_add_plugin()) and the pkg-config files
# tote.pc and tote-sdk.pc. Included from the top-level CMakeLists.txt after sdk/ and host/ have defined the
# targets and put them in the export sets toteSdkTargets and toteHostTargets.
#
# Everything is relocatable: the config file finds its prefix relative to itself (configure_package_config_file)
# and the .pc files relative to ${pcfiledir}, so a tree installed with --prefix and then moved still works.
include(CMakePackageConfigHelpers)

set(TOTE_INSTALL_CMAKEDIR "${CMAKE_INSTALL_LIBDIR}/cmake/tote" CACHE STRING
    "Where the tote CMake package is installed, relative to the prefix")
mark_as_advanced(TOTE_INSTALL_CMAKEDIR)

# Two export sets, so that find_package(tote COMPONENTS sdk) never loads tote::host and never needs its dependency
# nlohmann_json. toteHostTargets refers to tote::sdk, which toteSdkTargets defines; the config loads that first.
install(EXPORT toteSdkTargets NAMESPACE tote:: DESTINATION "${TOTE_INSTALL_CMAKEDIR}" COMPONENT sdk)
install(EXPORT toteHostTargets NAMESPACE tote:: DESTINATION "${TOTE_INSTALL_CMAKEDIR}" COMPONENT sdk)

configure_package_config_file("${PROJECT_SOURCE_DIR}/cmake/toteConfig.cmake.in"
  "${PROJECT_BINARY_DIR}/package/toteConfig.cmake"
  INSTALL_DESTINATION "${TOTE_INSTALL_CMAKEDIR}")

# tote is 0.x: its C++ API (tote::host) may change between minor versions, so find_package(tote 0.2) accepts
# 0.2.z only, not 0.3. (SameMajorVersion would accept any 0.y.) The plugin ABI has its own version, checked by
# the host at load time, and is not what this file guards: plugin projects ask for the sdk component with no
# version. At 1.0 this becomes SameMajorVersion.
write_basic_package_version_file("${PROJECT_BINARY_DIR}/package/toteConfigVersion.cmake"
  VERSION "${PROJECT_VERSION}"
  COMPATIBILITY SameMinorVersion)

install(FILES
    "${PROJECT_BINARY_DIR}/package/toteConfig.cmake"
    "${PROJECT_BINARY_DIR}/package/toteConfigVersion.cmake"
    "${PROJECT_SOURCE_DIR}/sdk/cmake/TotePlugin.cmake"
    "${PROJECT_SOURCE_DIR}/sdk/cmake/tote_plugin.map"
  DESTINATION "${TOTE_INSTALL_CMAKEDIR}" COMPONENT sdk)
if(WIN32 AND CMAKE_CROSSCOMPILING)
  # The Windows package carries the toolchain it was built with, so a plugin builds against the package alone:
  # cmake --toolchain <unpacked>/lib/cmake/tote/mingw-w64.cmake -Dtote_DIR=<unpacked>/lib/cmake/tote (windows.md).
  install(FILES "${PROJECT_SOURCE_DIR}/cmake/mingw-w64.cmake" DESTINATION "${TOTE_INSTALL_CMAKEDIR}" COMPONENT sdk)
endif()

# pkg-config: paths relative to ${pcfiledir} (<prefix>/<libdir>/pkgconfig), worked out on a stand-in prefix.
function(_tote_pc_path out dir)
  if(IS_ABSOLUTE "${dir}")
    set(${out} "${dir}" PARENT_SCOPE)  # an absolute install directory cannot move with the prefix
  else()
    set(${out} "\${prefix}/${dir}" PARENT_SCOPE)
  endif()
endfunction()
if(IS_ABSOLUTE "${CMAKE_INSTALL_LIBDIR}")
  set(TOTE_PC_PREFIX "${CMAKE_INSTALL_PREFIX}")  # the .pc files cannot be relocatable then
else()
  file(RELATIVE_PATH _tote_up "/prefix/${CMAKE_INSTALL_LIBDIR}/pkgconfig" "/prefix")  # "../../" for lib
  string(REGEX REPLACE "/$" "" _tote_up "${_tote_up}")
  set(TOTE_PC_PREFIX "\${pcfiledir}/${_tote_up}")
endif()
_tote_pc_path(TOTE_PC_LIBDIR "${CMAKE_INSTALL_LIBDIR}")
_tote_pc_path(TOTE_PC_INCLUDEDIR "${CMAKE_INSTALL_INCLUDEDIR}")
_tote_pc_path(TOTE_PC_PLUGIN_MAP "${TOTE_INSTALL_CMAKEDIR}/tote_plugin.map")
foreach(pc tote tote-sdk)
  configure_file("${PROJECT_SOURCE_DIR}/cmake/${pc}.pc.in" "${PROJECT_BINARY_DIR}/package/${pc}.pc" @ONLY)
  install(FILES "${PROJECT_BINARY_DIR}/package/${pc}.pc" DESTINATION "${CMAKE_INSTALL_LIBDIR}/pkgconfig" COMPONENT sdk)
endforeach()
