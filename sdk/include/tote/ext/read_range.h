/* SPDX-License-Identifier: Apache-2.0 WITH LLVM-exception */
/*
 * tote/ext/read_range.h — extension "tote.read_range/1" (ABI 1.1): part of a value, without reading the rest.
 *
 * A plugin that can read a byte range of a value cheaply (pread on a file, SQLite's incremental blob I/O, a
 * server's substring function) returns a tote_read_range_ext from get_extension(TOTE_EXT_READ_RANGE). Hosts fall
 * back to read() for plugins without it, discarding the bytes outside the range: same answer, more work.
 *
 * Rationale: with appends that say where they landed (tote/ext/append.h), a key is a stream a reader follows by
 * reading from the offset it reached (`tote tail -f`); without ranges every poll would read the whole value.
 */
#ifndef TOTE_EXT_READ_RANGE_H
#define TOTE_EXT_READ_RANGE_H

#include "../tote_plugin.h"

#ifdef __cplusplus
extern "C" {
#endif

#define TOTE_EXT_READ_RANGE "tote.read_range/1"

typedef struct tote_read_range_ext {
    uint32_t struct_size;
    uint32_t reserved; /* zero */

    /* Stream bytes [offset, offset + length) of the value of key into sink, as read() does for the whole value.
     * A range reaching past the end gives the bytes that exist; a range starting at or past the end gives none
     * (no sink call), and neither is an error. length may be UINT64_MAX ("to the end"). stat_out (if not NULL)
     * describes the whole value at the moment of the read (its full size, version, mtime), so a reader knows
     * whether the value was replaced meanwhile. Statuses as read(): NOT_FOUND for a missing key or a prefix.
     * [store] */
    tote_status (*read_range)(tote_store *store, const tote_call *call, const char *key, size_t key_len,
                              uint64_t offset, uint64_t length, tote_write_fn sink, void *sink_ctx,
                              tote_stat *stat_out);

    /* Fields above are valid for "tote.read_range/1". */
} tote_read_range_ext;

#ifdef __cplusplus
} /* extern "C" */
#endif

#endif /* TOTE_EXT_READ_RANGE_H */
