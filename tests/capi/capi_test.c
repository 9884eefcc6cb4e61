/* SPDX-License-Identifier: Apache-2.0 */
/*
 * capi_test.c — the C API of libtote (tote/totec.h) from C, as an application in another language would use it:
 * every operation, every error path's status and message, memory handed out and freed (run under the sanitizers
 * in CI), flags refused, and two threads writing through one store.
 *
 *     tote-capi-test PLUGIN_DIR URL
 *
 * URL names a store that may not exist yet (it is created, and must be empty).
 */
#include <tote/totec.h>

#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static int failures = 0;

#define CHECK(cond)                                                          \
    do {                                                                     \
        if (!(cond)) {                                                       \
            fprintf(stderr, "%s:%d: CHECK failed: %s\n", __FILE__, __LINE__, #cond); \
            ++failures;                                                      \
        }                                                                    \
    } while (0)

/* The message of the last call checked with STATUS/OK (E passes it); freed after each check. */
static char *last_error = NULL;

/* Checks a call's status; a failure must come with a message that mentions part (if given), a success with none. */
static tote_status check_status(tote_status got, tote_status want, const char *part, const char *expr,
                                const char *file, int line) {
    if (got != want) {
        fprintf(stderr, "%s:%d: %s: expected %s, got %s: %s\n", file, line, expr, totec_status_name(want),
                totec_status_name(got), last_error ? last_error : "(no message)");
        ++failures;
    } else if (want != TOTE_OK && (last_error == NULL || (part && strstr(last_error, part) == NULL))) {
        fprintf(stderr, "%s:%d: %s: the message '%s' does not mention '%s'\n", file, line, expr,
                last_error ? last_error : "(none)", part ? part : "");
        ++failures;
    } else if (want == TOTE_OK && last_error != NULL) {
        fprintf(stderr, "%s:%d: %s: succeeded but left a message\n", file, line, expr);
        ++failures;
    }
    totec_free(last_error);
    last_error = NULL;
    return got;
}
#define STATUS(expr, want, part) check_status((expr), (want), (part), #expr, __FILE__, __LINE__)
#define OK(expr) STATUS(expr, TOTE_OK, NULL)
#define E (&last_error)

/* ---- callbacks ---------------------------------------------------------------------------------------------- */

struct listing {
    char keys[16][64];
    int kinds[16];
    int count;
    int stop_after; /* 0: never */
};

static int collect_entry(void *ctx, const char *key, size_t len, int kind) {
    struct listing *l = ctx;
    if (l->count < 16 && len < 64) {
        memcpy(l->keys[l->count], key, len);
        l->keys[l->count][len] = '\0';
        l->kinds[l->count] = kind;
    }
    ++l->count;
    return l->stop_after != 0 && l->count >= l->stop_after;
}

static int collect_match(void *ctx, const char *key, size_t key_len, const char *value, size_t value_len) {
    (void)value;
    (void)value_len;
    return collect_entry(ctx, key, key_len, TOTE_KIND_KEY);
}

struct buffer {
    char data[256];
    size_t len;
};

static int collect_bytes(void *ctx, const void *data, size_t len) {
    struct buffer *b = ctx;
    if (b->len + len <= sizeof b->data) memcpy(b->data + b->len, data, len);
    b->len += len;
    return 0;
}

/* ---- threads ------------------------------------------------------------------------------------------------- */

struct worker {
    totec_store *store;
    int index;
    int failed;
};

static void *write_keys(void *arg) {
    struct worker *w = arg;
    for (int i = 0; i < 50; ++i) {
        char key[32];
        int n = snprintf(key, sizeof key, "threads/%d/%02d", w->index, i);
        char *error = NULL;
        if (totec_write(w->store, key, (size_t)n, key, (size_t)n, NULL, NULL, &error) != TOTE_OK) {
            fprintf(stderr, "thread %d: %s\n", w->index, error);
            totec_free(error);
            w->failed = 1;
        }
    }
    return NULL;
}

static int count_entry(void *ctx, const char *key, size_t len, int kind) {
    (void)key;
    (void)len;
    (void)kind;
    ++*(int *)ctx;
    return 0;
}

int main(int argc, char **argv) {
    if (argc != 3) {
        fprintf(stderr, "usage: %s PLUGIN_DIR URL\n", argv[0]);
        return 2;
    }
    const char *dirs[] = {argv[1]};
    totec_host_options options = {sizeof options, TOTEC_HOST_NO_ENVIRONMENT | TOTEC_HOST_NO_BUILTIN, NULL, dirs, 1};

    /* names and version */
    CHECK(strcmp(totec_status_name(TOTE_NOT_FOUND), "not found") == 0);
    CHECK(strcmp(totec_status_id(TOTE_ALREADY_EXISTS), "already_exists") == 0);
    CHECK(strcmp(totec_status_name(9999), "unknown status") == 0);
    CHECK(strlen(totec_version()) > 0);

    /* the host */
    totec_host *host = NULL;
    totec_host_options too_small = options;
    too_small.struct_size = 4;
    STATUS(totec_host_new(&too_small, &host, E), TOTE_INVALID_ARGUMENT, "struct_size");
    CHECK(host == NULL);
    totec_host_options bad_config = options;
    bad_config.config = "/nonexistent/tote.toml";
#ifdef _WIN32
    /* Windows names the file as an absolute path of its own: Z:\nonexistent\tote.toml under Wine. */
    STATUS(totec_host_new(&bad_config, &host, E), TOTE_INVALID_ARGUMENT, "nonexistent\\tote.toml");
#else
    STATUS(totec_host_new(&bad_config, &host, E), TOTE_INVALID_ARGUMENT, "/nonexistent/tote.toml");
#endif
    OK(totec_host_new(&options, &host, E));
    char *plugins = NULL;
    OK(totec_host_plugins(host, &plugins, E));
    CHECK(plugins != NULL && strstr(plugins, "\"plugins\"") != NULL);
    totec_free(plugins);

    /* opening */
    totec_store *store = NULL;
    STATUS(totec_open(host, "nosuchscheme://x", 0, NULL, &store, E), TOTE_INVALID_ARGUMENT, "nosuchscheme");
    const char *bad_option[] = {"novalue", NULL};
    STATUS(totec_open(host, argv[2], TOTEC_OPEN_CREATE, bad_option, &store, E), TOTE_INVALID_ARGUMENT, "novalue");
    STATUS(totec_open(host, argv[2], 0x80, NULL, &store, E), TOTE_INVALID_ARGUMENT, "flags");
    OK(totec_open(host, argv[2], TOTEC_OPEN_CREATE, NULL, &store, E));
    CHECK(store != NULL);
    CHECK(strstr(totec_store_url(store), "://") != NULL);
    CHECK((totec_store_capabilities(store) & TOTE_CAP_WRITE) != 0);

    /* write, read, stat */
    uint64_t v1 = 0, v2 = 0;
    OK(totec_write(store, "runs/1.json", 11, "{\"score\": 1}", 12, NULL, &v1, E));
    void *value = NULL;
    size_t len = 0;
    totec_stat st;
    OK(totec_read(store, "runs/1.json", 11, &value, &len, &st, E));
    CHECK(len == 12 && memcmp(value, "{\"score\": 1}", 12) == 0 && ((char *)value)[12] == '\0');
    CHECK(st.kind == TOTE_KIND_KEY && st.size == 12 && st.version == v1);
    totec_free(value);
    STATUS(totec_read(store, "runs/9.json", 11, &value, &len, NULL, E), TOTE_NOT_FOUND, "runs/9.json");
    STATUS(totec_read(store, "bad//key", 8, &value, &len, NULL, E), TOTE_INVALID_ARGUMENT, "bad//key");
    STATUS(totec_read(store, NULL, 3, &value, &len, NULL, E), TOTE_INVALID_ARGUMENT, "key is NULL");
    OK(totec_get_stat(store, "runs", 4, &st, E));
    CHECK(st.kind == TOTE_KIND_PREFIX);
    STATUS(totec_get_stat(store, "nothing", 7, &st, E), TOTE_NOT_FOUND, "nothing");

    /* conditions */
    totec_write_options create_only = {TOTEC_WRITE_CREATE_ONLY, 0, 0};
    STATUS(totec_write(store, "runs/1.json", 11, "x", 1, &create_only, NULL, E), TOTE_ALREADY_EXISTS, "runs/1.json");
    totec_write_options if_version = {TOTEC_WRITE_IF_VERSION, v1, 0};
    OK(totec_write(store, "runs/1.json", 11, "{\"score\": 0}", 12, &if_version, &v2, E));
    CHECK(v2 != v1);
    STATUS(totec_write(store, "runs/1.json", 11, "x", 1, &if_version, NULL, E), TOTE_PRECONDITION_FAILED, NULL);
    totec_write_options unknown = {0x40, 0, 0};
    STATUS(totec_write(store, "k", 1, "x", 1, &unknown, NULL, E), TOTE_INVALID_ARGUMENT, "flags");

    /* streams, ranges, appends */
    struct buffer buf = {{0}, 0};
    OK(totec_read_to(store, "runs/1.json", 11, collect_bytes, &buf, NULL, E));
    CHECK(buf.len == 12 && memcmp(buf.data, "{\"score\": 0}", 12) == 0);
    OK(totec_read_range(store, "runs/1.json", 11, 2, 5, &value, &len, &st, E));
    CHECK(len == 5 && memcmp(value, "score", 5) == 0 && st.size == 12);
    totec_free(value);
    OK(totec_read_range(store, "runs/1.json", 11, 100, 5, &value, &len, NULL, E));
    CHECK(len == 0);
    totec_free(value);
    if (totec_store_capabilities(store) & TOTE_CAP_APPEND) {
        uint64_t offset = 99, size = 0;
        OK(totec_append(store, "log", 3, "a\n", 2, NULL, &offset, NULL, E));
        CHECK(offset == 0);
        size = 2;
        OK(totec_append(store, "log", 3, "b\n", 2, &size, &offset, NULL, E));
        CHECK(offset == 2);
        STATUS(totec_append(store, "log", 3, "c\n", 2, &size, NULL, NULL, E), TOTE_PRECONDITION_FAILED, "log");
    }

    /* listing and finding */
    OK(totec_write(store, "runs/2.json", 11, "{\"score\": 1, \"error\": \"timeout\"}", 32, NULL, NULL, E));
    OK(totec_write(store, "runs/sub/3.json", 15, "{\"score\": 0}", 12, NULL, NULL, E));
    struct listing l = {{{0}}, {0}, 0, 0};
    OK(totec_list(store, "runs", 4, 0, NULL, collect_entry, &l, E));
    CHECK(l.count == 3 && strcmp(l.keys[0], "runs/1.json") == 0 && strcmp(l.keys[2], "runs/sub/") == 0 &&
          l.kinds[2] == TOTE_KIND_PREFIX);
    memset(&l, 0, sizeof l);
    OK(totec_list(store, "runs", 4, TOTEC_LIST_RECURSIVE, "runs/1.json", collect_entry, &l, E));
    CHECK(l.count == 2 && strcmp(l.keys[1], "runs/sub/3.json") == 0);
    memset(&l, 0, sizeof l);
    l.stop_after = 1;
    OK(totec_list(store, "", 0, TOTEC_LIST_RECURSIVE, NULL, collect_entry, &l, E));
    CHECK(l.count == 1);
    memset(&l, 0, sizeof l);
    OK(totec_find(store, "runs", 4, "{\"score\": 0}", TOTEC_LIST_RECURSIVE, 0, collect_match, &l, E));
    CHECK(l.count == 2 && strcmp(l.keys[0], "runs/1.json") == 0 && strcmp(l.keys[1], "runs/sub/3.json") == 0);
    memset(&l, 0, sizeof l);
    OK(totec_find(store, "runs", 4, "{\"error\": {\"$exists\": true}}", 0, 0, collect_match, &l, E));
    CHECK(l.count == 1 && strcmp(l.keys[0], "runs/2.json") == 0);
    STATUS(totec_find(store, "runs", 4, "{\"score\": {\"$near\": 1}}", 0, 0, collect_match, &l, E),
           TOTE_INVALID_ARGUMENT, "$near");

    /* rename, remove, batches */
    OK(totec_rename(store, "runs/2.json", 11, "runs/4.json", 11, 0, E));
    STATUS(totec_rename(store, "runs/4.json", 11, "runs/1.json", 11, TOTEC_RENAME_NO_REPLACE, E), TOTE_ALREADY_EXISTS,
           NULL);
    STATUS(totec_rename(store, "runs/2.json", 11, "runs/5.json", 11, 0, E), TOTE_NOT_FOUND, NULL);
    OK(totec_remove(store, "runs/4.json", 11, 0, E));
    STATUS(totec_remove(store, "runs/4.json", 11, 0, E), TOTE_NOT_FOUND, "runs/4.json");
    totec_batch_op ops[] = {
        {"b/1", 3, "one", 3, 0, 0, 0},
        {"b/2", 3, "two", 3, 0, 0, 0},
        {"runs/1.json", 11, NULL, 0, TOTEC_BATCH_REMOVE, 0, 0},
    };
    OK(totec_write_batch(store, ops, 3, E));
    STATUS(totec_read(store, "runs/1.json", 11, &value, &len, NULL, E), TOTE_NOT_FOUND, NULL);
    OK(totec_read(store, "b/2", 3, &value, &len, NULL, E));
    CHECK(len == 3 && memcmp(value, "two", 3) == 0);
    totec_free(value);
    totec_batch_op conflicting[] = {{"b/3", 3, "x", 1, 0, 0, 0}, {"b/1", 3, "x", 1, TOTEC_WRITE_CREATE_ONLY, 0, 0}};
    STATUS(totec_write_batch(store, conflicting, 2, E), TOTE_ALREADY_EXISTS, "b/1");
    if (totec_store_batch_is_atomic(store)) CHECK(totec_get_stat(store, "b/3", 3, &st, NULL) == TOTE_NOT_FOUND);
    OK(totec_remove(store, "b", 1, TOTEC_REMOVE_RECURSIVE, E));

    /* locks */
    if (totec_store_capabilities(store) & TOTE_CAP_CREATE_ONLY) {
        totec_lock *lock = NULL, *second = NULL;
        int held = -1, removed = -1;
        OK(totec_lock_acquire(store, "job", "capi test", &lock, E));
        STATUS(totec_lock_acquire(store, "job", NULL, &second, E), TOTE_BUSY, "capi test");
        CHECK(second == NULL);
        OK(totec_is_locked(store, "job", &held, E));
        CHECK(held == 1);
        OK(totec_lock_release(lock, E));
        OK(totec_is_locked(store, "job", &held, E));
        CHECK(held == 0);
        OK(totec_lock_acquire(store, "job", NULL, &lock, E));
        OK(totec_break_lock(store, "job", &removed, E));
        CHECK(removed == 1);
        OK(totec_lock_release(lock, E)); /* already broken: releasing is still fine */
        OK(totec_lock_release(NULL, E));
    }

    /* two threads through one store */
    struct worker workers[2] = {{store, 0, 0}, {store, 1, 0}};
    pthread_t threads[2];
    for (int i = 0; i < 2; ++i) CHECK(pthread_create(&threads[i], NULL, write_keys, &workers[i]) == 0);
    for (int i = 0; i < 2; ++i) CHECK(pthread_join(threads[i], NULL) == 0);
    CHECK(!workers[0].failed && !workers[1].failed);
    int count = 0;
    OK(totec_list(store, "threads", 7, TOTEC_LIST_RECURSIVE, NULL, count_entry, &count, E));
    CHECK(count == 100);

    /* a read-only handle refuses writes, naming the key */
    totec_store *ro = NULL;
    OK(totec_open(host, argv[2], TOTEC_OPEN_READ_ONLY, NULL, &ro, E));
    STATUS(totec_write(ro, "k", 1, "x", 1, NULL, NULL, E), TOTE_PERMISSION_DENIED, "'k'");
    totec_close(ro);

    /* a message is optional */
    CHECK(totec_read(store, "none", 4, &value, &len, NULL, NULL) == TOTE_NOT_FOUND);

    totec_close(store);
    totec_close(NULL);
    totec_host_free(host);
    totec_host_free(NULL);
    totec_free(NULL);
    if (failures) fprintf(stderr, "%d checks failed\n", failures);
    else printf("ok\n");
    return failures ? 1 : 0;
}
