/* SPDX-License-Identifier: Apache-2.0 */
/*
 * tote/totec.h — the C API of libtote, for applications in any language with a C FFI (Python, Node, Go, Rust…).
 *
 * It is distinct from the plugin ABI (tote/tote_plugin.h, which plugins implement): this is what applications
 * *call*. Everything tote::Host and tote::Store (tote/tote.hpp) do is here, behind opaque handles, with plain C
 * types only; no C++ type or exception crosses it.
 *
 *   totec_host *host; totec_store *store; char *error = NULL;
 *   if (totec_host_new(NULL, &host, &error) != TOTE_OK ||
 *       totec_open(host, "sqlite://evals.db", TOTEC_OPEN_CREATE, NULL, &store, &error) != TOTE_OK) {
 *       fprintf(stderr, "%s\n", error); totec_free(error); return 1;
 *   }
 *   totec_write(store, "runs/1.json", 11, "{\"score\": 1}", 12, NULL, NULL, &error);
 *
 * Errors. Every function that can fail returns a tote_status from the plugin ABI's closed set (TOTE_OK,
 * TOTE_NOT_FOUND, … TOTE_UNKNOWN_OUTCOME; totec_status_name() names them). On failure, if `error` is not NULL,
 * *error receives a message naming the operation, the key and the store ("cannot read 'runs/9.json' in
 * sqlite:///…: not found"), which the caller owns and frees with totec_free(); on success *error is left alone.
 * Memory the API hands out (values, messages) is always freed with totec_free().
 *
 * Keys are byte strings with a length (need not be NUL-terminated) and follow the rules of keys
 * (tote_plugin.h, "Keys"); a bad one is TOTE_INVALID_ARGUMENT before any plugin is called. Strings without a
 * length parameter (URLs, names, filters) are NUL-terminated UTF-8.
 *
 * Threads. A totec_host may be used from several threads at once. A totec_store may too (tote serialises the
 * calls itself where the plugin is not thread-safe); callbacks run on the calling thread before the call
 * returns and must not call back into the same store. Handles must outlive no one: close every store and lock
 * before freeing the host that opened them (a store keeps its plugin loaded until it is closed).
 */
#ifndef TOTE_TOTEC_H
#define TOTE_TOTEC_H

#include <tote/tote_plugin.h> /* tote_status and its closed set, TOTE_KEY_MAX */

#include <stddef.h>
#include <stdint.h>

#if defined(_WIN32) || defined(__CYGWIN__)
#  ifdef TOTE_BUILDING_HOST
#    define TOTEC_API __declspec(dllexport)
#  else
#    define TOTEC_API __declspec(dllimport)
#  endif
#elif defined(__GNUC__) || defined(__clang__)
#  define TOTEC_API __attribute__((visibility("default")))
#else
#  define TOTEC_API
#endif

#ifdef __cplusplus
extern "C" {
#endif

typedef struct totec_host totec_host;
typedef struct totec_store totec_store;
typedef struct totec_lock totec_lock;

/* ---- Memory, names, version ---------------------------------------------------------------------------------- */

/* Frees what the API handed out (a value, a message, a JSON text). NULL is fine. Thread-safe. */
TOTEC_API void totec_free(void *p);
/* "not found", "already exists", …; "unknown status" outside the set. Static strings. Thread-safe. */
TOTEC_API const char *totec_status_name(tote_status status);
/* "not_found", "already_exists", … (the identifier bindings use). Static strings. Thread-safe. */
TOTEC_API const char *totec_status_id(tote_status status);
/* The version of libtote, "0.2.0". Static. */
TOTEC_API const char *totec_version(void);

/* ---- Host ------------------------------------------------------------------------------------------------------ */

#define TOTEC_HOST_NO_ENVIRONMENT 0x1u /* ignore $TOTE_CONFIG and $TOTE_PLUGIN_PATH */
#define TOTEC_HOST_NO_BUILTIN 0x2u     /* do not load the first-party plugins installed with libtote */

typedef struct totec_host_options {
    uint32_t struct_size;  /* sizeof(totec_host_options): the struct may grow at the end */
    uint32_t flags;        /* TOTEC_HOST_* */
    const char *config;    /* a TOML config file; NULL: $TOTE_CONFIG, else ~/.config/tote/config.toml if present */
    const char *const *plugin_dirs; /* searched first, in order */
    size_t plugin_dir_count;
} totec_host_options;

/* A host: discovers the plugins and reads the config. options may be NULL (the defaults, as the tote CLI).
 * A broken config is an error here (TOTE_INVALID_ARGUMENT naming file, line and key). */
TOTEC_API tote_status totec_host_new(const totec_host_options *options, totec_host **out, char **error);
TOTEC_API void totec_host_free(totec_host *host);

/* The plugins found, as the JSON of `tote plugins --json` (name, version, schemes, capabilities, …, refused).
 * *json is freed with totec_free(). */
TOTEC_API tote_status totec_host_plugins(totec_host *host, char **json, char **error);

/* ---- Opening stores -------------------------------------------------------------------------------------------- */

#define TOTEC_OPEN_CREATE 0x1u    /* create the store if it does not exist (else TOTE_NOT_FOUND) */
#define TOTEC_OPEN_READ_ONLY 0x2u /* every write fails with TOTE_PERMISSION_DENIED */

/* Opens a store by URL ("sqlite://evals.db", "json:///srv/evals") or by a store name from the config ("evals",
 * "default"). options: NULL, or a NULL-terminated array of "key=value" plugin options (checked against the
 * options the plugin publishes). */
TOTEC_API tote_status totec_open(totec_host *host, const char *store, uint32_t flags, const char *const *options,
                                 totec_store **out, char **error);
/* Closes the store (this handle; the store itself closes when its last handle does). NULL is fine. */
TOTEC_API void totec_close(totec_store *store);

/* The store's URL, password hidden ("***"); valid while the store is open. */
TOTEC_API const char *totec_store_url(const totec_store *store);
/* The plugin's TOTE_CAP_* bits. */
TOTEC_API uint64_t totec_store_capabilities(const totec_store *store);
/* 1 if write_batch (and remove_batch) are atomic in this store, else 0. */
TOTEC_API int totec_store_batch_is_atomic(const totec_store *store);

/* ---- Values ------------------------------------------------------------------------------------------------------ */

typedef struct totec_stat {
    int kind;            /* TOTE_KIND_KEY or TOTE_KIND_PREFIX (a prefix has size, mtime and version 0) */
    uint64_t size;
    int64_t mtime_ns;    /* since the Unix epoch; 0 if the backend does not know */
    uint64_t version;    /* opaque: the same version, the same value */
    int64_t expires_ns;  /* 0: never */
} totec_stat;

/* The value of key into *value (freed with totec_free(); NUL-terminated for convenience, not counted in *len).
 * TOTE_NOT_FOUND if key is not a key. stat may be NULL. */
TOTEC_API tote_status totec_read(totec_store *store, const char *key, size_t key_len, void **value, size_t *len,
                                 totec_stat *stat, char **error);
/* The value streamed to sink in pieces; sink returns nonzero to stop (not an error). */
typedef int (*totec_bytes_fn)(void *ctx, const void *data, size_t len);
TOTEC_API tote_status totec_read_to(totec_store *store, const char *key, size_t key_len, totec_bytes_fn sink,
                                    void *ctx, totec_stat *stat, char **error);
/* Bytes [offset, offset + length) of the value: those that exist (past the end gives fewer, or none). *stat
 * describes the whole value. */
TOTEC_API tote_status totec_read_range(totec_store *store, const char *key, size_t key_len, uint64_t offset,
                                       uint64_t length, void **value, size_t *len, totec_stat *stat, char **error);

#define TOTEC_WRITE_CREATE_ONLY 0x1u /* TOTE_ALREADY_EXISTS if the key exists */
#define TOTEC_WRITE_IF_VERSION 0x2u  /* TOTE_PRECONDITION_FAILED unless the key is at expected_version */
#define TOTEC_WRITE_EXPIRES 0x4u     /* the value expires at expires_ns (TOTE_UNSUPPORTED without expiry) */

typedef struct totec_write_options {
    uint32_t flags; /* TOTEC_WRITE_* */
    uint64_t expected_version;
    int64_t expires_ns;
} totec_write_options;

/* Replaces the value atomically. options may be NULL; new_version may be NULL. */
TOTEC_API tote_status totec_write(totec_store *store, const char *key, size_t key_len, const void *value,
                                  size_t len, const totec_write_options *options, uint64_t *new_version,
                                  char **error);
/* Appends data (creating the key). if_size: NULL, or append only if the value is exactly *if_size bytes long
 * (TOTE_PRECONDITION_FAILED otherwise, nothing written). offset (where the data starts) and version may be NULL. */
TOTEC_API tote_status totec_append(totec_store *store, const char *key, size_t key_len, const void *data,
                                   size_t len, const uint64_t *if_size, uint64_t *offset, uint64_t *version,
                                   char **error);

/* TOTE_NOT_FOUND if key is neither a key nor a prefix. */
TOTEC_API tote_status totec_get_stat(totec_store *store, const char *key, size_t key_len, totec_stat *out,
                                 char **error);

#define TOTEC_REMOVE_RECURSIVE 0x1u /* also every key under key + '/' */
/* TOTE_NOT_FOUND if there was nothing to remove. */
TOTEC_API tote_status totec_remove(totec_store *store, const char *key, size_t key_len, uint32_t flags,
                                   char **error);

#define TOTEC_RENAME_NO_REPLACE 0x1u /* TOTE_ALREADY_EXISTS if `to` exists */
TOTEC_API tote_status totec_rename(totec_store *store, const char *from, size_t from_len, const char *to,
                                   size_t to_len, uint32_t flags, char **error);

/* One op of a batch: a write (flags TOTEC_WRITE_*), or with TOTEC_BATCH_REMOVE the removal of key. */
#define TOTEC_BATCH_REMOVE 0x100u
typedef struct totec_batch_op {
    const char *key;
    size_t key_len;
    const void *value;
    size_t value_len;
    uint32_t flags;
    uint64_t expected_version;
    int64_t expires_ns;
} totec_batch_op;

/* Writes (and removes) all: atomically if totec_store_batch_is_atomic(), otherwise one by one in order, stopping
 * at the first failure. Writes come first, then removals (a batch of both is two batches: not atomic together). */
TOTEC_API tote_status totec_write_batch(totec_store *store, const totec_batch_op *ops, size_t count, char **error);

/* ---- Listing and finding ------------------------------------------------------------------------------------------ */

#define TOTEC_LIST_RECURSIVE 0x1u /* every key under the prefix; else one level, sub-prefixes ending in '/' */

/* One entry: the full key from the store root, its length, and TOTE_KIND_KEY or TOTE_KIND_PREFIX. Return
 * nonzero to stop. */
typedef int (*totec_entry_fn)(void *ctx, const char *key, size_t key_len, int kind);
/* Streams the entries under prefix ("" for all) in key order; start_after: NULL, or resume after this key. */
TOTEC_API tote_status totec_list(totec_store *store, const char *prefix, size_t prefix_len, uint32_t flags,
                                 const char *start_after, totec_entry_fn on_entry, void *ctx, char **error);

/* One match: the key, and its whole value (a JSON document, as stored). Return nonzero to stop. */
typedef int (*totec_match_fn)(void *ctx, const char *key, size_t key_len, const char *value, size_t value_len);
/* The keys under prefix whose values are JSON documents matching filter (JSON text of the query language,
 * docs/queries.md; "{}" for every document), in key order; limit 0: all. A bad filter is TOTE_INVALID_ARGUMENT
 * naming its fault. */
TOTEC_API tote_status totec_find(totec_store *store, const char *prefix, size_t prefix_len, const char *filter,
                                 uint32_t flags, uint64_t limit, totec_match_fn on_match, void *ctx, char **error);

/* ---- Named locks (tote/lock.hpp) ---------------------------------------------------------------------------------- */

/* Takes the named lock, or TOTE_BUSY naming the holder (TOTE_UNSUPPORTED without create-only). owner: NULL, or
 * who holds it, for messages and `tote lock ls`. Released by totec_lock_release(). */
TOTEC_API tote_status totec_lock_acquire(totec_store *store, const char *name, const char *owner, totec_lock **out,
                                 char **error);
/* Releases the lock and frees the handle. NULL is fine. */
TOTEC_API tote_status totec_lock_release(totec_lock *lock, char **error);
/* *held = 1 if the lock is held and not stale, else 0. */
TOTEC_API tote_status totec_is_locked(totec_store *store, const char *name, int *held, char **error);
/* Removes the lock whoever holds it; *removed = 1 if there was one (removed may be NULL). */
TOTEC_API tote_status totec_break_lock(totec_store *store, const char *name, int *removed, char **error);

#ifdef __cplusplus
} /* extern "C" */
#endif

#endif /* TOTE_TOTEC_H */
