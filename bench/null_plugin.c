/*
 * null_plugin.c — a plugin whose every operation does nothing and succeeds (scheme "null"), for measuring the
 * cost of a call through the host and the vtable (tote-bench's call-overhead workload). Thread-safe, so the host
 * takes no lock: what is measured is the host's own work (key validation, the call context, the status) plus the
 * indirect call.
 */
#include <tote/tote_plugin.h>

#include <stddef.h>

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

static const char *const schemes[] = {"null", NULL};

static const tote_plugin descriptor = {
    sizeof(tote_plugin), TOTE_ABI_VERSION, TOTE_CAP_THREAD_SAFE, TOTE_LOCATION_URL, 0,
    "null", "1.0.0", "every operation does nothing (benchmark)", schemes, NULL,
    null_open, null_close, null_read, NULL, NULL, null_stat, NULL, NULL, NULL, NULL,
};

TOTE_PLUGIN_EXPORT const tote_plugin *tote_plugin_entry(uint32_t host_abi_version) {
    (void)host_abi_version;
    return &descriptor;
}
