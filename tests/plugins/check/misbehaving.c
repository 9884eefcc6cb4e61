/* SPDX-License-Identifier: Apache-2.0 */
/*
 * misbehaving.c — a plugin for testing `tote plugin check`: the cmem plugin (c_memory/memory.c, compiled into
 * the same library with its entry point renamed to cmem_inner_entry) behind a wrapper that misbehaves on a few
 * keys, each used by exactly one conformance case:
 *
 *   write "big"      the process crashes (SIGSEGV)      → "a 10 MiB value round-trips, also streamed" (and the
 *                                                          "fixture:" cases, whose fixture has a key "big")
 *   write "counter"  the call never returns             → "compare-version writes succeed only at the expected version"
 *   write "lock"     the plugin calls exit(7)           → "create-only succeeds once, then already exists"
 *   read  "bin"      returns other bytes than written   → "binary values with every byte value round-trip"
 *
 * Everything else is cmem's own behaviour, so every other case passes: the check must report these as
 * failed, say how, and still run every case after them. Scheme "misbehave".
 */
#include <tote/tote_plugin.h>

#include "misbehave_os.h"

#include <stdlib.h>
#include <string.h>

const tote_plugin *cmem_inner_entry(uint32_t host_abi_version);

static const tote_plugin *inner;
static tote_plugin wrapper;
static const char *const schemes[] = {"misbehave", NULL};

static int is_key(const char *key, size_t len, const char *name) {
    return len == strlen(name) && memcmp(key, name, len) == 0;
}

static tote_status misbehaving_write(tote_store *store, const tote_call *call, const tote_write_op *op,
                                     uint64_t *new_version) {
    if (is_key(op->key, op->key_len, "big")) crash_now();
    if (is_key(op->key, op->key_len, "counter")) hang_forever();
    if (is_key(op->key, op->key_len, "lock")) exit(7);
    return inner->write(store, call, op, new_version);
}

static tote_status misbehaving_read(tote_store *store, const tote_call *call, const char *key, size_t key_len,
                                    tote_write_fn sink, void *sink_ctx, tote_stat *stat_out) {
    if (is_key(key, key_len, "bin")) {
        sink(sink_ctx, "wrong", 5);
        if (stat_out != NULL) stat_out->size = 5;
        return TOTE_OK;
    }
    return inner->read(store, call, key, key_len, sink, sink_ctx, stat_out);
}

TOTE_PLUGIN_EXPORT const tote_plugin *tote_plugin_entry(uint32_t host_abi_version) {
    if (inner == NULL) {
        inner = cmem_inner_entry(host_abi_version);
        if (inner == NULL) return NULL;
        wrapper = *inner;
        wrapper.name = "misbehave";
        wrapper.schemes = schemes;
        wrapper.write = misbehaving_write;
        wrapper.read = misbehaving_read;
    }
    return &wrapper;
}
