# SPDX-License-Identifier: Apache-2.0 WITH LLVM-exception
# TotePlugin.cmake — tote_add_plugin(): build a tote backend plugin the way the host expects it.
#
#   tote_add_plugin(<target> SOURCES a.cpp b.c ... [OUTPUT_NAME <file name without suffix>])
#
# Makes a MODULE library (loaded with dlopen, never linked against) without the "lib" prefix, compiled with
# hidden visibility, and linked so that it exports exactly one symbol, tote_plugin_entry (a version script
# hides everything else, static libraries included), and so that an unresolved symbol fails at link time rather
# than at load time.
set(_TOTE_PLUGIN_MAP "${CMAKE_CURRENT_LIST_DIR}/tote_plugin.map" CACHE INTERNAL "")

function(tote_add_plugin target)
  cmake_parse_arguments(ARG "" "OUTPUT_NAME" "SOURCES" ${ARGN})
  add_library(${target} MODULE ${ARG_SOURCES})
  if(TARGET tote::sdk)
    target_link_libraries(${target} PRIVATE tote::sdk)
  endif()
  set_target_properties(${target} PROPERTIES
    PREFIX ""
    C_VISIBILITY_PRESET hidden
    CXX_VISIBILITY_PRESET hidden
    VISIBILITY_INLINES_HIDDEN ON)
  if(ARG_OUTPUT_NAME)
    set_target_properties(${target} PROPERTIES OUTPUT_NAME ${ARG_OUTPUT_NAME})
  endif()
  if(CMAKE_SYSTEM_NAME STREQUAL "Linux")
    target_link_options(${target} PRIVATE "LINKER:--version-script=${_TOTE_PLUGIN_MAP}"
                                          "LINKER:--exclude-libs,ALL")
    if(NOT TOTE_PLUGIN_ALLOW_UNDEFINED)
      target_link_options(${target} PRIVATE "LINKER:--no-undefined")
    endif()
    set_property(TARGET ${target} APPEND PROPERTY LINK_DEPENDS "${_TOTE_PLUGIN_MAP}")
  endif()
  if(WIN32 AND CMAKE_CXX_COMPILER_ID STREQUAL "GNU")
    # MinGW: the C and C++ runtimes linked in, so the DLL needs only Windows' own DLLs wherever it is dropped (and
    # never picks up another plugin's libstdc++); only tote_plugin_entry is exported, as the header marks it.
    target_link_options(${target} PRIVATE -static "LINKER:--exclude-all-symbols")
  endif()
  if(UNIX)
    # The host refuses group- or world-writable plugin files (anyone who can write one can run code in tote):
    # do not let a umask of 002 make a fresh build unloadable.
    add_custom_command(TARGET ${target} POST_BUILD COMMAND chmod go-w "$<TARGET_FILE:${target}>" VERBATIM)
  endif()
endfunction()
