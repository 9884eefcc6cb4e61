// SPDX-License-Identifier: Apache-2.0
// json_text.hpp — the checks on JSON text that SQLite's and PostgreSQL's JSON parsers do not make but RFC 8259
// (and so the reference evaluation, evaluate.hpp) does, done in one fast pass over the bytes.
//
// A plugin that runs a filter in its engine checks each value the engine matched with lexically_strict() and
// drops those that fail: a value that is not strict JSON is not a document and matches nothing, so dropping
// such a match gives exactly the reference answer. (The engine's own parser checks the grammar — brackets,
// commas, literals — which this pass does not.) It is a pass over the matches only, about 20 times cheaper than
// a full parse.
#ifndef TOTE_QUERY_JSON_TEXT_HPP
#define TOTE_QUERY_JSON_TEXT_HPP

#include <string_view>

namespace tote::query {

// False if the text has a byte order mark, invalid UTF-8 (overlong forms, surrogates, beyond U+10FFFF), a NUL
// byte, a control character inside a string, whitespace other than space, tab, newline and carriage return
// outside strings, an escape that is not one of JSON's (\u with four hex digits, \" \\ \/ \b \f \n \r \t), a
// lone UTF-16 surrogate escape, or a number too large for a double (1e400). True does not mean the text is JSON.
bool lexically_strict(std::string_view text);

}  // namespace tote::query

#endif  // TOTE_QUERY_JSON_TEXT_HPP
