/* SPDX-License-Identifier: Apache-2.0 WITH LLVM-exception */
/*
 * tote/ext/query.h — extension "tote.query/1" (ABI 1.1): find the keys whose values are JSON documents matching a
 * filter, inside the engine.
 *
 * Every host can answer a query for every plugin: it lists the keys, reads each value and evaluates the filter
 * itself. A plugin whose engine can evaluate filters (SQLite's JSON functions, PostgreSQL's jsonb) returns a
 * tote_query_ext from get_extension(TOTE_EXT_QUERY), and the host then asks it first. The answer must be exactly
 * the host's: same keys, same order. A plugin may decline any filter it cannot run natively by returning
 * TOTE_UNSUPPORTED before it has called on_match; the host then evaluates that query itself.
 *
 * ------------------------------------------------------------------------------------------------------------------
 * The filter language (what users write; docs/queries.md has examples)
 * ------------------------------------------------------------------------------------------------------------------
 * A filter is a JSON object, MongoDB-style, over documents that are JSON objects.
 *
 *   {"status": "failed"}                          equality
 *   {"scores.accuracy": {"$lt": 0.5}}             a dotted path and an operator
 *   {"error": {"$exists": true}, "retries": 0}    several keys: all must hold (an implicit $and)
 *   {"$or": [{"score": false}, {"score": 0}]}     combinators: $and, $or (non-empty arrays of filters), $not
 *
 * Documents. A value is a document when it is valid JSON (RFC 8259, UTF-8 without a byte order mark, no lone
 * surrogate escapes) whose top level is an object. Any other value (not JSON, invalid UTF-8, an array, a number)
 * matches no filter, not even {}, and is never an error.
 *
 * Paths. A field path is dotted: "scores.accuracy". Each segment is non-empty. A segment of decimal digits without
 * a leading zero ("0", "17"; at most 9 digits) indexes an array, counting from 0; on anything but an array it finds
 * nothing. Every other segment names an object member; on anything but an object it finds nothing. A path that
 * finds nothing is *missing*. Paths never traverse arrays implicitly: "turns.role" on an array of turns is
 * missing. If an object repeats a member name, which of the repeated members a path finds is not specified.
 *
 * Values and comparison. Equality and ordering compare only values of the same JSON type, and a comparison across
 * types is false:
 *   - numbers by numeric value. A number written as an integer (no fraction, no exponent) in the signed 64-bit
 *     range is exact; every other number is the nearest IEEE 754 double. Two exact integers compare exactly;
 *     otherwise both are compared as doubles (9007199254740993 equals 9007199254740993 but also equals
 *     9007199254740992.0, the double nearest to it);
 *   - strings by Unicode code point (the byte order of UTF-8);
 *   - true and false are equal to themselves only, and never ordered; null likewise;
 *   - objects are equal when they have the same member names with equal values (in any order), arrays when they
 *     have equal elements in the same order; neither is ever ordered.
 * *Missing* is not null: {"error": null} matches an explicit null only.
 *
 * Operators, in a field's object: {"path": {"$op": operand, ...}} (several operators: all must hold). A field's
 * value that is an object without any key starting with '$' is an equality with that object; an object mixing
 * operator and other keys is an invalid filter.
 *   $eq v          the field is present and equal to v ({"path": v} is short for it)
 *   $ne v          not $eq: also matches a missing field
 *   $lt $lte $gt $gte v
 *                  the field is present, of v's type, and ordered so against v; v must be a number or a string
 *   $in [v, ...]   the field is present and equal to one of the array's elements
 *   $nin [v, ...]  not $in: also matches a missing field
 *   $exists b      b true: the field is present (null included); b false: the field is missing
 *   $contains v    the field is an array with an element equal to v, or a string containing the string v
 *   $not {ops}     in a field: none of ops holds ({"score": {"$not": {"$gt": 0.5}}}, also matches a missing field)
 * Combinators, at any level where a filter is expected:
 *   $and [f, ...]  every filter holds;  $or [f, ...]  one of them holds;  $not f  f does not hold.
 * {} matches every document.
 *
 * An invalid filter (not a JSON object, an unknown operator, an operand of the wrong type, an empty path segment,
 * an empty $and or $or) is TOTE_INVALID_ARGUMENT, with a message naming the offending part. Hosts check filters
 * before a plugin sees them.
 *
 * ------------------------------------------------------------------------------------------------------------------
 * What a plugin receives: the canonical form
 * ------------------------------------------------------------------------------------------------------------------
 * The host passes the filter as JSON text in one canonical form, so a plugin compiles only this grammar:
 *
 *   F := {"$and": [F, ...]}          zero or more: [] holds for every document
 *      | {"$or": [F, ...]}           one or more
 *      | {"$not": F}
 *      | {"path": [S, ...], "op": OP, "arg": V}
 *   S := a JSON string: one path segment (an array index when it is digits, as above); one or more segments
 *   OP := "$eq" | "$lt" | "$lte" | "$gt" | "$gte" | "$in" | "$exists" | "$contains"
 *   V := the operand, as the user wrote it (numbers keep their text: 9007199254740993 stays exact)
 *
 * $ne, $nin and field-level $not arrive as {"$not": ...} around $eq, $in and the field's operators. The canonical
 * form of an operand keeps its type: "$in" always has an array, "$exists" a boolean, the orderings a number or a
 * string. Members may come in any order; a plugin must not depend on it.
 *
 * ------------------------------------------------------------------------------------------------------------------
 * The call
 * ------------------------------------------------------------------------------------------------------------------
 * Keys are those list() would give with the same prefix, flags and start_after, minus the sub-prefixes, in key
 * order: with TOTE_QUERY_RECURSIVE every key under the prefix, without it only the keys directly under it. Each
 * key whose value is a document matching the filter is passed to on_match with its whole value, until limit
 * matches were given (limit 0: no limit) or on_match returns non-zero (the plugin then returns TOTE_OK). A value
 * that expired is not there (TOTE_CAP_EXPIRY). Values are read as of the query: a value that changes meanwhile is
 * seen before or after the change, never torn.
 *
 * Rationale: matches carry their values because every user of a query reads them next ("show the failed
 * results"), and the engine has just read them; a second round trip per match would cost more than the query.
 */
#ifndef TOTE_EXT_QUERY_H
#define TOTE_EXT_QUERY_H

#include "../tote_plugin.h"

#ifdef __cplusplus
extern "C" {
#endif

#define TOTE_EXT_QUERY "tote.query/1"

#define TOTE_QUERY_RECURSIVE 0x1u /* every key under the prefix; else only the keys directly under it */

typedef struct tote_query_params {
    uint32_t struct_size;    /* sizeof(tote_query_params) as the host knows it */
    uint32_t flags;          /* TOTE_QUERY_* */
    const char *prefix;      /* as tote_list_params.prefix: "" or a key followed by '/'; NUL-terminated */
    size_t prefix_len;
    const char *start_after; /* only keys sorting after this (any bytes); NUL-terminated */
    size_t start_after_len;  /* 0: from the start */
    const char *filter;      /* the filter in canonical form (above), JSON text, NUL-terminated */
    size_t filter_len;
    uint64_t limit;          /* at most this many matches; 0: no limit */
} tote_query_params;

/* Receives one match: its key and its whole value, both valid only during the call. Returns 0 to go on; non-zero
 * asks the plugin to stop: it then calls it no more and returns TOTE_OK. [callback] */
typedef int (*tote_match_fn)(void *ctx, const char *key, size_t key_len, const void *value, size_t value_len);

typedef struct tote_query_ext {
    uint32_t struct_size;
    uint32_t reserved; /* zero */

    /* Streams the matches of params->filter, as above. TOTE_UNSUPPORTED (before any on_match call) declines this
     * filter: the host evaluates it instead. Other statuses as list(). [store] */
    tote_status (*query)(tote_store *store, const tote_call *call, const tote_query_params *params,
                         tote_match_fn on_match, void *ctx);

    /* Fields above are valid for "tote.query/1". */
} tote_query_ext;

#ifdef __cplusplus
} /* extern "C" */
#endif

#endif /* TOTE_EXT_QUERY_H */
