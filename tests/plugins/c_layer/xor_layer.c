/* SPDX-License-Identifier: Apache-2.0 */
/*
 * xor_layer.c — "cxor", a layer (tote/ext/layer.h) in pure C99 against the SDK headers alone: it stores every value
 * XORed with a one-byte key, so the bytes in the store below differ from what the application reads. Proof that
 * the layer ABI needs no C++, and the layer the conformance suite stacks over other stores in the tests.
 *
 * XOR with a constant is position-independent, so appends stay appends and ranged reads stay ranges: every
 * operation and extension is forwarded to the store below, value bytes transformed on the way. Option: key
 * (int, 1..255, default 90).
 */
#include <tote/ext/append.h>
#include <tote/ext/batch.h>
#include <tote/ext/layer.h>
#include <tote/ext/read_range.h>
#include <tote/tote_plugin.h>

#include <stdlib.h>
#include <string.h>

struct tote_store {
    tote_inner_store inner; /* a copy of the host's view; what it points to outlives this store */
    unsigned char key;
};

static void fail(const tote_call *call, const char *msg) { call->set_error(call, msg, strlen(msg)); }

/* A copy of data XORed with key, or NULL when out of memory (len 0 gives a valid 1-byte buffer). */
static unsigned char *xored(const void *data, size_t len, unsigned char key) {
    unsigned char *out = (unsigned char *)malloc(len ? len : 1);
    size_t i;
    if (out == NULL) return NULL;
    for (i = 0; i < len; ++i) out[i] = ((const unsigned char *)data)[i] ^ key;
    return out;
}

/* ---- reads: the sink un-XORs each piece ---- */

struct unxor {
    tote_write_fn sink;
    void *ctx;
    unsigned char key;
};

static int unxor_piece(void *ctx, const void *data, size_t len) {
    struct unxor *u = (struct unxor *)ctx;
    unsigned char buf[4096];
    size_t done = 0;
    while (done < len) {
        size_t n = len - done < sizeof buf ? len - done : sizeof buf;
        size_t i;
        for (i = 0; i < n; ++i) buf[i] = ((const unsigned char *)data)[done + i] ^ u->key;
        if (u->sink(u->ctx, buf, n) != 0) return 1;
        done += n;
    }
    return 0;
}

static tote_status x_read(tote_store *s, const tote_call *call, const char *key, size_t key_len, tote_write_fn sink,
                          void *sink_ctx, tote_stat *stat_out) {
    struct unxor u;
    u.sink = sink;
    u.ctx = sink_ctx;
    u.key = s->key;
    return s->inner.plugin->read(s->inner.store, call, key, key_len, unxor_piece, &u, stat_out);
}

static tote_status x_read_range(tote_store *s, const tote_call *call, const char *key, size_t key_len,
                                uint64_t offset, uint64_t length, tote_write_fn sink, void *sink_ctx,
                                tote_stat *stat_out) {
    const tote_read_range_ext *below =
        (const tote_read_range_ext *)s->inner.get_extension(&s->inner, TOTE_EXT_READ_RANGE);
    struct unxor u;
    if (below == NULL) {
        fail(call, "cxor: the store below offers no ranged reads");
        return TOTE_UNSUPPORTED;
    }
    u.sink = sink;
    u.ctx = sink_ctx;
    u.key = s->key;
    return below->read_range(s->inner.store, call, key, key_len, offset, length, unxor_piece, &u, stat_out);
}

/* ---- writes: values XORed on the way down ---- */

static tote_status x_write(tote_store *s, const tote_call *call, const tote_write_op *op, uint64_t *new_version) {
    tote_write_op copy;
    unsigned char *value;
    tote_status status;
    size_t size = op->struct_size < sizeof copy ? op->struct_size : sizeof copy;
    memset(&copy, 0, sizeof copy);
    memcpy(&copy, op, size); /* the host's fields, as far as its struct goes; struct_size stays the host's */
    value = xored(op->value, op->value_len, s->key);
    if (value == NULL) return TOTE_INTERNAL;
    copy.value = value;
    status = s->inner.plugin->write(s->inner.store, call, &copy, new_version);
    free(value);
    return status;
}

static tote_status x_append(tote_store *s, const tote_call *call, const char *key, size_t key_len, const void *data,
                            size_t data_len) {
    unsigned char *bytes = xored(data, data_len, s->key);
    tote_status status;
    if (bytes == NULL) return TOTE_INTERNAL;
    status = s->inner.plugin->append(s->inner.store, call, key, key_len, bytes, data_len);
    free(bytes);
    return status;
}

static tote_status x_append_op(tote_store *s, const tote_call *call, const tote_append_op *op,
                               tote_append_result *result) {
    const tote_append_ext *below = (const tote_append_ext *)s->inner.get_extension(&s->inner, TOTE_EXT_APPEND);
    tote_append_op copy;
    unsigned char *bytes;
    tote_status status;
    size_t size = op->struct_size < sizeof copy ? op->struct_size : sizeof copy;
    if (below == NULL) {
        fail(call, "cxor: the store below offers no conditional appends");
        return TOTE_UNSUPPORTED;
    }
    memset(&copy, 0, sizeof copy);
    memcpy(&copy, op, size);
    bytes = xored(op->data, op->data_len, s->key);
    if (bytes == NULL) return TOTE_INTERNAL;
    copy.data = bytes;
    status = below->append(s->inner.store, call, &copy, result);
    free(bytes);
    return status;
}

static tote_status x_write_batch(tote_store *s, const tote_call *call, const tote_write_op *const *ops, size_t count,
                                 size_t *failed_index) {
    const tote_batch_ext *below = (const tote_batch_ext *)s->inner.get_extension(&s->inner, TOTE_EXT_BATCH);
    tote_write_op *copies;
    const tote_write_op **pointers;
    unsigned char **values;
    tote_status status = TOTE_OK;
    size_t i, made = 0;
    if (below == NULL) {
        fail(call, "cxor: the store below offers no batches");
        return TOTE_UNSUPPORTED;
    }
    copies = (tote_write_op *)calloc(count ? count : 1, sizeof *copies);
    pointers = (const tote_write_op **)calloc(count ? count : 1, sizeof *pointers);
    values = (unsigned char **)calloc(count ? count : 1, sizeof *values);
    if (copies == NULL || pointers == NULL || values == NULL) status = TOTE_INTERNAL;
    for (i = 0; status == TOTE_OK && i < count; ++i, ++made) {
        size_t size = ops[i]->struct_size < sizeof copies[i] ? ops[i]->struct_size : sizeof copies[i];
        memcpy(&copies[i], ops[i], size);
        values[i] = xored(ops[i]->value, ops[i]->value_len, s->key);
        if (values[i] == NULL) status = TOTE_INTERNAL;
        copies[i].value = values[i];
        pointers[i] = &copies[i];
    }
    if (status == TOTE_OK) status = below->write_batch(s->inner.store, call, pointers, count, failed_index);
    for (i = 0; i < made; ++i) free(values[i]);
    free(values);
    free(pointers);
    free(copies);
    return status;
}

/* ---- everything else passes through: keys and listings are not transformed ---- */

static tote_status x_stat(tote_store *s, const tote_call *call, const char *key, size_t key_len, tote_stat *out) {
    return s->inner.plugin->stat(s->inner.store, call, key, key_len, out);
}

static tote_status x_list(tote_store *s, const tote_call *call, const tote_list_params *params, tote_entry_fn on_entry,
                          void *ctx) {
    return s->inner.plugin->list(s->inner.store, call, params, on_entry, ctx);
}

static tote_status x_remove(tote_store *s, const tote_call *call, const char *key, size_t key_len, uint32_t flags) {
    return s->inner.plugin->remove(s->inner.store, call, key, key_len, flags);
}

static tote_status x_rename(tote_store *s, const tote_call *call, const char *from, size_t from_len, const char *to,
                            size_t to_len, uint32_t flags) {
    return s->inner.plugin->rename(s->inner.store, call, from, from_len, to, to_len, flags);
}

/* ---- opening ---- */

static tote_status x_open_layer(const tote_open_params *params, const tote_inner_store *inner, const tote_call *call,
                                tote_store **out) {
    tote_store *s;
    int64_t key = 90;
    size_t i;
    for (i = 0; i < params->option_count; ++i)
        if (strcmp(params->options[i].name, "key") == 0) key = params->options[i].int_value;
    if (key < 1 || key > 255) {
        fail(call, "cxor: option 'key' must be from 1 to 255");
        return TOTE_INVALID_ARGUMENT;
    }
    s = (tote_store *)calloc(1, sizeof *s);
    if (s == NULL) return TOTE_INTERNAL;
    memcpy(&s->inner, inner, inner->struct_size < sizeof s->inner ? inner->struct_size : sizeof s->inner);
    s->key = (unsigned char)key;
    *out = s;
    return TOTE_OK;
}

static tote_status x_open(const tote_open_params *params, const tote_call *call, tote_store **out) {
    (void)params;
    (void)out;
    fail(call, "cxor is a layer: stack it over a store (cxor::json:///path)");
    return TOTE_UNSUPPORTED;
}

static void x_close(tote_store *s) { free(s); }

/* The table as tote.layer/1 first had it (open_layer only, no check_options): proves the host reads no further
 * than struct_size says, and that such a layer still finds a bad value, only later (at open_layer). */
static const tote_layer_ext layer_ext = {TOTE_LAYER_EXT_SIZE_1_1, 0, x_open_layer, NULL};
static const tote_read_range_ext range_ext = {sizeof(tote_read_range_ext), 0, x_read_range};
static const tote_append_ext append_ext = {sizeof(tote_append_ext), 0, x_append_op};
static const tote_batch_ext batch_ext = {sizeof(tote_batch_ext), 0, x_write_batch, TOTE_BATCH_REMOVES};

static const void *x_get_extension(const char *id) {
    if (strcmp(id, TOTE_EXT_LAYER) == 0) return &layer_ext;
    if (strcmp(id, TOTE_EXT_READ_RANGE) == 0) return &range_ext;
    if (strcmp(id, TOTE_EXT_APPEND) == 0) return &append_ext;
    if (strcmp(id, TOTE_EXT_BATCH) == 0) return &batch_ext;
    return NULL;
}

static const char *const schemes[] = {"cxor", NULL};
static const tote_option_spec options[] = {
    {"key", TOTE_TYPE_INT, 0, "90", "the byte every stored byte is XORed with (1 to 255)"},
    {NULL, 0, 0, NULL, NULL},
};

static const tote_plugin descriptor = {
    sizeof(tote_plugin),
    TOTE_ABI_VERSION,
    TOTE_CAP_WRITE | TOTE_CAP_APPEND | TOTE_CAP_LIST | TOTE_CAP_RENAME | TOTE_CAP_CREATE_ONLY |
        TOTE_CAP_COMPARE_VERSION | TOTE_CAP_ATOMIC_BATCH | TOTE_CAP_THREAD_SAFE | TOTE_CAP_EXPIRY,
    TOTE_LOCATION_URL,
    0,
    "cxor",
    "1.0.0",
    "test layer in pure C: stores values XORed with a byte",
    schemes,
    options,
    x_open,
    x_close,
    x_read,
    x_write,
    x_append,
    x_stat,
    x_list,
    x_remove,
    x_rename,
    x_get_extension,
};

TOTE_PLUGIN_EXPORT const tote_plugin *tote_plugin_entry(uint32_t host_abi_version) {
    (void)host_abi_version;
    return &descriptor;
}
