# SPDX-License-Identifier: Apache-2.0
# ToteWarnings.cmake — the warning flags for tote's own code (never for third-party headers, which are SYSTEM).
function(tote_warnings target)
  if(CMAKE_CXX_COMPILER_ID MATCHES "GNU|Clang")
    target_compile_options(${target} PRIVATE -Wall -Wextra -Wpedantic -Wshadow $<$<COMPILE_LANGUAGE:CXX>:-Wnon-virtual-dtor>
                                             $<$<COMPILE_LANGUAGE:C>:-Wstrict-prototypes>)
    if(TOTE_WERROR)
      target_compile_options(${target} PRIVATE -Werror)
    endif()
  endif()
endfunction()
