# SPDX-License-Identifier: Apache-2.0
# ToteCPackGenerator.cmake — CPACK_PROJECT_CONFIG_FILE of packaging/ToteCPack.cmake: cpack reads it once per
# generator, with CPACK_GENERATOR set to that one generator.
if(CPACK_GENERATOR STREQUAL "DEB")
  set(CPACK_PACKAGING_INSTALL_PREFIX "/usr")  # Debian's prefix; the .tar.gz keeps a relocatable top directory
endif()
