/* SPDX-License-Identifier: Apache-2.0 WITH LLVM-exception */
/*
 * tote/ext/admin.h — extension "tote.admin/1" (ABI 1.1): destroying a whole store, and describing one.
 *
 * Optional. Without it, `tote drop` and Host::drop() fail with TOTE_UNSUPPORTED (emptying a store with
 * `tote rm -r` is not the same: a table, a file or a directory stays behind), and `tote doctor` shows no details.
 *
 * Rationale: a store is more than its keys (an SQLite file with its -wal and -shm, a PostgreSQL table, a Redis
 * prefix and its index), and only the plugin knows what it made.
 */
#ifndef TOTE_EXT_ADMIN_H
#define TOTE_EXT_ADMIN_H

#include "../tote_plugin.h"

#ifdef __cplusplus
extern "C" {
#endif

#define TOTE_EXT_ADMIN "tote.admin/1"

typedef struct tote_admin_ext {
    uint32_t struct_size;
    uint32_t reserved; /* zero */

    /* Destroy the store at params->location (with params->options, as open() would take them; params->flags is
     * 0): every key and everything the plugin made for the store. NOT_FOUND if there is no store there; CORRUPT
     * (and nothing is touched) if the location holds something that is not a store of this kind. Handles still
     * open on the store may fail afterwards; they must not crash. May be NULL if the plugin cannot drop. [any-thread] */
    tote_status (*drop)(const tote_open_params *params, const tote_call *call);

    /* Describe the open store as one JSON object, streamed into sink: what the plugin finds useful to an operator,
     * for example {"engine": "SQLite 3.40.1", "path": "...", "keys": 1234, "bytes_on_disk": 56789} or the server's
     * address and version. Include a count or a size only when it is cheap to get. May be NULL. [store] */
    tote_status (*info)(tote_store *store, const tote_call *call, tote_write_fn sink, void *sink_ctx);

    /* Fields above are valid for "tote.admin/1". */
} tote_admin_ext;

#ifdef __cplusplus
} /* extern "C" */
#endif

#endif /* TOTE_EXT_ADMIN_H */
