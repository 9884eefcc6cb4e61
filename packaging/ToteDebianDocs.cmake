# SPDX-License-Identifier: Apache-2.0
# ToteDebianDocs.cmake — the documentation files every Debian package must carry, generated at configure time and
# installed into <datadir>/doc/<package>/ for both components (runtime → tote, sdk → tote-dev):
#
#   copyright            machine-readable (DEP-5): tote's own licenses (LICENSES/), then every third-party
#                        component compiled into the binaries (packaging/licenses/bundled.cmake) with its text
#   changelog.Debian.gz  packaging/debian/changelog.in, dated from SOURCE_DATE_EPOCH when set (reproducible)
#
# Included from packaging/ToteCPack.cmake, which sets TOTE_PACKAGE_MAINTAINER and TOTE_DEB_VERSION.
include("${CMAKE_CURRENT_LIST_DIR}/licenses/bundled.cmake")

# A license text as the body of a DEP-5 License paragraph: each line indented by one space, empty lines as " .".
function(_tote_dep5_body out file)
  file(STRINGS "${file}" lines)
  set(body "")
  foreach(line IN LISTS lines)
    if(line STREQUAL "")
      string(APPEND body " .\n")
    else()
      string(APPEND body " ${line}\n")
    endif()
  endforeach()
  set(${out} "${body}" PARENT_SCOPE)
endfunction()

set(_doc "${PROJECT_BINARY_DIR}/package/doc")
file(MAKE_DIRECTORY "${_doc}")

set(_c "Format: https://www.debian.org/doc/packaging-manuals/copyright-format/1.0/\n")
string(APPEND _c "Upstream-Name: tote\n")
if(TOTE_PACKAGE_HOMEPAGE)
  string(APPEND _c "Source: ${TOTE_PACKAGE_HOMEPAGE}\n")
endif()
string(APPEND _c "\nFiles: *\nCopyright: 2026 the tote authors\nLicense: Apache-2.0\n")
string(APPEND _c "\nFiles: usr/include/tote/tote_plugin.h usr/include/tote/plugin.hpp usr/include/tote/ext/*\n")
string(APPEND _c " usr/lib/cmake/tote/TotePlugin.cmake usr/lib/cmake/tote/tote_plugin.map\n")
string(APPEND _c "Copyright: 2026 the tote authors\nLicense: Apache-2.0 WITH LLVM-exception\n")
string(APPEND _c "Comment: The plugin SDK: a plugin built against it may carry any license.\n")
set(_licenses "")
foreach(entry IN LISTS TOTE_BUNDLED)
  string(REPLACE "|" ";" f "${entry}")
  list(GET f 0 name)
  list(GET f 1 where)
  list(GET f 2 holder)
  list(GET f 3 license)
  list(GET f 4 text)
  string(APPEND _c "\nFiles: ${where}\nCopyright: ${holder}\nLicense: ${license}\nComment: ${name}, compiled in.\n")
  if(NOT license IN_LIST _licenses)
    list(APPEND _licenses "${license}")
    set(_text_${license} "${text}")
  endif()
endforeach()
string(APPEND _c "\nLicense: Apache-2.0\n On Debian systems the full text of the Apache License 2.0 is in\n")
string(APPEND _c " /usr/share/common-licenses/Apache-2.0.\n")
_tote_dep5_body(_llvm "${PROJECT_SOURCE_DIR}/LICENSES/LLVM-exception.txt")
string(APPEND _c "\nLicense: Apache-2.0 WITH LLVM-exception\n On Debian systems the full text of the Apache License 2.0 is in\n")
string(APPEND _c " /usr/share/common-licenses/Apache-2.0. The exception:\n .\n${_llvm}")
foreach(license IN LISTS _licenses)
  _tote_dep5_body(_body "${CMAKE_CURRENT_LIST_DIR}/licenses/${_text_${license}}")
  string(APPEND _c "\nLicense: ${license}\n${_body}")
endforeach()
file(WRITE "${_doc}/copyright" "${_c}")

string(TIMESTAMP TOTE_DEB_DATE "%a, %d %b %Y %H:%M:%S +0000" UTC)
configure_file("${CMAKE_CURRENT_LIST_DIR}/debian/changelog.in" "${_doc}/changelog.Debian" @ONLY)
execute_process(COMMAND gzip -9n -c "${_doc}/changelog.Debian" OUTPUT_FILE "${_doc}/changelog.Debian.gz"
                RESULT_VARIABLE _gzip)
if(NOT _gzip EQUAL 0)
  message(FATAL_ERROR "gzip failed on ${_doc}/changelog.Debian")
endif()

install(FILES "${_doc}/copyright" "${_doc}/changelog.Debian.gz" "${PROJECT_SOURCE_DIR}/docs/cli.md"
        DESTINATION "${CMAKE_INSTALL_DATADIR}/doc/tote" COMPONENT runtime)
install(FILES "${_doc}/copyright" "${_doc}/changelog.Debian.gz" "${PROJECT_SOURCE_DIR}/docs/plugin-guide.md"
              "${PROJECT_SOURCE_DIR}/docs/abi.md"
        DESTINATION "${CMAKE_INSTALL_DATADIR}/doc/tote-dev" COMPONENT sdk)
if(TOTE_BUILD_PYTHON)
  install(FILES "${_doc}/copyright" "${_doc}/changelog.Debian.gz" "${PROJECT_SOURCE_DIR}/docs/python.md"
          DESTINATION "${CMAKE_INSTALL_DATADIR}/doc/python3-tote" COMPONENT python)
endif()
