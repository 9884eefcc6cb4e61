// SPDX-License-Identifier: Apache-2.0
// windows_names.hpp — how the json store names a key's segments as Windows file names, reversibly.
//
// Windows refuses or silently changes some names every tote key may use: the characters < > : " \ | ? * and
// control characters, a trailing dot or space (the Win32 layer strips them), and the device names CON, PRN, AUX,
// NUL, COM0-9, LPT0-9, CONIN$ and CONOUT$, with or without an extension ("aux.json" opens the AUX device). A
// segment is stored under a name where each of these is written as %XX (the byte in upper-case hex): "%" itself
// always, the forbidden characters wherever they are, the last character if it is a dot or a space, and the
// first character of a device name ("con.json" -> "%63on.json"). Every other name — almost every real key — is
// stored as it is, so a person still reads the tree.
//
// The mapping is pure string work (no Windows API), so it is unit-tested on every platform; only the Windows
// build of the json plugin uses it. A file name is a key's exactly when encoding its decoding gives it back: a
// file someone made by hand with a stray '%' or an unneeded escape is not a key (listings skip it), so two file
// names never decode to the same key.
#ifndef TOTE_JSON_WINDOWS_NAMES_HPP
#define TOTE_JSON_WINDOWS_NAMES_HPP

#include <optional>
#include <string>
#include <string_view>

namespace tote::json_plugin {

// The file name (UTF-8) for one key segment (UTF-8, no '/').
std::string encode_segment(std::string_view segment);

// The key segment a file name (UTF-8) stands for, or nullopt if no segment is stored under that name.
std::optional<std::string> decode_name(std::string_view name);

}  // namespace tote::json_plugin

#endif  // TOTE_JSON_WINDOWS_NAMES_HPP
