/* SPDX-License-Identifier: Apache-2.0 WITH LLVM-exception */
/*
 * tote/ext/list_batch.h — extension "tote.list_batch/1" (ABI 1.1): listings that cross the ABI in blocks.
 *
 * A plugin declaring TOTE_CAP_LIST may also return a tote_list_batch_ext from get_extension(TOTE_EXT_LIST_BATCH);
 * the host then lists through it. Semantics are exactly those of tote_plugin.list(); only the delivery differs:
 * entries come in arrays, so a listing of a million keys costs thousands of callbacks instead of a million.
 * tote/plugin.hpp offers it for every class with list(), with no code in the class.
 */
#ifndef TOTE_EXT_LIST_BATCH_H
#define TOTE_EXT_LIST_BATCH_H

#include "../tote_plugin.h"

#ifdef __cplusplus
extern "C" {
#endif

#define TOTE_EXT_LIST_BATCH "tote.list_batch/1"

/* Receives entries[0..count), in listing order, valid only during the call. count is at least 1. Returns 0 to go
 * on; non-zero asks the plugin to stop (the host has taken what it wanted, possibly fewer than count): the plugin
 * then calls it no more and returns TOTE_OK. [callback] */
typedef int (*tote_entries_fn)(void *ctx, const tote_entry *entries, size_t count);

typedef struct tote_list_batch_ext {
    uint32_t struct_size;
    uint32_t reserved; /* zero */

    /* As tote_plugin.list(), delivering the entries in blocks of any size the plugin likes. [store] */
    tote_status (*list_batch)(tote_store *store, const tote_call *call, const tote_list_params *params,
                              tote_entries_fn on_entries, void *ctx);

    /* Fields above are valid for "tote.list_batch/1". */
} tote_list_batch_ext;

#ifdef __cplusplus
} /* extern "C" */
#endif

#endif /* TOTE_EXT_LIST_BATCH_H */
