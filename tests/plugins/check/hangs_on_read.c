/* SPDX-License-Identifier: Apache-2.0 */
/*
 * hangs_on_read.c — a plugin for testing `tote plugin check`'s deadlines: the cmem plugin (check/cmem_inner.c)
 * behind a wrapper whose read never returns, as a plugin stuck on a dead server would. Nearly every case reads,
 * so case after case times out: the check must stop after a few consecutive timeouts (or at --deadline) with a
 * verdict, not take every case's timeout in turn. Scheme "hangread".
 */
#include <tote/tote_plugin.h>

#include "misbehave_os.h"

const tote_plugin *cmem_inner_entry(uint32_t host_abi_version);

static const tote_plugin *inner;
static tote_plugin wrapper;
static const char *const schemes[] = {"hangread", NULL};

static tote_status hanging_read(tote_store *store, const tote_call *call, const char *key, size_t key_len,
                                tote_write_fn sink, void *sink_ctx, tote_stat *stat_out) {
    (void)store, (void)call, (void)key, (void)key_len, (void)sink, (void)sink_ctx, (void)stat_out;
    hang_forever();
    return TOTE_IO; /* not reached */
}

TOTE_PLUGIN_EXPORT const tote_plugin *tote_plugin_entry(uint32_t host_abi_version) {
    if (inner == NULL) {
        inner = cmem_inner_entry(host_abi_version);
        if (inner == NULL) return NULL;
        wrapper = *inner;
        wrapper.name = "hangread";
        wrapper.schemes = schemes;
        wrapper.read = hanging_read;
    }
    return &wrapper;
}
