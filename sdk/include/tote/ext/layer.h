/* SPDX-License-Identifier: Apache-2.0 WITH LLVM-exception */
/*
 * tote/ext/layer.h — extension "tote.layer/1": a plugin that wraps another store instead of storing anything.
 *
 * A layer (compression, checksums, a cache, metrics, encryption, auditing) is an ordinary plugin library with the
 * ordinary entry point and descriptor, whose get_extension(TOTE_EXT_LAYER) returns a tote_layer_ext. Its
 * descriptor's schemes are the layer's names ("zstd"), used in URLs ("zstd::sqlite://evals.db", outermost first,
 * as fsspec chains them) and in a store's `layers` list in the config; its options are checked like a backend's.
 * The host opens the store below first (a backend, or another layer: layers nest), then calls open_layer() with
 * it. The store the layer returns is a store like any other: the host calls the descriptor's functions and
 * extensions on it, exactly as on a backend's, and closes it before the store below.
 *
 * Rules
 * - What a layered store offers is derived from the store below, by the host: a capability only if both the layer
 *   declares it and the store below has it (the modes TOTE_CAP_KEY_AND_PREFIX and TOTE_CAP_PERSISTENT are the
 *   inner store's, whatever the layer declares); an extension (batch, ranged reads, conditional appends, queries,
 *   listing in blocks) only if both offer it, and the batch flags likewise. So a layer never receives a call the
 *   store below could not serve, and a host falls back where it would for a backend without the feature.
 * - The layer calls the store below only through the table and handle in tote_inner_store, only from inside one of
 *   its own operations and on that thread (so the host's serialisation of a store that is not thread-safe covers
 *   the store below too), and only with keys that are valid keys (see tote_plugin.h). It passes a tote_call of its
 *   own or the one it was given; a message the store below sets is best carried up with its status.
 * - The tote_inner_store and everything it points to stay valid until the layer's store is closed; the layer
 *   neither closes nor frees it.
 * - The descriptor's open() is never called for a layer by a host that knows this extension; return
 *   TOTE_UNSUPPORTED from it (an older host would treat the library as a backend).
 * - Declare TOTE_LOCATION_URL; a layer has no location of its own (params->location is the store below's URL).
 *
 * Rationale: a layer that speaks the same ABI in both directions can be written in C by a stranger, stacks over
 * any backend and under any other layer, and needs nothing from the host beyond what a backend gets.
 */
#ifndef TOTE_EXT_LAYER_H
#define TOTE_EXT_LAYER_H

#include "../tote_plugin.h"

#ifdef __cplusplus
extern "C" {
#endif

#define TOTE_EXT_LAYER "tote.layer/1"

/* The store below a layer, as the host hands it over: already opened and checked. */
typedef struct tote_inner_store {
    uint32_t struct_size;
    uint32_t reserved;          /* zero */
    const tote_plugin *plugin;  /* the function table to call with store (a backend's, or a layer's) */
    tote_store *store;          /* the open store below */
    uint64_t capabilities;      /* TOTE_CAP_*: what the store below offers; call nothing else */
    const char *url;            /* the store below, for messages ("sqlite:///srv/evals.db"); NUL-terminated */
    /* The extension table id ("tote.batch/1") of the store below, or NULL where it offers none; call its
     * functions with store. Masked like capabilities: only what the store below really offers. [any-thread] */
    const void *(*get_extension)(const struct tote_inner_store *inner, const char *id);
    void *host_data; /* the host's; do not touch */
} tote_inner_store;

typedef struct tote_layer_ext {
    uint32_t struct_size;
    uint32_t reserved; /* zero */

    /* Open the layer over inner. params are as for tote_plugin.open(): the flags of the whole stack (a read-only
     * stack sends no write), the layered URL ("zstd::sqlite:///srv/evals.db"), location = inner->url, and this
     * layer's own options (checked against its option list). On TOTE_OK *out holds a store that the host closes
     * with the descriptor's close() before it closes inner. Errors: INVALID_ARGUMENT for a bad option value,
     * UNSUPPORTED when the store below lacks something the layer cannot do without, as open() would. [any-thread] */
    tote_status (*open_layer)(const tote_open_params *params, const tote_inner_store *inner, const tote_call *call,
                              tote_store **out);

    /* Fields above are valid for "tote.layer/1" (TOTE_LAYER_EXT_SIZE_1_1 bytes); those below were added at its
     * end later: a host reads one only where struct_size covers it. */

    /* Check this layer's option values (params as for open_layer, url and location included) without opening or
     * touching anything: the host calls it for every layer of a stack before it opens the store below, so a value
     * the layer refuses (a level out of range, a dictionary file that is missing) fails before a store is created.
     * Return INVALID_ARGUMENT with a message naming the option. NULL: the layer finds bad values only in
     * open_layer, after the store below was opened (and, for a creating open, created). [any-thread] */
    tote_status (*check_options)(const tote_open_params *params, const tote_call *call);
} tote_layer_ext;

/* The size of tote_layer_ext as first released (open_layer only): a host accepts a table this large. */
#define TOTE_LAYER_EXT_SIZE_1_1 (offsetof(tote_layer_ext, open_layer) + sizeof(void (*)(void)))

#ifdef __cplusplus
} /* extern "C" */
#endif

#endif /* TOTE_EXT_LAYER_H */
