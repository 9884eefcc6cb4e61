# SPDX-License-Identifier: Apache-2.0
# bundled.cmake — third-party code compiled into tote's binaries, as the Debian copyright file lists it
# (packaging/ToteDebianDocs.cmake generates the file from this list and the license texts beside it). One entry
# per component: "name|where it is compiled in|copyright|DEP-5 license name|license text file in this directory".
# Libraries linked dynamically (libpq, hiredis, OpenSSL, toml++, libstdc++) are not listed: they come from their
# own Debian packages, with their own copyright files.
set(TOTE_BUNDLED
  "SQLite|usr/lib/tote/plugins/tote-sqlite.so (linked statically)|D. Richard Hipp and the SQLite contributors|public-domain|sqlite-public-domain.txt"
  "nlohmann/json|usr/lib/libtote.so.*, usr/bin/tote, usr/lib/tote/* (header-only)|2013-2022 Niels Lohmann|Expat|Expat.txt"
  "CLI11|usr/bin/tote (header-only)|2017-2020 University of Cincinnati, developed by Henry Schreiner under NSF AWARD 1414736|BSD-3-clause|BSD-3-Clause.txt"
  "toml++|usr/lib/libtote.so.* (inline code of its headers: the library itself is libtomlplusplus3)|2020-2022 Mark Gillard|Expat|Expat.txt"
  "Boost.DLL and the Boost headers it uses|usr/lib/libtote.so.*, usr/lib/tote/tote-plugin-probe (header-only)|Antony Polukhin, Renato Tegon Forti and the Boost authors|BSL-1.0|BSL-1.0.txt")
