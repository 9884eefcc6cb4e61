# SPDX-License-Identifier: Apache-2.0
# ToteCPackGenerator.cmake — CPACK_PROJECT_CONFIG_FILE of packaging/ToteCPack.cmake: cpack reads it once per
# generator, with CPACK_GENERATOR set to that one generator.
if(CPACK_GENERATOR STREQUAL "DEB")
  set(CPACK_PACKAGING_INSTALL_PREFIX "/usr")  # Debian's prefix; the .tar.gz keeps a relocatable top directory
  # Each package's description starts with its own synopsis; CPackDeb would put the summary in front of it
  # (lintian: description-synopsis-is-duplicated).
  set(CPACK_PACKAGE_DESCRIPTION_SUMMARY "")
endif()
