/* SPDX-License-Identifier: Apache-2.0 */
/*
 * null_plugin.c — a plugin whose every operation does nothing and succeeds (scheme "null"), for measuring the
 * cost of a call through the host and the vtable (tote-bench's call-overhead workload). Thread-safe, so the host
 * takes no lock: what is measured is the host's own work (key validation, the call context, the status) plus the
 * indirect call.
 *
 * The discovery workload installs 100 copies named null-000.so … null-099.so. A copy so named serves (and is
 * named) "null000" … "null099", read from its own file name with dladdr(), so that the copies are 100 distinct
 * plugins rather than 99 shadowed ones.
 */
#define _GNU_SOURCE
#include <tote/tote_plugin.h>

#include <dlfcn.h>
#include <stddef.h>
#include <string.h>

struct tote_store {
    int unused;
};

static tote_store the_store;

static tote_status null_open(const tote_open_params *params, const tote_call *call, tote_store **out) {
    (void)params;
    (void)call;
    *out = &the_store;
    return TOTE_OK;
}

static void null_close(tote_store *store) { (void)store; }

static tote_status null_read(tote_store *store, const tote_call *call, const char *key, size_t key_len,
                             tote_write_fn sink, void *sink_ctx, tote_stat *stat_out) {
    (void)store;
    (void)call;
    (void)key;
    (void)key_len;
    (void)sink;
    (void)sink_ctx;
    (void)stat_out;
    return TOTE_OK;
}

/* The benchmark also calls this through the descriptor directly, without the host, to time a bare call. */
static tote_status null_stat(tote_store *store, const tote_call *call, const char *key, size_t key_len, tote_stat *out) {
    (void)store;
    (void)call;
    (void)key;
    (void)key_len;
    if (out != NULL && out->struct_size >= sizeof(tote_stat)) {
        out->kind = TOTE_KIND_KEY;
        out->size = 0;
        out->mtime_ns = 0;
        out->version = 1;
    }
    return TOTE_OK;
}

static char scheme[16] = "null";
static const char *schemes[] = {scheme, NULL};

static tote_plugin descriptor = {
    sizeof(tote_plugin), TOTE_ABI_VERSION, TOTE_CAP_THREAD_SAFE, TOTE_LOCATION_URL, 0,
    scheme, "1.0.0", "every operation does nothing (benchmark)", schemes, NULL,
    null_open, null_close, null_read, NULL, NULL, null_stat, NULL, NULL, NULL, NULL,
};

/* "…/null-042.so" → "null042"; any other file name keeps "null". */
static void name_from_file(void) {
    Dl_info info;
    const char *base, *digits;
    size_t n;
    if (dladdr(&the_store, &info) == 0 || info.dli_fname == NULL) return;
    base = strrchr(info.dli_fname, '/');
    base = base != NULL ? base + 1 : info.dli_fname;
    if (strncmp(base, "null-", 5) != 0) return;
    digits = base + 5;
    for (n = 0; n < 8 && digits[n] >= '0' && digits[n] <= '9'; ++n) scheme[4 + n] = digits[n];
    scheme[4 + n] = '\0';
}

TOTE_PLUGIN_EXPORT const tote_plugin *tote_plugin_entry(uint32_t host_abi_version) {
    (void)host_abi_version;
    name_from_file();
    return &descriptor;
}
