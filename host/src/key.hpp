// SPDX-License-Identifier: Apache-2.0
// key.hpp — validation of keys and listing prefixes, done once in the host so no plugin sees a bad key.
// The rules are those of tote_plugin.h ("Keys").
#ifndef TOTE_HOST_KEY_HPP
#define TOTE_HOST_KEY_HPP

#include <string>
#include <string_view>

namespace tote::detail {

// Throws Error(invalid_argument) naming the key and the broken rule.
void validate_key(std::string_view key);

// "" stays ""; "a/b" or "a/b/" becomes "a/b/". Throws like validate_key.
std::string normalize_prefix(std::string_view prefix);

// The key made printable for messages: quoted, with control characters and invalid UTF-8 escaped.
std::string quote(std::string_view key);

// True if text is well-formed UTF-8 (no overlongs, no surrogates, nothing above U+10FFFF).
bool is_valid_utf8(std::string_view text);

}  // namespace tote::detail

#endif  // TOTE_HOST_KEY_HPP
