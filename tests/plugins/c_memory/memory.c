/* SPDX-License-Identifier: Apache-2.0 */
/*
 * memory.c — "cmem", an in-memory tote backend written in pure C99 against tote_plugin.h alone (test fixture).
 *
 * It proves that a plugin written in C, with nothing but the C ABI header, loads and works, and it gives the
 * conformance suite a backend in the strict key/prefix mode (no TOTE_CAP_KEY_AND_PREFIX): "a" and "a/b" never
 * coexist, and a write, append or rename that would make them coexist fails with TOTE_CONFLICT, changing nothing.
 *
 *   URL          cmem://<name>   (TOTE_LOCATION_URL: the location is the store's name, any non-empty string)
 *   capabilities WRITE | APPEND | LIST | RENAME | CREATE_ONLY | COMPARE_VERSION
 *                (not KEY_AND_PREFIX, not ATOMIC_BATCH, not THREAD_SAFE, not PERSISTENT, not EXPIRY)
 *   extensions   (ABI 1.1) tote.read_range/1, tote.append/1, tote.list_batch/1, tote.admin/1 (drop, info)
 *   options      max_bytes (int, default 0 = unlimited): a write or append that would bring the total size of
 *                all values in the store above it fails with TOTE_NO_SPACE and changes nothing (a "full disk").
 *                The limit belongs to the open handle that was given it, not to the store's data.
 *
 * Stores live in a process-wide registry keyed by name, so data survives close() and a later open() of the same
 * name in the same process. The registry is never freed (it stays reachable until exit). Each open() returns its
 * own small handle pointing at the shared data; close() frees only the handle. Because two handles on one store
 * may be used from two threads (the host serialises calls per handle only), each store's data has its own mutex.
 * That mutex is never held while a host callback (value sink, listing callback) runs: values are reference
 * counted so a reader can stream one while another handle replaces it, and listings find their place again by
 * name after every callback. So a callback may even use another handle on the same store.
 *
 * Keys are kept in one array sorted by memcmp-then-length order (the order tote requires), searched by binary
 * search; inserts and deletes memmove. Simple and correct beats fast here.
 *
 * One source, two ABI versions: built against the frozen ABI 1.0 headers (tests/compat/abi-1.0), the parts under
 * "#if TOTE_ABI_MINOR >= 1" compile out and the result is exactly a 1.0 plugin, which the compatibility tests
 * load into the current host. Built against the current headers it also serves the 1.1 extensions.
 */
#define _POSIX_C_SOURCE 200809L

#include <tote/tote_plugin.h>
#if TOTE_ABI_MINOR >= 1
#include <tote/ext/admin.h>
#include <tote/ext/append.h>
#include <tote/ext/list_batch.h>
#include <tote/ext/read_range.h>
#endif

#include <pthread.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#if defined(__GNUC__) || defined(__clang__)
#define CMEM_PRINTF(f, a) __attribute__((format(printf, f, a)))
#else
#define CMEM_PRINTF(f, a)
#endif

/* Largest piece handed to a value sink at once: values above it reach the sink in several pieces. */
#define CMEM_CHUNK ((size_t)64 * 1024)
/* Longest store name accepted. */
#define CMEM_NAME_MAX 4096

/* ---------------------------------------------------------------------------------------------------------------
 * Data structures
 * ------------------------------------------------------------------------------------------------------------- */

/* A value's bytes, reference counted so a reader can stream it without holding the store's mutex. refs and the
 * bytes are only changed with the store's mutex held; bytes are only changed in place while refs == 1. */
typedef struct cmem_blob {
    size_t refs;
    size_t len;
    size_t cap;
    unsigned char bytes[]; /* [cap], of which [len] are the value */
} cmem_blob;

typedef struct cmem_entry {
    char *key; /* NUL-terminated copy, for messages */
    size_t key_len;
    cmem_blob *value;
    uint64_t version;
    int64_t mtime_ns;
} cmem_entry;

/* One named store's data, shared by every handle opened on it. Never freed (a dropped store is only taken out of
 * the registry: handles still open on it keep working on the orphaned data). */
typedef struct cmem_data {
    struct cmem_data *next; /* registry list */
    char *name;
    size_t name_len;
    pthread_mutex_t mutex; /* guards everything below */
    cmem_entry *entries;   /* sorted by key */
    size_t count;
    size_t capacity;
    uint64_t last_version; /* store-wide counter; the next write gets last_version + 1 (never 0) */
    uint64_t total_bytes;  /* sum of all value lengths */
} cmem_data;

/* What open() hands out. */
struct tote_store {
    cmem_data *data;
    int read_only;
    uint64_t max_bytes; /* 0: unlimited */
};

static pthread_mutex_t registry_mutex = PTHREAD_MUTEX_INITIALIZER;
static cmem_data *registry = NULL; /* process lifetime: deliberately never freed */
#if TOTE_ABI_MINOR >= 1
static cmem_data *dropped = NULL; /* dropped stores, still reachable for the handles open on them */
#endif

/* ---------------------------------------------------------------------------------------------------------------
 * Small helpers
 * ------------------------------------------------------------------------------------------------------------- */

CMEM_PRINTF(3, 4)
static tote_status fail(const tote_call *call, tote_status status, const char *format, ...) {
    char message[3 * TOTE_KEY_MAX + 256];
    va_list args;
    int n;
    if (call == NULL || call->struct_size < offsetof(tote_call, set_error) + sizeof call->set_error ||
        call->set_error == NULL)
        return status;
    va_start(args, format);
    n = vsnprintf(message, sizeof message, format, args);
    va_end(args);
    if (n < 0) return status;
    if ((size_t)n >= sizeof message) n = (int)(sizeof message - 1);
    call->set_error(call, message, (size_t)n);
    return status;
}

/* For "%.*s": key lengths are bounded by TOTE_KEY_MAX, so the cast is safe. */
static int ilen(size_t len) { return len > (size_t)TOTE_KEY_MAX * 4 ? TOTE_KEY_MAX * 4 : (int)len; }

/* memcmp over the common bytes, then the shorter first: the key order tote requires. */
static int compare_bytes(const char *a, size_t a_len, const char *b, size_t b_len) {
    size_t n = a_len < b_len ? a_len : b_len;
    int c = n ? memcmp(a, b, n) : 0;
    if (c != 0) return c;
    return a_len < b_len ? -1 : (a_len > b_len ? 1 : 0);
}

static int has_prefix(const char *s, size_t s_len, const char *prefix, size_t prefix_len) {
    return s_len >= prefix_len && (prefix_len == 0 || memcmp(s, prefix, prefix_len) == 0);
}

/* The first entry whose key is >= key. */
static size_t lower_bound(const cmem_data *d, const char *key, size_t key_len) {
    size_t lo = 0, hi = d->count;
    while (lo < hi) {
        size_t mid = lo + (hi - lo) / 2;
        if (compare_bytes(d->entries[mid].key, d->entries[mid].key_len, key, key_len) < 0)
            lo = mid + 1;
        else
            hi = mid;
    }
    return lo;
}

/* The first entry whose key is > key. */
static size_t upper_bound(const cmem_data *d, const char *key, size_t key_len) {
    size_t lo = 0, hi = d->count;
    while (lo < hi) {
        size_t mid = lo + (hi - lo) / 2;
        if (compare_bytes(d->entries[mid].key, d->entries[mid].key_len, key, key_len) <= 0)
            lo = mid + 1;
        else
            hi = mid;
    }
    return lo;
}

/* The index of key, or d->count if it is not a key. */
static size_t find_key(const cmem_data *d, const char *key, size_t key_len) {
    size_t i = lower_bound(d, key, key_len);
    if (i < d->count && compare_bytes(d->entries[i].key, d->entries[i].key_len, key, key_len) == 0) return i;
    return d->count;
}

/* The range [*first, *end) of keys that start with name + "/": those sort in [name + "/", name + "0"), since '0'
 * is the byte after '/'. name_len is at most TOTE_KEY_MAX. */
static void children(const cmem_data *d, const char *name, size_t name_len, size_t *first, size_t *end) {
    char bound[TOTE_KEY_MAX + 2];
    memcpy(bound, name, name_len);
    bound[name_len] = '/';
    *first = lower_bound(d, bound, name_len + 1);
    bound[name_len] = '0';
    *end = lower_bound(d, bound, name_len + 1);
}

/* The first key under name + "/" other than the entry at index ignore, or NULL. */
static const cmem_entry *first_child(const cmem_data *d, const char *name, size_t name_len, size_t ignore) {
    size_t first, end;
    children(d, name, name_len, &first, &end);
    if (first == ignore) ++first;
    return first < end ? &d->entries[first] : NULL;
}

static int64_t now_ns(void) {
    struct timespec ts;
    if (clock_gettime(CLOCK_REALTIME, &ts) != 0) return 0;
    return (int64_t)ts.tv_sec * 1000000000 + (int64_t)ts.tv_nsec;
}

static uint64_t next_version(cmem_data *d) {
    if (++d->last_version == 0) ++d->last_version; /* never 0 (after 2^64 writes, but still) */
    return d->last_version;
}

/* A blob with room for cap bytes, holding none yet; NULL if out of memory. */
static cmem_blob *blob_alloc(size_t cap) {
    cmem_blob *b;
    if (cap > (size_t)-1 - sizeof(cmem_blob)) return NULL;
    b = (cmem_blob *)malloc(sizeof(cmem_blob) + cap);
    if (b == NULL) return NULL;
    b->refs = 1;
    b->len = 0;
    b->cap = cap;
    return b;
}

static cmem_blob *blob_new(const void *bytes, size_t len) {
    cmem_blob *b = blob_alloc(len);
    if (b == NULL) return NULL;
    if (len) memcpy(b->bytes, bytes, len);
    b->len = len;
    return b;
}

/* Drops one reference; the store's mutex is held. */
static void blob_release(cmem_blob *b) {
    if (b != NULL && --b->refs == 0) free(b);
}

static char *copy_key(const char *key, size_t key_len) {
    char *k = (char *)malloc(key_len + 1);
    if (k == NULL) return NULL;
    memcpy(k, key, key_len);
    k[key_len] = '\0';
    return k;
}

/* Makes room for one more entry. Returns 0 on allocation failure (nothing changed). */
static int reserve_one(cmem_data *d) {
    size_t capacity;
    cmem_entry *grown;
    if (d->count < d->capacity) return 1;
    capacity = d->capacity ? d->capacity * 2 : 16;
    if (capacity > (size_t)-1 / sizeof(cmem_entry)) return 0;
    grown = (cmem_entry *)realloc(d->entries, capacity * sizeof(cmem_entry));
    if (grown == NULL) return 0;
    d->entries = grown;
    d->capacity = capacity;
    return 1;
}

/* Inserts e at index i; room was reserved. */
static void insert_at(cmem_data *d, size_t i, const cmem_entry *e) {
    memmove(&d->entries[i + 1], &d->entries[i], (d->count - i) * sizeof(cmem_entry));
    d->entries[i] = *e;
    ++d->count;
}

/* Removes the entries [first, end), freeing their keys and dropping their values. */
static void erase_range(cmem_data *d, size_t first, size_t end) {
    size_t i;
    if (first >= end) return;
    for (i = first; i < end; ++i) {
        d->total_bytes -= d->entries[i].value->len;
        blob_release(d->entries[i].value);
        free(d->entries[i].key);
    }
    memmove(&d->entries[first], &d->entries[end], (d->count - end) * sizeof(cmem_entry));
    d->count -= end - first;
}

/* The ABI-1.0 parts of a struct that starts with struct_size must be present. */
#define HAS_FIELD(ptr, type, field) ((ptr)->struct_size >= offsetof(type, field) + sizeof((ptr)->field))

/* Checks a key from the host (it validates keys; this only guards our own buffers). */
static tote_status check_key(const tote_call *call, const char *key, size_t key_len) {
    if (key == NULL || key_len == 0) return fail(call, TOTE_INVALID_ARGUMENT, "empty key");
    if (key_len > TOTE_KEY_MAX)
        return fail(call, TOTE_INVALID_ARGUMENT, "key of %lu bytes is longer than %d", (unsigned long)key_len,
                    TOTE_KEY_MAX);
    return TOTE_OK;
}

/* Strict key/prefix mode: may key become a key, given the current keys minus the entry at index ignore (pass
 * d->count to ignore nothing)? key is not a key now. Returns TOTE_OK or TOTE_CONFLICT with a message. */
static tote_status check_conflict(const cmem_data *d, const tote_call *call, const char *who, const char *key,
                                  size_t key_len, size_t ignore) {
    size_t i;
    const cmem_entry *child;
    for (i = 1; i < key_len; ++i) {
        if (key[i] == '/') {
            size_t at = find_key(d, key, i);
            if (at < d->count && at != ignore)
                return fail(call, TOTE_CONFLICT,
                            "'%.*s' is a key, and the cmem backend cannot hold a key and a prefix with the same "
                            "name",
                            ilen(i), key);
        }
    }
    child = first_child(d, key, key_len, ignore);
    if (child != NULL)
        return fail(call, TOTE_CONFLICT,
                    "%s is the prefix of key '%.*s', and the cmem backend cannot hold a key and a prefix with the "
                    "same name",
                    who, ilen(child->key_len), child->key);
    return TOTE_OK;
}

/* Would the store grow past its limit if its values grew by add bytes and shrank by remove bytes? */
static int over_limit(const tote_store *s, uint64_t remove, uint64_t add) {
    uint64_t total;
    if (s->max_bytes == 0) return 0;
    total = s->data->total_bytes - remove;
    return add > s->max_bytes || total > s->max_bytes - add;
}

static tote_status no_space(const tote_store *s, const tote_call *call) {
    return fail(call, TOTE_NO_SPACE, "the store would exceed max_bytes = %llu (it holds %llu bytes)",
                (unsigned long long)s->max_bytes, (unsigned long long)s->data->total_bytes);
}

/* ---------------------------------------------------------------------------------------------------------------
 * open / close
 * ------------------------------------------------------------------------------------------------------------- */

static tote_status cmem_open(const tote_open_params *params, const tote_call *call, tote_store **out) {
    const uint32_t known_flags = TOTE_OPEN_CREATE | TOTE_OPEN_READ_ONLY;
    uint64_t max_bytes = 0;
    size_t i, name_len;
    int read_only, create;
    const char *name;
    cmem_data *d;
    tote_store *s;

    if (params == NULL || out == NULL || !HAS_FIELD(params, tote_open_params, option_count))
        return fail(call, TOTE_INVALID_ARGUMENT, "tote_open_params too small");
    if (params->flags & ~known_flags)
        return fail(call, TOTE_INVALID_ARGUMENT, "unknown open flags 0x%x", (unsigned)(params->flags & ~known_flags));
    read_only = (params->flags & TOTE_OPEN_READ_ONLY) != 0;
    create = (params->flags & TOTE_OPEN_CREATE) != 0 && !read_only; /* read-only never creates */

    name = params->location;
    if (name == NULL || name[0] == '\0') return fail(call, TOTE_INVALID_ARGUMENT, "empty store name");
    name_len = strlen(name);
    if (name_len > CMEM_NAME_MAX)
        return fail(call, TOTE_INVALID_ARGUMENT, "store name longer than %d bytes", CMEM_NAME_MAX);

    if (params->option_count != 0 && params->options == NULL)
        return fail(call, TOTE_INVALID_ARGUMENT, "option_count without options");
    for (i = 0; i < params->option_count; ++i) {
        const tote_option_value *o = &params->options[i];
        if (o->name != NULL && strcmp(o->name, "max_bytes") == 0) {
            if (o->type != TOTE_TYPE_INT)
                return fail(call, TOTE_INVALID_ARGUMENT, "option max_bytes must be an int");
            if (o->int_value < 0)
                return fail(call, TOTE_INVALID_ARGUMENT,
                            "option max_bytes must be 0 (unlimited) or more, not %lld",
                            (long long)o->int_value);
            max_bytes = (uint64_t)o->int_value;
        } else {
            return fail(call, TOTE_INVALID_ARGUMENT, "unknown option '%s'",
                        o->name ? o->name : "(null)");
        }
    }

    s = (tote_store *)malloc(sizeof *s);
    if (s == NULL) return fail(call, TOTE_INTERNAL, "out of memory");

    pthread_mutex_lock(&registry_mutex);
    for (d = registry; d != NULL; d = d->next)
        if (d->name_len == name_len && memcmp(d->name, name, name_len) == 0) break;
    if (d == NULL) {
        if (!create) {
            pthread_mutex_unlock(&registry_mutex);
            free(s);
            return fail(call, TOTE_NOT_FOUND, "no cmem store named '%s' in this process%s", name,
                        read_only ? " (opened read-only, so it is not created)" : " (open it with create)");
        }
        d = (cmem_data *)calloc(1, sizeof *d);
        if (d != NULL && (d->name = copy_key(name, name_len)) == NULL) {
            free(d);
            d = NULL;
        }
        if (d != NULL && pthread_mutex_init(&d->mutex, NULL) != 0) {
            free(d->name);
            free(d);
            d = NULL;
        }
        if (d == NULL) {
            pthread_mutex_unlock(&registry_mutex);
            free(s);
            return fail(call, TOTE_INTERNAL, "out of memory");
        }
        d->name_len = name_len;
        d->next = registry;
        registry = d;
    }
    pthread_mutex_unlock(&registry_mutex);

    s->data = d;
    s->read_only = read_only;
    s->max_bytes = max_bytes;
    *out = s;
    return TOTE_OK;
}

static void cmem_close(tote_store *store) { free(store); }

/* ---------------------------------------------------------------------------------------------------------------
 * read / stat
 * ------------------------------------------------------------------------------------------------------------- */

static void fill_stat(tote_stat *out, uint32_t kind, uint64_t size, int64_t mtime_ns, uint64_t version) {
    if (out == NULL) return;
    if (HAS_FIELD(out, tote_stat, kind)) out->kind = kind;
    if (HAS_FIELD(out, tote_stat, size)) out->size = size;
    if (HAS_FIELD(out, tote_stat, mtime_ns)) out->mtime_ns = mtime_ns;
    if (HAS_FIELD(out, tote_stat, version)) out->version = version;
}

/* Streams bytes [offset, offset + length) of the value (those that exist); read() is the whole range. */
static tote_status read_bytes(tote_store *store, const tote_call *call, const char *key, size_t key_len,
                              uint64_t offset, uint64_t length, tote_write_fn sink, void *sink_ctx,
                              tote_stat *stat_out) {
    cmem_data *d = store->data;
    cmem_blob *blob;
    uint64_t version;
    int64_t mtime_ns;
    size_t i, done, stop;
    tote_status status = check_key(call, key, key_len);
    if (status != TOTE_OK) return status;
    if (sink == NULL) return fail(call, TOTE_INVALID_ARGUMENT, "no sink");

    pthread_mutex_lock(&d->mutex);
    i = find_key(d, key, key_len);
    if (i == d->count) {
        size_t first, end;
        children(d, key, key_len, &first, &end);
        pthread_mutex_unlock(&d->mutex);
        return fail(call, TOTE_NOT_FOUND, first < end ? "it is a prefix, not a key" : "no such key");
    }
    blob = d->entries[i].value;
    ++blob->refs; /* keeps the bytes alive and unchanged while the mutex is released */
    version = d->entries[i].version;
    mtime_ns = d->entries[i].mtime_ns;
    pthread_mutex_unlock(&d->mutex);

    done = offset < blob->len ? (size_t)offset : blob->len;
    stop = length < blob->len - done ? done + (size_t)length : blob->len;
    while (done < stop) {
        size_t piece = stop - done < CMEM_CHUNK ? stop - done : CMEM_CHUNK;
        if (sink(sink_ctx, blob->bytes + done, piece) != 0) break; /* the host asked to stop */
        done += piece;
    }
    fill_stat(stat_out, TOTE_KIND_KEY, blob->len, mtime_ns, version);

    pthread_mutex_lock(&d->mutex);
    blob_release(blob);
    pthread_mutex_unlock(&d->mutex);
    return TOTE_OK;
}

static tote_status cmem_read(tote_store *store, const tote_call *call, const char *key, size_t key_len,
                             tote_write_fn sink, void *sink_ctx, tote_stat *stat_out) {
    return read_bytes(store, call, key, key_len, 0, (uint64_t)-1, sink, sink_ctx, stat_out);
}

static tote_status cmem_stat(tote_store *store, const tote_call *call, const char *key, size_t key_len,
                             tote_stat *out) {
    cmem_data *d = store->data;
    size_t i, first, end;
    tote_status status = check_key(call, key, key_len);
    if (status != TOTE_OK) return status;

    pthread_mutex_lock(&d->mutex);
    i = find_key(d, key, key_len);
    if (i < d->count) {
        const cmem_entry *e = &d->entries[i];
        fill_stat(out, TOTE_KIND_KEY, e->value->len, e->mtime_ns, e->version);
        pthread_mutex_unlock(&d->mutex);
        return TOTE_OK;
    }
    children(d, key, key_len, &first, &end);
    pthread_mutex_unlock(&d->mutex);
    if (first < end) {
        fill_stat(out, TOTE_KIND_PREFIX, 0, 0, 0);
        return TOTE_OK;
    }
    return fail(call, TOTE_NOT_FOUND, "no such key or prefix");
}

/* ---------------------------------------------------------------------------------------------------------------
 * write / append
 * ------------------------------------------------------------------------------------------------------------- */

static tote_status read_only_refusal(const tote_call *call) {
    return fail(call, TOTE_PERMISSION_DENIED, "the store is open read-only");
}

static tote_status cmem_write(tote_store *store, const tote_call *call, const tote_write_op *op,
                              uint64_t *new_version) {
    const uint32_t known_flags = TOTE_WRITE_CREATE_ONLY | TOTE_WRITE_IF_VERSION;
    cmem_data *d = store->data;
    cmem_blob *blob;
    cmem_entry fresh;
    size_t i;
    int exists;
    tote_status status;

    if (op == NULL || !HAS_FIELD(op, tote_write_op, expected_version))
        return fail(call, TOTE_INVALID_ARGUMENT, "tote_write_op too small");
    status = check_key(call, op->key, op->key_len);
    if (status != TOTE_OK) return status;
    if (op->flags & ~known_flags)
        return fail(call, TOTE_INVALID_ARGUMENT, "unknown write flags 0x%x",
                    (unsigned)(op->flags & ~known_flags));
    if ((op->flags & TOTE_WRITE_CREATE_ONLY) && (op->flags & TOTE_WRITE_IF_VERSION))
        return fail(call, TOTE_INVALID_ARGUMENT, "TOTE_WRITE_CREATE_ONLY and TOTE_WRITE_IF_VERSION exclude each other");
    if (op->value == NULL && op->value_len != 0)
        return fail(call, TOTE_INVALID_ARGUMENT, "no value");
    if (store->read_only) return read_only_refusal(call);

    pthread_mutex_lock(&d->mutex);
    i = lower_bound(d, op->key, op->key_len);
    exists = i < d->count && compare_bytes(d->entries[i].key, d->entries[i].key_len, op->key, op->key_len) == 0;
    if ((op->flags & TOTE_WRITE_CREATE_ONLY) && exists) {
        pthread_mutex_unlock(&d->mutex);
        return fail(call, TOTE_ALREADY_EXISTS, "the key exists");
    }
    if ((op->flags & TOTE_WRITE_IF_VERSION) && (!exists || d->entries[i].version != op->expected_version)) {
        if (exists)
            status = fail(call, TOTE_PRECONDITION_FAILED, "the key is at version %llu, not %llu",
                          (unsigned long long)d->entries[i].version, (unsigned long long)op->expected_version);
        else
            status = fail(call, TOTE_PRECONDITION_FAILED, "the key does not exist (expected version %llu)",
                          (unsigned long long)op->expected_version);
        pthread_mutex_unlock(&d->mutex);
        return status;
    }
    if (!exists) {
        status = check_conflict(d, call, "it", op->key, op->key_len, d->count);
        if (status != TOTE_OK) {
            pthread_mutex_unlock(&d->mutex);
            return status;
        }
    }
    if (over_limit(store, exists ? d->entries[i].value->len : 0, op->value_len)) {
        status = no_space(store, call);
        pthread_mutex_unlock(&d->mutex);
        return status;
    }

    /* Allocate everything first, so that a failure changes nothing. */
    blob = blob_new(op->value, op->value_len);
    fresh.key = NULL;
    if (blob != NULL && !exists) {
        fresh.key = copy_key(op->key, op->key_len);
        if (fresh.key == NULL || !reserve_one(d)) {
            free(fresh.key);
            blob_release(blob);
            blob = NULL;
        }
    }
    if (blob == NULL) {
        pthread_mutex_unlock(&d->mutex);
        return fail(call, TOTE_INTERNAL, "out of memory");
    }

    if (exists) {
        cmem_entry *e = &d->entries[i];
        d->total_bytes -= e->value->len;
        blob_release(e->value);
        e->value = blob;
        e->version = next_version(d);
        e->mtime_ns = now_ns();
    } else {
        fresh.key_len = op->key_len;
        fresh.value = blob;
        fresh.version = next_version(d);
        fresh.mtime_ns = now_ns();
        insert_at(d, i, &fresh);
    }
    d->total_bytes += blob->len;
    if (new_version != NULL) *new_version = d->entries[i].version;
    pthread_mutex_unlock(&d->mutex);
    return TOTE_OK;
}

/* Appends data to key. With if_size, only if the value is exactly *if_size bytes long (an absent key: 0). Reports
 * the value's old size and new version through offset_out and version_out (each may be NULL). */
static tote_status append_bytes(tote_store *store, const tote_call *call, const char *key, size_t key_len,
                                const void *data, size_t data_len, const uint64_t *if_size, uint64_t *offset_out,
                                uint64_t *version_out) {
    cmem_data *d = store->data;
    size_t i;
    tote_status status = check_key(call, key, key_len);
    if (status != TOTE_OK) return status;
    if (data == NULL && data_len != 0)
        return fail(call, TOTE_INVALID_ARGUMENT, "no data");
    if (store->read_only) return read_only_refusal(call);

    pthread_mutex_lock(&d->mutex);
    i = lower_bound(d, key, key_len);
    if (i < d->count && compare_bytes(d->entries[i].key, d->entries[i].key_len, key, key_len) == 0) {
        cmem_entry *e = &d->entries[i];
        cmem_blob *old = e->value;
        if (if_size != NULL && old->len != *if_size) {
            status = fail(call, TOTE_PRECONDITION_FAILED, "the value is %llu bytes long, not %llu",
                          (unsigned long long)old->len, (unsigned long long)*if_size);
            pthread_mutex_unlock(&d->mutex);
            return status;
        }
        if (offset_out != NULL) *offset_out = old->len;
        if (over_limit(store, 0, data_len) || data_len > (size_t)-1 - sizeof(cmem_blob) - old->len) {
            status = no_space(store, call);
            pthread_mutex_unlock(&d->mutex);
            return status;
        }
        if (old->refs == 1 && old->cap - old->len >= data_len) {
            /* Nobody is reading it and there is room: append in place. */
        } else if (old->refs == 1) {
            /* Nobody is reading it: grow it (doubling, so that many small appends stay cheap). */
            size_t cap = old->len + data_len;
            cmem_blob *grown;
            if (old->cap <= ((size_t)-1 - sizeof(cmem_blob)) / 2 && cap < old->cap * 2) cap = old->cap * 2;
            grown = (cmem_blob *)realloc(old, sizeof(cmem_blob) + cap);
            if (grown == NULL) {
                pthread_mutex_unlock(&d->mutex);
                return fail(call, TOTE_INTERNAL, "out of memory");
            }
            grown->cap = cap;
            e->value = grown;
        } else {
            /* A reader holds the old bytes: the new value is a new blob, and the reader keeps the old one. */
            cmem_blob *copy = blob_alloc(old->len + data_len);
            if (copy == NULL) {
                pthread_mutex_unlock(&d->mutex);
                return fail(call, TOTE_INTERNAL, "out of memory");
            }
            if (old->len) memcpy(copy->bytes, old->bytes, old->len);
            copy->len = old->len;
            blob_release(old);
            e->value = copy;
        }
        if (data_len) memcpy(e->value->bytes + e->value->len, data, data_len);
        e->value->len += data_len;
        d->total_bytes += data_len;
        e->version = next_version(d);
        e->mtime_ns = now_ns();
        if (version_out != NULL) *version_out = e->version;
        pthread_mutex_unlock(&d->mutex);
        return TOTE_OK;
    }

    /* Absent: the same as a plain write of data. */
    if (if_size != NULL && *if_size != 0) {
        pthread_mutex_unlock(&d->mutex);
        return fail(call, TOTE_PRECONDITION_FAILED, "the key does not exist (expected %llu bytes)",
                    (unsigned long long)*if_size);
    }
    if (offset_out != NULL) *offset_out = 0;
    status = check_conflict(d, call, "it", key, key_len, d->count);
    if (status == TOTE_OK && over_limit(store, 0, data_len)) status = no_space(store, call);
    if (status == TOTE_OK) {
        cmem_entry fresh;
        fresh.value = blob_new(data, data_len);
        fresh.key = fresh.value ? copy_key(key, key_len) : NULL;
        if (fresh.key == NULL || !reserve_one(d)) {
            free(fresh.key);
            blob_release(fresh.value);
            status = fail(call, TOTE_INTERNAL, "out of memory");
        } else {
            fresh.key_len = key_len;
            fresh.version = next_version(d);
            fresh.mtime_ns = now_ns();
            insert_at(d, i, &fresh);
            d->total_bytes += data_len;
            if (version_out != NULL) *version_out = fresh.version;
        }
    }
    pthread_mutex_unlock(&d->mutex);
    return status;
}

static tote_status cmem_append(tote_store *store, const tote_call *call, const char *key, size_t key_len,
                               const void *data, size_t data_len) {
    return append_bytes(store, call, key, key_len, data, data_len, NULL, NULL, NULL);
}

/* ---------------------------------------------------------------------------------------------------------------
 * list
 * ------------------------------------------------------------------------------------------------------------- */

/* A listing's receiver: one entry at a time (ABI 1.0's list()), or, in 1.1, blocks of them (list_batch()). Blocks
 * here are of one entry, which is legal and keeps the mutex rule simple: never held during a callback. */
typedef struct cmem_receiver {
    tote_entry_fn on_entry;
#if TOTE_ABI_MINOR >= 1
    tote_entries_fn on_entries;
#endif
    void *ctx;
} cmem_receiver;

static int deliver(const cmem_receiver *to, const tote_entry *entry) {
#if TOTE_ABI_MINOR >= 1
    if (to->on_entries != NULL) return to->on_entries(to->ctx, entry, 1);
#endif
    return to->on_entry(to->ctx, entry);
}

static tote_status list_entries(tote_store *store, const tote_call *call, const tote_list_params *params,
                                const cmem_receiver *to) {
    const uint32_t known_flags = TOTE_LIST_RECURSIVE;
    cmem_data *d = store->data;
    char name[TOTE_KEY_MAX + 2]; /* the entry being passed: a key, or a sub-prefix with its '/' */
    const char *prefix, *after;
    size_t prefix_len, after_len, i;
    int recursive;

    if (params == NULL || !HAS_FIELD(params, tote_list_params, start_after_len))
        return fail(call, TOTE_INVALID_ARGUMENT, "tote_list_params too small");
    if (params->flags & ~known_flags)
        return fail(call, TOTE_INVALID_ARGUMENT, "unknown list flags 0x%x", (unsigned)(params->flags & ~known_flags));
    if (to == NULL) return fail(call, TOTE_INVALID_ARGUMENT, "no callback");
    prefix = params->prefix ? params->prefix : "";
    prefix_len = params->prefix ? params->prefix_len : 0;
    after = params->start_after;
    after_len = after ? params->start_after_len : 0;
    if (prefix_len > TOTE_KEY_MAX + 1 || (prefix_len > 0 && (prefix_len < 2 || prefix[prefix_len - 1] != '/')))
        return fail(call, TOTE_INVALID_ARGUMENT, "bad prefix '%.*s' (expected \"\" or a key and '/')",
                    ilen(prefix_len), prefix);
    recursive = (params->flags & TOTE_LIST_RECURSIVE) != 0;

    pthread_mutex_lock(&d->mutex);
    i = lower_bound(d, prefix, prefix_len);
    if (after_len > 0) {
        size_t j = upper_bound(d, after, after_len);
        if (j > i) i = j;
    }
    for (;;) {
        tote_entry entry;
        size_t name_len;
        const cmem_entry *e;
        const char *slash = NULL;
        int stop;
        if (i >= d->count) break;
        e = &d->entries[i];
        if (!has_prefix(e->key, e->key_len, prefix, prefix_len)) break;
        if (!recursive) slash = (const char *)memchr(e->key + prefix_len, '/', e->key_len - prefix_len);
        if (slash == NULL) {
            name_len = e->key_len;
            entry.kind = TOTE_KIND_KEY;
        } else {
            name_len = (size_t)(slash - e->key) + 1;
            entry.kind = TOTE_KIND_PREFIX;
        }
        memcpy(name, e->key, name_len);
        name[name_len] = '\0';
        if (entry.kind == TOTE_KIND_PREFIX && after_len > 0 && compare_bytes(name, name_len, after, after_len) <= 0) {
            /* The sub-prefix itself sorts at or before start_after: skip it and every key under it. */
            name[name_len - 1] = '0';
            i = lower_bound(d, name, name_len);
            continue;
        }

        /* Pass the entry without holding the mutex; then find the place again by name. */
        pthread_mutex_unlock(&d->mutex);
        entry.struct_size = sizeof entry;
        entry.key = name;
        entry.key_len = name_len;
        stop = deliver(to, &entry);
        pthread_mutex_lock(&d->mutex);
        if (stop) break;
        if (entry.kind == TOTE_KIND_PREFIX) {
            name[name_len - 1] = '0'; /* past every key under "name/" */
            i = lower_bound(d, name, name_len);
        } else {
            i = upper_bound(d, name, name_len);
        }
    }
    pthread_mutex_unlock(&d->mutex);
    return TOTE_OK;
}

static tote_status cmem_list(tote_store *store, const tote_call *call, const tote_list_params *params,
                             tote_entry_fn on_entry, void *ctx) {
    cmem_receiver to;
    memset(&to, 0, sizeof to);
    to.on_entry = on_entry;
    to.ctx = ctx;
    return list_entries(store, call, params, on_entry != NULL ? &to : NULL);
}

/* ---------------------------------------------------------------------------------------------------------------
 * remove / rename
 * ------------------------------------------------------------------------------------------------------------- */

static tote_status cmem_remove(tote_store *store, const tote_call *call, const char *key, size_t key_len,
                               uint32_t flags) {
    cmem_data *d = store->data;
    size_t removed = 0, i;
    tote_status status = check_key(call, key, key_len);
    if (status != TOTE_OK) return status;
    if (flags & ~(uint32_t)TOTE_REMOVE_RECURSIVE)
        return fail(call, TOTE_INVALID_ARGUMENT, "unknown remove flags 0x%x",
                    (unsigned)(flags & ~(uint32_t)TOTE_REMOVE_RECURSIVE));
    if (store->read_only) return read_only_refusal(call);

    pthread_mutex_lock(&d->mutex);
    if (flags & TOTE_REMOVE_RECURSIVE) {
        size_t first, end;
        children(d, key, key_len, &first, &end); /* these sort after key itself */
        removed += end - first;
        erase_range(d, first, end);
    }
    i = find_key(d, key, key_len);
    if (i < d->count) {
        erase_range(d, i, i + 1);
        ++removed;
    }
    if (removed == 0) {
        size_t first, end;
        children(d, key, key_len, &first, &end);
        pthread_mutex_unlock(&d->mutex);
        return fail(call, TOTE_NOT_FOUND,
                    first < end ? "it is a prefix, not a key (remove it recursively)" : "no such key");
    }
    pthread_mutex_unlock(&d->mutex);
    return TOTE_OK;
}

static tote_status cmem_rename(tote_store *store, const tote_call *call, const char *from, size_t from_len,
                               const char *to, size_t to_len, uint32_t flags) {
    cmem_data *d = store->data;
    size_t fi, ti;
    tote_status status = check_key(call, from, from_len);
    if (status == TOTE_OK) status = check_key(call, to, to_len);
    if (status != TOTE_OK) return status;
    if (flags & ~(uint32_t)TOTE_RENAME_NO_REPLACE)
        return fail(call, TOTE_INVALID_ARGUMENT, "unknown rename flags 0x%x",
                    (unsigned)(flags & ~(uint32_t)TOTE_RENAME_NO_REPLACE));
    if (store->read_only) return read_only_refusal(call);

    pthread_mutex_lock(&d->mutex);
    fi = find_key(d, from, from_len);
    if (fi == d->count) {
        pthread_mutex_unlock(&d->mutex);
        return fail(call, TOTE_NOT_FOUND, "no key '%.*s'", ilen(from_len), from);
    }
    if (compare_bytes(from, from_len, to, to_len) == 0) { /* from == to: nothing to do */
        pthread_mutex_unlock(&d->mutex);
        return TOTE_OK;
    }
    ti = find_key(d, to, to_len);
    if (ti < d->count) {
        cmem_entry *src = &d->entries[fi];
        cmem_entry *dst = &d->entries[ti];
        if (flags & TOTE_RENAME_NO_REPLACE) {
            pthread_mutex_unlock(&d->mutex);
            return fail(call, TOTE_ALREADY_EXISTS, "the destination '%.*s' exists", ilen(to_len), to);
        }
        /* Replace: the destination entry takes the source's value, version and mtime; the source goes. */
        d->total_bytes -= dst->value->len;
        blob_release(dst->value);
        dst->value = src->value;
        dst->version = src->version;
        dst->mtime_ns = src->mtime_ns;
        free(src->key);
        memmove(&d->entries[fi], &d->entries[fi + 1], (d->count - fi - 1) * sizeof(cmem_entry));
        --d->count;
    } else {
        /* A new key: checked against the keys as they will be once the source is gone. */
        cmem_entry moved;
        char *key;
        status = check_conflict(d, call, "the destination", to, to_len, fi);
        if (status != TOTE_OK) {
            pthread_mutex_unlock(&d->mutex);
            return status;
        }
        key = copy_key(to, to_len);
        if (key == NULL) {
            pthread_mutex_unlock(&d->mutex);
            return fail(call, TOTE_INTERNAL, "out of memory");
        }
        moved = d->entries[fi];
        memmove(&d->entries[fi], &d->entries[fi + 1], (d->count - fi - 1) * sizeof(cmem_entry));
        --d->count;
        free(moved.key);
        moved.key = key;
        moved.key_len = to_len;
        insert_at(d, lower_bound(d, to, to_len), &moved); /* the slot just freed is room enough */
    }
    pthread_mutex_unlock(&d->mutex);
    return TOTE_OK;
}

/* ---------------------------------------------------------------------------------------------------------------
 * ABI 1.1 extensions
 * ------------------------------------------------------------------------------------------------------------- */

#if TOTE_ABI_MINOR >= 1

static tote_status cmem_read_range(tote_store *store, const tote_call *call, const char *key, size_t key_len,
                                   uint64_t offset, uint64_t length, tote_write_fn sink, void *sink_ctx,
                                   tote_stat *stat_out) {
    return read_bytes(store, call, key, key_len, offset, length, sink, sink_ctx, stat_out);
}

static tote_status cmem_append_op(tote_store *store, const tote_call *call, const tote_append_op *op,
                                  tote_append_result *result) {
    uint64_t offset = 0, version = 0;
    tote_status status;
    if (op == NULL || !HAS_FIELD(op, tote_append_op, expected_size))
        return fail(call, TOTE_INVALID_ARGUMENT, "tote_append_op too small");
    if (op->flags & ~(uint32_t)TOTE_APPEND_IF_SIZE)
        return fail(call, TOTE_INVALID_ARGUMENT, "unknown append flags 0x%x",
                    (unsigned)(op->flags & ~(uint32_t)TOTE_APPEND_IF_SIZE));
    status = append_bytes(store, call, op->key, op->key_len, op->data, op->data_len,
                          (op->flags & TOTE_APPEND_IF_SIZE) ? &op->expected_size : NULL, &offset, &version);
    if (status == TOTE_OK && result != NULL) {
        if (HAS_FIELD(result, tote_append_result, offset)) result->offset = offset;
        if (HAS_FIELD(result, tote_append_result, version)) result->version = version;
    }
    return status;
}

static tote_status cmem_list_batch(tote_store *store, const tote_call *call, const tote_list_params *params,
                                   tote_entries_fn on_entries, void *ctx) {
    cmem_receiver to;
    memset(&to, 0, sizeof to);
    to.on_entries = on_entries;
    to.ctx = ctx;
    return list_entries(store, call, params, on_entries != NULL ? &to : NULL);
}

/* Takes the named store out of the registry: a later open finds nothing (or, with create, a new empty store). */
static tote_status cmem_drop(const tote_open_params *params, const tote_call *call) {
    cmem_data **link;
    size_t name_len;
    if (params == NULL || !HAS_FIELD(params, tote_open_params, option_count) || params->location == NULL)
        return fail(call, TOTE_INVALID_ARGUMENT, "tote_open_params too small");
    name_len = strlen(params->location);
    pthread_mutex_lock(&registry_mutex);
    for (link = &registry; *link != NULL; link = &(*link)->next) {
        if ((*link)->name_len == name_len && memcmp((*link)->name, params->location, name_len) == 0) {
            cmem_data *gone = *link;
            *link = gone->next;
            gone->next = dropped; /* the data stays allocated for handles still open on it */
            dropped = gone;
            pthread_mutex_unlock(&registry_mutex);
            return TOTE_OK;
        }
    }
    pthread_mutex_unlock(&registry_mutex);
    return fail(call, TOTE_NOT_FOUND, "no cmem store named '%s' in this process", params->location);
}

static tote_status cmem_info(tote_store *store, const tote_call *call, tote_write_fn sink, void *sink_ctx) {
    char text[256];
    int n;
    (void)call;
    pthread_mutex_lock(&store->data->mutex);
    n = snprintf(text, sizeof text, "{\"engine\": \"cmem (in this process's memory)\", \"keys\": %lu, \"bytes\": %llu}",
                 (unsigned long)store->data->count, (unsigned long long)store->data->total_bytes);
    pthread_mutex_unlock(&store->data->mutex);
    if (n > 0 && (size_t)n < sizeof text) sink(sink_ctx, text, (size_t)n);
    return TOTE_OK;
}

static const tote_read_range_ext cmem_read_range_ext = {sizeof(tote_read_range_ext), 0, cmem_read_range};
static const tote_append_ext cmem_append_ext = {sizeof(tote_append_ext), 0, cmem_append_op};
static const tote_list_batch_ext cmem_list_batch_ext = {sizeof(tote_list_batch_ext), 0, cmem_list_batch};
static const tote_admin_ext cmem_admin_ext = {sizeof(tote_admin_ext), 0, cmem_drop, cmem_info};

#endif /* TOTE_ABI_MINOR >= 1 */

/* ---------------------------------------------------------------------------------------------------------------
 * The descriptor
 * ------------------------------------------------------------------------------------------------------------- */

static const void *cmem_get_extension(const char *id) {
    if (id == NULL) return NULL;
#if TOTE_ABI_MINOR >= 1
    if (strcmp(id, TOTE_EXT_READ_RANGE) == 0) return &cmem_read_range_ext;
    if (strcmp(id, TOTE_EXT_APPEND) == 0) return &cmem_append_ext;
    if (strcmp(id, TOTE_EXT_LIST_BATCH) == 0) return &cmem_list_batch_ext;
    if (strcmp(id, TOTE_EXT_ADMIN) == 0) return &cmem_admin_ext;
#endif
    return NULL;
}

static const char *const cmem_schemes[] = {"cmem", NULL};

static const tote_option_spec cmem_options[] = {
    {"max_bytes", TOTE_TYPE_INT, 0, "0",
     "fail writes with no-space once the values in the store would exceed this many bytes (0: no limit)"},
    {NULL, 0, 0, NULL, NULL}};

static const tote_plugin cmem_descriptor = {
    sizeof(tote_plugin),
    TOTE_ABI_VERSION,
    TOTE_CAP_WRITE | TOTE_CAP_APPEND | TOTE_CAP_LIST | TOTE_CAP_RENAME | TOTE_CAP_CREATE_ONLY |
        TOTE_CAP_COMPARE_VERSION,
    TOTE_LOCATION_URL,
    0,
    "cmem",
    "1.0.0",
    "in-memory store written in C (test fixture)",
    cmem_schemes,
    cmem_options,
    cmem_open,
    cmem_close,
    cmem_read,
    cmem_write,
    cmem_append,
    cmem_stat,
    cmem_list,
    cmem_remove,
    cmem_rename,
    cmem_get_extension,
};

TOTE_PLUGIN_EXPORT const tote_plugin *tote_plugin_entry(uint32_t host_abi_version) {
    if (TOTE_ABI_VERSION_MAJOR(host_abi_version) != TOTE_ABI_MAJOR) return NULL;
    return &cmem_descriptor;
}
