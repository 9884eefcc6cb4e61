/* SPDX-License-Identifier: Apache-2.0 WITH LLVM-exception */
/*
 * tote/ext/batch.h — extension "tote.batch/1": an atomic batch of writes.
 *
 * A plugin that declares TOTE_CAP_ATOMIC_BATCH returns a tote_batch_ext from get_extension(TOTE_EXT_BATCH).
 * Hosts fall back to one write() at a time for plugins without it (and then the batch is not atomic).
 *
 * Since ABI 1.1 a batch may also remove keys (TOTE_BATCH_REMOVES, TOTE_WRITE_REMOVE).
 *
 * Rationale: a batch is the one way to make several keys change together (an evaluation's results and its
 * summary), and for a database it is also the fast path: one transaction instead of one per key.
 */
#ifndef TOTE_EXT_BATCH_H
#define TOTE_EXT_BATCH_H

#include "../tote_plugin.h"

#ifdef __cplusplus
extern "C" {
#endif

#define TOTE_EXT_BATCH "tote.batch/1"

typedef struct tote_batch_ext {
    uint32_t struct_size;
    uint32_t reserved; /* zero */

    /* Apply ops[0..count) in order, all or nothing: on TOTE_OK every write took effect; on failure none did, and
     * *failed_index (if not NULL) is the index of the op that failed (or count when the failure was not any one
     * op's, such as a failed commit). Each op behaves as it would in write(), flags included; a later op sees the
     * effects of the earlier ones. Keys may repeat. count may be 0. [store] */
    tote_status (*write_batch)(tote_store *store, const tote_call *call, const tote_write_op *const *ops,
                               size_t count, size_t *failed_index);

    /* Fields above are valid for "tote.batch/1" as ABI 1.0 defined it. Read those below only if struct_size covers
     * them (TOTE_BATCH_EXT_SIZE_1_0 is the size without them). */

    uint32_t flags; /* 1.1: TOTE_BATCH_* */
} tote_batch_ext;
#define TOTE_BATCH_EXT_SIZE_1_0 (offsetof(tote_batch_ext, write_batch) + sizeof(void (*)(void)))

/* 1.1: write_batch() also takes ops with TOTE_WRITE_REMOVE, removing their keys in the same all-or-nothing
 * transaction (how a graph edge and its index entries go together). Hosts send such ops only to a plugin that sets
 * this; for others they remove the keys one at a time. */
#define TOTE_BATCH_REMOVES 0x1u

#ifdef __cplusplus
} /* extern "C" */
#endif

#endif /* TOTE_EXT_BATCH_H */
