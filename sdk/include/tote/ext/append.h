/* SPDX-License-Identifier: Apache-2.0 WITH LLVM-exception */
/*
 * tote/ext/append.h — extension "tote.append/1" (ABI 1.1): appends that say where they landed, and conditional
 * appends.
 *
 * A plugin declaring TOTE_CAP_APPEND may also return a tote_append_ext from get_extension(TOTE_EXT_APPEND); the
 * host then uses it for every append. For plugins without it the host falls back: a plain append through
 * tote_plugin.append() (the offset and version it reports then come from a stat right after, exact unless another
 * writer appended meanwhile), and a conditional append as a compare-version rewrite of the whole value (exact,
 * but it costs the value's size), where the plugin offers TOTE_CAP_COMPARE_VERSION.
 *
 * Rationale: "append only if the value is exactly N bytes long" is the optimistic-concurrency primitive of stream
 * stores (S2's match_seq_num, Kafka's idempotent producer): a writer that does not know whether its last append
 * landed (a timeout, TOTE_UNKNOWN_OUTCOME) retries with the size it expected, and the record lands exactly once.
 */
#ifndef TOTE_EXT_APPEND_H
#define TOTE_EXT_APPEND_H

#include "../tote_plugin.h"

#ifdef __cplusplus
extern "C" {
#endif

#define TOTE_EXT_APPEND "tote.append/1"

/* Append only if the value is exactly expected_size bytes long; an absent key counts as 0 bytes long. Otherwise
 * TOTE_PRECONDITION_FAILED and nothing is written. Race-free between processes, as TOTE_CAP_CREATE_ONLY is. */
#define TOTE_APPEND_IF_SIZE 0x1u

typedef struct tote_append_op {
    uint32_t struct_size;
    uint32_t flags; /* TOTE_APPEND_*; a plugin refuses bits it does not know with TOTE_INVALID_ARGUMENT */
    const char *key;
    size_t key_len;
    const void *data;
    size_t data_len;
    uint64_t expected_size; /* with TOTE_APPEND_IF_SIZE */
} tote_append_op;

/* What an append reports. The host sets struct_size; the plugin fills the fields that fit within it. */
typedef struct tote_append_result {
    uint32_t struct_size;
    uint32_t reserved; /* zero */
    uint64_t offset;   /* where the data starts: the value's size before the append (0 for a new key) */
    uint64_t version;  /* the value's version after the append */
} tote_append_result;

typedef struct tote_append_ext {
    uint32_t struct_size;
    uint32_t reserved; /* zero */

    /* Append op->data to the value of op->key, creating the key if it is absent (keeping the value's expiry, if
     * any, as tote_plugin.append() does), and fill *result (if not NULL). Statuses as tote_plugin.append(), and
     * PRECONDITION_FAILED for TOTE_APPEND_IF_SIZE. An append of 0 bytes still checks the condition and reports
     * the offset; whether it changes the version is left to the plugin. [store] */
    tote_status (*append)(tote_store *store, const tote_call *call, const tote_append_op *op,
                          tote_append_result *result);

    /* Fields above are valid for "tote.append/1". */
} tote_append_ext;

#ifdef __cplusplus
} /* extern "C" */
#endif

#endif /* TOTE_EXT_APPEND_H */
