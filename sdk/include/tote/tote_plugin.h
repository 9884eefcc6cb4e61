/* SPDX-License-Identifier: Apache-2.0 WITH LLVM-exception */
/*
 * tote_plugin.h — the tote storage-backend plugin ABI, version 1.1.
 *
 * This header is the whole contract between the tote host and a backend plugin. If it is not written here, it is
 * not API. It is C99, compiles warning-free with -std=c99 -Wall -Wextra -pedantic and with any C++ compiler, and
 * uses only fixed-width integers, size_t, char pointers with lengths, pointers to structs and function pointers.
 *
 * License: the SDK (these headers, tote/plugin.hpp, the CMake helpers) is Apache-2.0 WITH LLVM-exception: a
 * plugin built against it may carry any license, open or proprietary, and the parts of the SDK compiled into it
 * (inline code, constants, plugin.hpp's trampolines) impose no attribution or notice conditions on its binaries.
 * The rest of tote is Apache-2.0; see LICENSE and LICENSES/ in the source tree.
 *
 * What a backend is
 * -----------------
 * A backend stores values (bytes) under keys (UTF-8 paths such as "evals/gsm8k.json") in some location: a
 * directory, a database file, a server. It is a shared library (.so / .dll / .dylib) that exports exactly one
 * symbol, tote_plugin_entry(). The host calls it once after loading the library, receives a tote_plugin descriptor
 * (self-description plus function table), checks it, and from then on opens stores through it.
 *
 * Versioning
 * ----------
 * The ABI version is MAJOR.MINOR, packed as (MAJOR << 16) | MINOR. The host refuses a plugin whose major differs.
 * Within a major version, structs only grow at their end, and every struct that may grow starts with a
 * struct_size field: whoever reads a struct reads a field only if struct_size shows the writer's struct holds it.
 * New status codes, capability bits and flags may be added in a minor version; a host maps status codes it does not
 * know to TOTE_INTERNAL, and a plugin must reject flags it does not know with TOTE_INVALID_ARGUMENT.
 * Optional features beyond this table are reached with get_extension() by a versioned string id (see tote/ext/).
 *
 * Old and new on both sides. A plugin learns the host's version from tote_plugin_entry()'s argument and returns a
 * status code only to a host whose minor version knows it (each code's minor is in TOTE_STATUS_LIST below; the
 * 1.1 code TOTE_UNKNOWN_OUTCOME becomes TOTE_UNAVAILABLE for a 1.0 host). Every struct that grew since 1.0 has a
 * TOTE_<STRUCT>_SIZE_1_0 constant: a plugin refuses only a struct smaller than that, and reads a newer field only
 * where the host's struct_size covers it (an older host's struct simply ends before it). A host reads a field of a
 * plugin's struct the same way. So a plugin built against 1.0 keeps working in every 1.x host, and a plugin built
 * against 1.1 still serves a 1.0 host for the 1.0 operations.
 *
 * Ownership
 * ---------
 * No allocation crosses the boundary unpaired. Everything the host passes in (keys, values, params, options) is
 * owned by the host and valid only for the duration of the call: copy what you keep. Values and listing entries
 * go back through host-supplied callbacks, so neither side ever frees the other's memory. A tote_store is owned
 * by the plugin from open() until close(). The descriptor returned by the entry point, and every string and array
 * it points to, must stay valid and unchanged while the library is loaded; the host never unloads a plugin
 * library (no dlclose), so static storage is the natural home for it.
 *
 * Errors
 * ------
 * Every operation returns a tote_status. Before returning a status other than TOTE_OK, a function may attach a
 * human-readable message with call->set_error(); the host copies it. No exception, errno value or C++ object may
 * cross this boundary: a C++ plugin catches everything at its edge (tote/plugin.hpp does this for you).
 *
 * Threading (tags used on each function below)
 * --------------------------------------------
 *   [any-thread]   may be called from any thread, concurrently with any other call.
 *   [store]        a call on one tote_store. If the plugin declares TOTE_CAP_THREAD_SAFE, calls on the same store
 *                  may run concurrently from several threads; otherwise the host serialises all calls on one
 *                  store (never two at once), though successive calls may come from different threads. Calls on
 *                  different tote_store handles may always run concurrently, even when both were opened on the
 *                  same location: guard whatever such handles share.
 *   [callback]     a host callback: the plugin calls it only on the thread that is running the operation that was
 *                  given it, and only before that operation returns.
 *
 * Keys
 * ----
 * The host validates and normalises every key before a plugin sees it: non-empty valid UTF-8, '/'-separated
 * segments, no empty segment, no "." or ".." segment, no leading or trailing '/', no control character, at most
 * TOTE_KEY_MAX bytes in all and TOTE_SEGMENT_MAX bytes per segment. A plugin therefore never sees a key that could
 * escape its root. Every key and prefix pointer is also NUL-terminated at [len] for convenience.
 * Segments starting with ".tote" are reserved: no user key has one. A plugin may use such names for its own
 * bookkeeping files; the host keeps its own records (named locks) under the top-level prefix ".tote/", which a
 * plugin stores like any other keys (and may leave out of its root listings: the host drops them there anyway).
 * Keys sort by their bytes (memcmp order, which for UTF-8 is code point order); listings come in that order.
 *
 * A key and a prefix with the same name ("a" and "a/b")
 * -----------------------------------------------------
 * A directory of files cannot hold a file "a" and a directory "a" at once; a table can. Each plugin declares
 * which it does: with TOTE_CAP_KEY_AND_PREFIX, "a" and "a/b" may coexist; without it, a write, append or rename
 * that would make a key also a prefix (or the reverse) fails with TOTE_CONFLICT and changes nothing. The
 * conformance suite tests each mode.
 */
#ifndef TOTE_PLUGIN_H
#define TOTE_PLUGIN_H

#include <stddef.h>
#include <stdint.h>

#ifdef __cplusplus
extern "C" {
#endif

/* ---------------------------------------------------------------------------------------------------------------
 * Versions and the entry point
 * ------------------------------------------------------------------------------------------------------------- */

#define TOTE_ABI_MAJOR 1
#define TOTE_ABI_MINOR 1
#define TOTE_ABI_VERSION ((uint32_t)(((uint32_t)TOTE_ABI_MAJOR << 16) | (uint32_t)TOTE_ABI_MINOR))
#define TOTE_ABI_VERSION_MAJOR(v) ((uint32_t)(v) >> 16)
#define TOTE_ABI_VERSION_MINOR(v) ((uint32_t)(v)&0xFFFFu)

/* The one symbol a plugin exports. */
#define TOTE_PLUGIN_ENTRY_NAME "tote_plugin_entry"

#if defined(_WIN32) || defined(__CYGWIN__)
#define TOTE_PLUGIN_EXPORT __declspec(dllexport)
#elif defined(__GNUC__) || defined(__clang__)
#define TOTE_PLUGIN_EXPORT __attribute__((visibility("default")))
#else
#define TOTE_PLUGIN_EXPORT
#endif

/* Limits on keys, enforced by the host (see "Keys" above). */
#define TOTE_KEY_MAX 1024
#define TOTE_SEGMENT_MAX 255

/* ---------------------------------------------------------------------------------------------------------------
 * Status codes. A closed set: values are never renumbered; new ones are only appended in a minor version.
 *
 * TOTE_STATUS_LIST is the one place the set is written down: X(NAME, name, value, minor, text) for each code, where
 * TOTE_<NAME> is the C constant, name the short identifier bindings use (tote::Status::name), minor the ABI minor
 * version that added it, and text what a message calls it. Everything else (the enum below, the host's names and
 * exit codes, the documentation tables and their tests) is generated from this list or checked against it.
 * ------------------------------------------------------------------------------------------------------------- */

typedef int32_t tote_status;

#define TOTE_STATUS_LIST(X)                                                                                       \
    X(OK, ok, 0, 0, "ok")                                                                                         \
    /* the key (or the store, at open) does not exist */                                                         \
    X(NOT_FOUND, not_found, 1, 0, "not found")                                                                    \
    /* a create-only write or no-replace rename found the key present */                                         \
    X(ALREADY_EXISTS, already_exists, 2, 0, "already exists")                                                     \
    /* a compare-version write found another version (or no key); a conditional append another size */           \
    X(PRECONDITION_FAILED, precondition_failed, 3, 0, "precondition failed")                                      \
    /* the key is also a prefix of other keys, or the reverse (see above) */                                      \
    X(CONFLICT, conflict, 4, 0, "conflict")                                                                        \
    /* bad key, option, flag or location */                                                                       \
    X(INVALID_ARGUMENT, invalid_argument, 5, 0, "invalid argument")                                               \
    /* the OS, the server or a read-only store refused */                                                         \
    X(PERMISSION_DENIED, permission_denied, 6, 0, "permission denied")                                            \
    /* locked by someone else; retrying later may succeed */                                                      \
    X(BUSY, busy, 7, 0, "busy")                                                                                    \
    /* disk or quota full */                                                                                      \
    X(NO_SPACE, no_space, 8, 0, "no space")                                                                        \
    /* an I/O error from the OS or the engine */                                                                  \
    X(IO, io, 9, 0, "I/O error")                                                                                   \
    /* stored data is damaged, or the location is not a store of this kind */                                     \
    X(CORRUPT, corrupt, 10, 0, "corrupt")                                                                          \
    /* the operation or flag is not offered by this backend */                                                    \
    X(UNSUPPORTED, unsupported, 11, 0, "unsupported")                                                             \
    /* a server cannot be reached (and nothing was applied) */                                                    \
    X(UNAVAILABLE, unavailable, 12, 0, "unavailable")                                                             \
    /* a deadline passed */                                                                                       \
    X(TIMEOUT, timeout, 13, 0, "timeout")                                                                          \
    /* a bug, out of memory, or any unexpected failure */                                                         \
    X(INTERNAL, internal, 14, 0, "internal error")                                                                \
    /* 1.1: the operation may or may not have been applied: the connection was lost after a request that is not  \
     * safe to repeat (an append, a conditional write, a commit) was sent. Only to a host that announced >= 1.1;  \
     * an older host gets TOTE_UNAVAILABLE with the same message. */                                              \
    X(UNKNOWN_OUTCOME, unknown_outcome, 15, 1, "unknown outcome")

#define TOTE_STATUS_ENUM_(NAME, name, value, minor, text) TOTE_##NAME = value,
enum { TOTE_STATUS_LIST(TOTE_STATUS_ENUM_) };
#undef TOTE_STATUS_ENUM_

/* The largest status code of this header's version (codes above it come from a newer plugin). */
#define TOTE_STATUS_MAX TOTE_UNKNOWN_OUTCOME

/* ---------------------------------------------------------------------------------------------------------------
 * Capabilities: what a plugin offers. The host never calls a function whose capability is not declared, and
 * refuses a plugin that declares a capability but leaves its function pointer NULL.
 *
 * TOTE_CAPABILITY_LIST is the one place the set is written down: X(NAME, bit, minor, text) for each, where
 * TOTE_CAP_<NAME> = 1 << bit is the flag, minor the ABI minor version that added it, and text its name in listings
 * ("tote plugins"). Optional features that are functions live in extensions instead (in tote/ext/): offering the
 * extension is the capability.
 *
 * "Race-free between processes" (create-only, compare-version, conditional appends) means: of any number of
 * concurrent callers that can see the store, through any handles, exactly the ones the rule allows succeed. For a
 * store only one process can see (one kept in that process's memory), that is every thread and handle of it.
 * ------------------------------------------------------------------------------------------------------------- */

#define TOTE_CAPABILITY_LIST(X)                                                                                   \
    /* write() and remove() (read and stat are always offered) */                                                \
    X(WRITE, 0, 0, "write")                                                                                        \
    /* append() */                                                                                                \
    X(APPEND, 1, 0, "append")                                                                                      \
    /* list() */                                                                                                  \
    X(LIST, 2, 0, "list")                                                                                          \
    /* rename(), atomic */                                                                                        \
    X(RENAME, 3, 0, "rename")                                                                                      \
    /* TOTE_WRITE_CREATE_ONLY, race-free between processes */                                                    \
    X(CREATE_ONLY, 4, 0, "create-only")                                                                            \
    /* TOTE_WRITE_IF_VERSION, race-free between processes */                                                     \
    X(COMPARE_VERSION, 5, 0, "compare-version")                                                                    \
    /* get_extension(TOTE_EXT_BATCH) gives tote_batch_ext */                                                     \
    X(ATOMIC_BATCH, 6, 0, "atomic-batch")                                                                          \
    /* one store may be used by several threads at once */                                                        \
    X(THREAD_SAFE, 7, 0, "thread-safe")                                                                            \
    /* "a" and "a/b" may coexist (see above) */                                                                   \
    X(KEY_AND_PREFIX, 8, 0, "key-and-prefix")                                                                      \
    /* data outlives close(): absent for a memory-only store */                                                   \
    X(PERSISTENT, 9, 0, "persistent")                                                                              \
    /* 1.1: TOTE_WRITE_EXPIRES: a key written with an expiry time is gone for every operation from then on */     \
    X(EXPIRY, 10, 1, "expiry")

#define TOTE_CAP_ENUM_(NAME, bit, minor, text) TOTE_CAP_##NAME = 1 << (bit),
enum { TOTE_CAPABILITY_LIST(TOTE_CAP_ENUM_) };
#undef TOTE_CAP_ENUM_

/* How the host treats the part of a URL after "scheme://". */
#define TOTE_LOCATION_PATH 1 /* a filesystem path: the host resolves it to an absolute path first */
#define TOTE_LOCATION_URL 2  /* anything else: passed on untouched */

/* ---------------------------------------------------------------------------------------------------------------
 * Small structs
 * ------------------------------------------------------------------------------------------------------------- */

/* Per-call context, supplied by the host to every operation. */
typedef struct tote_call {
    uint32_t struct_size;
    uint32_t reserved; /* zero */
    void *host_data;   /* the host's; do not touch */
    /* Attach a message to the status about to be returned. msg need not be NUL-terminated; the host copies it.
     * May be called several times; the last message wins. [callback] */
    void (*set_error)(const struct tote_call *call, const char *msg, size_t len);
} tote_call;
#define TOTE_CALL_SIZE_1_0 (offsetof(tote_call, set_error) + sizeof(void (*)(void)))

/* Receives the bytes of a value, in order, in one or more pieces. Returns 0 to go on; non-zero asks the plugin to
 * stop: the plugin then calls it no more, releases what it holds and returns TOTE_OK. A plugin never calls it with
 * len 0, so an empty value is no call at all (hosts ignore a zero-length call from an older plugin). [callback] */
typedef int (*tote_write_fn)(void *ctx, const void *data, size_t len);

#define TOTE_KIND_KEY 1    /* a key holding a value */
#define TOTE_KIND_PREFIX 2 /* not a key, but the prefix ("directory") of at least one key */

/* What stat() reports. The host sets struct_size; the plugin fills the fields that fit within it. */
typedef struct tote_stat {
    uint32_t struct_size;
    uint32_t kind;    /* TOTE_KIND_* */
    uint64_t size;    /* bytes in the value; 0 for a prefix */
    /* Last modification of the value, nanoseconds since the Unix epoch; 0 if unknown or a prefix. A write or an
     * append sets it; a rename does not (the value moves unchanged, with its mtime_ns and version). */
    int64_t mtime_ns;
    /* An opaque, non-zero tag of the value's current state; 0 for a prefix. Two stats of a key that give the same
     * version saw the same value; every write that changes the value changes it (a write of identical bytes may or
     * may not). This is what TOTE_WRITE_IF_VERSION compares, so a version is never reused within a store for
     * another value: not by another key, not after a rename (the destination takes the moved value's version,
     * which no other value of the store has), not after a remove and a new write of the same key. A per-key
     * counter breaks this (after "write b", "write a", "rename a to b", b would come back to an old version of b):
     * use a store-wide counter, a random 64-bit tag, or something derived from a file's identity. */
    uint64_t version;
    /* Fields above are valid for ABI 1.0. */
    /* 1.1: when the value expires, ns since the Unix epoch; 0 for none (see TOTE_WRITE_EXPIRES) */
    int64_t expires_ns;
} tote_stat;
#define TOTE_STAT_SIZE_1_0 (offsetof(tote_stat, version) + sizeof(uint64_t))

/* One entry of a listing, passed to a tote_entry_fn. Valid only during that callback. */
typedef struct tote_entry {
    uint32_t struct_size;
    uint32_t kind;   /* TOTE_KIND_KEY, or TOTE_KIND_PREFIX in a one-level listing */
    const char *key; /* the full key from the store root; a prefix entry ends with '/' ("runs/") */
    size_t key_len;
} tote_entry;
#define TOTE_ENTRY_SIZE_1_0 (offsetof(tote_entry, key_len) + sizeof(size_t))

/* Receives listing entries. Returns 0 to go on; non-zero asks the plugin to stop (it then returns TOTE_OK).
 * [callback] */
typedef int (*tote_entry_fn)(void *ctx, const tote_entry *entry);

/* ---------------------------------------------------------------------------------------------------------------
 * Options: a plugin publishes the keys it accepts; the host checks names and types before open().
 * ------------------------------------------------------------------------------------------------------------- */

#define TOTE_TYPE_BOOL 1
#define TOTE_TYPE_INT 2
#define TOTE_TYPE_FLOAT 3
#define TOTE_TYPE_STRING 4

/* One accepted option. Arrays of these end with an element whose name is NULL. This struct is frozen for ABI 1:
 * it never grows (a later need gets a new field in tote_plugin). */
typedef struct tote_option_spec {
    const char *name;          /* [a-z][a-z0-9_]* */
    uint32_t type;             /* TOTE_TYPE_*; an INT value is also accepted where FLOAT is declared */
    uint32_t reserved;         /* zero */
    const char *default_value; /* as text, for help and listings; may be NULL */
    const char *description;   /* one line */
} tote_option_spec;

/* One option value given to open(). Frozen for ABI 1, like tote_option_spec. */
typedef struct tote_option_value {
    const char *name;
    uint32_t type;             /* the declared type (an INT given for a FLOAT option arrives as FLOAT) */
    uint32_t reserved;         /* zero */
    int64_t int_value;         /* TOTE_TYPE_INT, and TOTE_TYPE_BOOL as 0 or 1 */
    double float_value;        /* TOTE_TYPE_FLOAT */
    const char *string_value;  /* TOTE_TYPE_STRING, NUL-terminated at [string_len] */
    size_t string_len;
} tote_option_value;

/* ---------------------------------------------------------------------------------------------------------------
 * Operation parameters
 * ------------------------------------------------------------------------------------------------------------- */

#define TOTE_OPEN_CREATE 0x1u    /* create the store if it does not exist; without it, a missing store is NOT_FOUND */
#define TOTE_OPEN_READ_ONLY 0x2u /* never modify stored data; the host sends no write of any kind. An engine's own
                                    side files (SQLite's -wal/-shm) may still appear. */
/* The host never sets both flags at once. */

typedef struct tote_open_params {
    uint32_t struct_size;
    uint32_t flags;                   /* TOTE_OPEN_* */
    const char *url;                  /* the whole URL, for messages ("json:///srv/evals") */
    const char *location;             /* after "scheme://": an absolute path for TOTE_LOCATION_PATH */
    /* The options set for this store (its config's options table), each checked against the plugin's option list
     * for name and type. Options that were not set do not arrive: apply their defaults yourself. */
    const tote_option_value *options;
    size_t option_count;
} tote_open_params;
#define TOTE_OPEN_PARAMS_SIZE_1_0 (offsetof(tote_open_params, option_count) + sizeof(size_t))

#define TOTE_WRITE_CREATE_ONLY 0x1u /* fail with ALREADY_EXISTS if the key exists */
#define TOTE_WRITE_IF_VERSION 0x2u  /* fail with PRECONDITION_FAILED unless the key exists at expected_version */
/* 1.1, only to a plugin declaring TOTE_CAP_EXPIRY: the value expires at expires_ns. From that moment the key is
 * gone for every operation (read, stat, list, remove and rename see nothing; a create-only write succeeds; a
 * compare-version write fails), whenever the backend physically removes it. A write without the flag stores a
 * value that never expires; an append keeps the expiry of the value it extends; a rename moves it with the value.
 * An expiry time at or before now makes the write take effect and the key vanish at once. */
#define TOTE_WRITE_EXPIRES 0x4u
/* 1.1, only in a batch, and only to a plugin whose tote_batch_ext declares TOTE_BATCH_REMOVES (tote/ext/batch.h):
 * the op removes key instead of writing it (value, expected_version and expires_ns are ignored; no other flag is
 * set). A key that does not exist is not an error: the op then changes nothing. */
#define TOTE_WRITE_REMOVE 0x8u

/* One write: used by write() and by batches. Read expires_ns only if struct_size covers it. */
typedef struct tote_write_op {
    uint32_t struct_size;
    uint32_t flags; /* TOTE_WRITE_*; at most one of CREATE_ONLY and IF_VERSION */
    const char *key;
    size_t key_len;
    const void *value;
    size_t value_len;
    uint64_t expected_version; /* with TOTE_WRITE_IF_VERSION */
    /* Fields above are valid for ABI 1.0. */
    int64_t expires_ns; /* 1.1, with TOTE_WRITE_EXPIRES: ns since the Unix epoch */
} tote_write_op;
#define TOTE_WRITE_OP_SIZE_1_0 (offsetof(tote_write_op, expected_version) + sizeof(uint64_t))

#define TOTE_LIST_RECURSIVE 0x1u /* every key under the prefix; without it, one level with sub-prefixes */

typedef struct tote_list_params {
    uint32_t struct_size;
    uint32_t flags;          /* TOTE_LIST_* */
    const char *prefix;      /* "" for the whole store, else a key followed by '/' ("runs/"); never NULL,
                                NUL-terminated */
    size_t prefix_len;
    const char *start_after; /* resume: only entries whose key (with its '/' for a prefix) sorts after this; any
                                bytes, not necessarily a key; NUL-terminated */
    size_t start_after_len;  /* 0: from the start */
} tote_list_params;
#define TOTE_LIST_PARAMS_SIZE_1_0 (offsetof(tote_list_params, start_after_len) + sizeof(size_t))

#define TOTE_REMOVE_RECURSIVE 0x1u /* also every key under key + '/' */
#define TOTE_RENAME_NO_REPLACE 0x1u /* fail with ALREADY_EXISTS if the destination exists */

/* ---------------------------------------------------------------------------------------------------------------
 * The plugin descriptor and function table
 * ------------------------------------------------------------------------------------------------------------- */

typedef struct tote_store tote_store; /* opaque: defined by each plugin */

typedef struct tote_plugin {
    uint32_t struct_size;   /* sizeof(tote_plugin) as the plugin was compiled */
    uint32_t abi_version;   /* TOTE_ABI_VERSION as the plugin was compiled */
    uint64_t capabilities;  /* TOTE_CAP_* */
    uint32_t location_kind; /* TOTE_LOCATION_* */
    uint32_t reserved;      /* zero */
    const char *name;        /* short identifier, [a-z][a-z0-9_-]*: "json" */
    const char *version;     /* the plugin's own version: "1.2.0" */
    const char *description; /* one line */
    const char *const *schemes;       /* URL schemes served, NULL-terminated, [a-z][a-z0-9+.-]*: {"json", NULL} */
    const tote_option_spec *options;  /* accepted options, ended by a NULL name; NULL for none */

    /* Open (and with TOTE_OPEN_CREATE, create) the store at params->location. On TOTE_OK, *out holds a store
     * that must later be given to close(); on failure *out is untouched and nothing needs closing.
     * Errors: NOT_FOUND (missing, without CREATE), INVALID_ARGUMENT (bad location or option value),
     * CORRUPT (the location holds something that is not a store of this kind), PERMISSION_DENIED, IO, ... .
     * [any-thread] */
    tote_status (*open)(const tote_open_params *params, const tote_call *call, tote_store **out);

    /* Release the store. Always succeeds; no call on it follows or runs concurrently. [store] */
    void (*close)(tote_store *store);

    /* Stream the value of key into sink. On TOTE_OK every byte has been passed (unless the sink asked to stop)
     * and, if stat_out is not NULL, it describes the value that was read. On failure some bytes may already have
     * been passed; the host discards them. Reading a prefix that is not also a key is NOT_FOUND. An empty value
     * calls the sink not at all. [store] */
    tote_status (*read)(tote_store *store, const tote_call *call, const char *key, size_t key_len,
                        tote_write_fn sink, void *sink_ctx, tote_stat *stat_out);

    /* Replace (or create) the value of op->key with op->value, atomically: a reader or a crash sees the old value
     * or the new one, never a mix. With TOTE_WRITE_CREATE_ONLY: ALREADY_EXISTS if the key exists. With
     * TOTE_WRITE_IF_VERSION: PRECONDITION_FAILED unless the key exists with version op->expected_version. On
     * TOTE_OK, *new_version (if not NULL) is the version of the value just written. CONFLICT: see above.
     * [store] requires TOTE_CAP_WRITE */
    tote_status (*write)(tote_store *store, const tote_call *call, const tote_write_op *op, uint64_t *new_version);

    /* Append data to the value of key, creating the key if it is absent. [store] requires TOTE_CAP_APPEND */
    tote_status (*append)(tote_store *store, const tote_call *call, const char *key, size_t key_len,
                          const void *data, size_t data_len);

    /* Describe key. A key gives TOTE_KIND_KEY; a name that is not a key but prefixes keys gives
     * TOTE_KIND_PREFIX (with TOTE_CAP_KEY_AND_PREFIX a name that is both reports KEY); otherwise NOT_FOUND. [store] */
    tote_status (*stat)(tote_store *store, const tote_call *call, const char *key, size_t key_len, tote_stat *out);

    /* Stream, in key order, the entries under params->prefix that sort after params->start_after. Recursive: every
     * key. One level: each key directly under the prefix, and once each sub-prefix ("runs/") holding at least one
     * key. Listing a prefix with nothing under it is TOTE_OK with no entry. Entries are not a snapshot: a key
     * written or removed during the listing may or may not appear. [store] requires TOTE_CAP_LIST */
    tote_status (*list)(tote_store *store, const tote_call *call, const tote_list_params *params,
                        tote_entry_fn on_entry, void *ctx);

    /* Remove key; with TOTE_REMOVE_RECURSIVE also every key under key + '/'. NOT_FOUND if nothing was removed.
     * [store] requires TOTE_CAP_WRITE */
    tote_status (*remove)(tote_store *store, const tote_call *call, const char *key, size_t key_len,
                          uint32_t flags);

    /* Move the value of key from to key to, atomically, replacing to unless TOTE_RENAME_NO_REPLACE. The value and
     * its version move with it. NOT_FOUND if from is not a key (also when from == to); otherwise from == to is
     * TOTE_OK and changes nothing. CONFLICT as for write() when an ancestor of to is a key or to is a prefix;
     * whether moving a key to or from its own descendant ("a" to "a/b") conflicts is left to the plugin. The
     * value keeps its mtime_ns and version (and, 1.1, its expiry).
     * [store] requires TOTE_CAP_RENAME */
    tote_status (*rename)(tote_store *store, const tote_call *call, const char *from, size_t from_len,
                          const char *to, size_t to_len, uint32_t flags);

    /* The extension struct for id ("tote.batch/1"), or NULL if not offered. The pointer stays valid while the
     * library is loaded. May itself be NULL when the plugin offers no extension. [any-thread] */
    const void *(*get_extension)(const char *id);

    /* Fields above are valid for ABI 1.0. Later minor versions append below this line only. */
} tote_plugin;

/* The smallest descriptor an ABI 1.x host accepts: everything up to and including get_extension. */
#define TOTE_PLUGIN_SIZE_1_0 (offsetof(tote_plugin, get_extension) + sizeof(void *))

/* Returns the descriptor, or NULL if the plugin cannot serve a host speaking host_abi_version (the host then
 * reports the file as refused). Called once per load, before anything else; a process may load a plugin from
 * several hosts, so serve the lowest version any of them announced. It may run in a short-lived scanning process
 * that only reads the descriptor: do no work here beyond returning it. [any-thread] */
typedef const tote_plugin *(*tote_plugin_entry_fn)(uint32_t host_abi_version);

TOTE_PLUGIN_EXPORT const tote_plugin *tote_plugin_entry(uint32_t host_abi_version);

#ifdef __cplusplus
} /* extern "C" */
#endif

#endif /* TOTE_PLUGIN_H */
