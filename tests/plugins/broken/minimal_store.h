/* SPDX-License-Identifier: Apache-2.0 */
/*
 * minimal_store.h — the smallest working store, shared by the fixture plugins that need a descriptor.
 *
 * Every store is empty and read-only in effect: open() always succeeds with one static handle, close() does
 * nothing, read() and stat() report TOTE_NOT_FOUND. Include it from exactly one .c file per plugin; each fixture
 * then fills in its own descriptor with MINIMAL_STORE_FUNCTIONS.
 */
#ifndef TOTE_FIXTURE_MINIMAL_STORE_H
#define TOTE_FIXTURE_MINIMAL_STORE_H

#include <tote/tote_plugin.h>

struct tote_store {
    int unused;
};

static tote_store minimal_the_store;

static void minimal_error(const tote_call *call, const char *msg, size_t len) {
    if (call != NULL && call->set_error != NULL) call->set_error(call, msg, len);
}

static tote_status minimal_open(const tote_open_params *params, const tote_call *call, tote_store **out) {
    (void)params;
    (void)call;
    *out = &minimal_the_store;
    return TOTE_OK;
}

static void minimal_close(tote_store *store) { (void)store; }

static tote_status minimal_read(tote_store *store, const tote_call *call, const char *key, size_t key_len,
                                tote_write_fn sink, void *sink_ctx, tote_stat *stat_out) {
    (void)store;
    (void)key;
    (void)key_len;
    (void)sink;
    (void)sink_ctx;
    (void)stat_out;
    minimal_error(call, "this fixture store is always empty", 34);
    return TOTE_NOT_FOUND;
}

static tote_status minimal_stat(tote_store *store, const tote_call *call, const char *key, size_t key_len,
                                tote_stat *out) {
    (void)store;
    (void)key;
    (void)key_len;
    (void)out;
    minimal_error(call, "this fixture store is always empty", 34);
    return TOTE_NOT_FOUND;
}

/* open, close, read, write, append, stat, list, remove, rename, get_extension: the function table of a
 * descriptor with only the four required functions. */
#define MINIMAL_STORE_FUNCTIONS                                                                                 \
    minimal_open, minimal_close, minimal_read, NULL, NULL, minimal_stat, NULL, NULL, NULL, NULL

#endif /* TOTE_FIXTURE_MINIMAL_STORE_H */
