/* SPDX-License-Identifier: Apache-2.0 */
/*
 * abi_layout.c — the ABI guard: the layout of every public struct, pinned per ABI version and per data model.
 *
 * Compiled (never run) four times by tests/compat/CMakeLists.txt: against the frozen 1.0 headers
 * (tests/compat/abi-1.0) and against the current ones (sdk/include), each for LP64 (the build's own target) and for
 * ILP32 (-m32); the Windows build compiles it for Windows x64 (LLP64) too. A layout that differs from the pinned numbers fails the compile. A target that is neither LP64 nor
 * ILP32, or a header of a version with no table here, is an #error: the check can never silently compile out.
 * The 1.1 tables repeat every 1.0 offset: a field of 1.0 may never move, and each TOTE_<STRUCT>_SIZE_1_0 must
 * equal the size of that struct in the 1.0 header.
 *
 * A failing assertion means the ABI changed. If deliberate: append only, bump TOTE_ABI_MINOR, add a table for
 * the new version here, and update docs/abi.md. If not: undo it.
 */
#include <tote/tote_plugin.h>
#include <tote/ext/batch.h>
#if TOTE_ABI_MINOR >= 1
#include <tote/ext/admin.h>
#include <tote/ext/append.h>
#include <tote/ext/layer.h>
#include <tote/ext/list_batch.h>
#include <tote/ext/read_range.h>
#endif

#include <stddef.h>

/* C99 has no _Static_assert: an array of negative size does the job. */
#define PIN_(line, cond) typedef char tote_layout_pin_##line[(cond) ? 1 : -1]
#define PIN_AT_(line, cond) PIN_(line, cond)
#define PIN(cond) PIN_AT_(__LINE__, cond)
#define OFF(type, field, lp64, ilp32) PIN(offsetof(type, field) == (LP64 ? (lp64) : (ilp32)))
#define SIZE(type, lp64, ilp32) PIN(sizeof(type) == (LP64 ? (lp64) : (ilp32)))

#if defined(__LP64__) || defined(_LP64) || defined(_WIN64)
/* Windows x64 is LLP64 (long stays 32 bits): the header has no long, so its layout is LP64's, as pinned here. */
#define LP64 1
#elif defined(__ILP32__) || (defined(__SIZEOF_POINTER__) && __SIZEOF_POINTER__ == 4)
#define LP64 0
#else
#error "no pinned ABI layout for this data model: add one (LP64 and ILP32 are pinned)"
#endif
PIN(sizeof(void *) == (LP64 ? 8 : 4));

#if TOTE_ABI_MAJOR != 1 || TOTE_ABI_MINOR > 1
#error "no pinned ABI layout for this version of tote_plugin.h: add a table for it"
#endif

/* ---- every 1.0 field, in both headers -------------------------------------------------------------------------- */

OFF(tote_call, host_data, 8, 8);
OFF(tote_call, set_error, 16, 12);
OFF(tote_stat, kind, 4, 4);
OFF(tote_stat, size, 8, 8);
OFF(tote_stat, mtime_ns, 16, 16);
OFF(tote_stat, version, 24, 24);
OFF(tote_entry, kind, 4, 4);
OFF(tote_entry, key, 8, 8);
OFF(tote_entry, key_len, 16, 12);
SIZE(tote_entry, 24, 16);
OFF(tote_option_spec, type, 8, 4);
OFF(tote_option_spec, default_value, 16, 12);
OFF(tote_option_spec, description, 24, 16);
SIZE(tote_option_spec, 32, 20); /* frozen: lives in arrays */
OFF(tote_option_value, type, 8, 4);
OFF(tote_option_value, int_value, 16, 12);
OFF(tote_option_value, float_value, 24, 20);
OFF(tote_option_value, string_value, 32, 28);
OFF(tote_option_value, string_len, 40, 32);
SIZE(tote_option_value, 48, 36); /* frozen: lives in arrays */
OFF(tote_open_params, flags, 4, 4);
OFF(tote_open_params, url, 8, 8);
OFF(tote_open_params, location, 16, 12);
OFF(tote_open_params, options, 24, 16);
OFF(tote_open_params, option_count, 32, 20);
SIZE(tote_open_params, 40, 24);
OFF(tote_write_op, flags, 4, 4);
OFF(tote_write_op, key, 8, 8);
OFF(tote_write_op, key_len, 16, 12);
OFF(tote_write_op, value, 24, 16);
OFF(tote_write_op, value_len, 32, 20);
OFF(tote_write_op, expected_version, 40, 24);
OFF(tote_list_params, flags, 4, 4);
OFF(tote_list_params, prefix, 8, 8);
OFF(tote_list_params, prefix_len, 16, 12);
OFF(tote_list_params, start_after, 24, 16);
OFF(tote_list_params, start_after_len, 32, 20);
SIZE(tote_list_params, 40, 24);
OFF(tote_plugin, abi_version, 4, 4);
OFF(tote_plugin, capabilities, 8, 8);
OFF(tote_plugin, location_kind, 16, 16);
OFF(tote_plugin, name, 24, 24);
OFF(tote_plugin, version, 32, 28);
OFF(tote_plugin, description, 40, 32);
OFF(tote_plugin, schemes, 48, 36);
OFF(tote_plugin, options, 56, 40);
OFF(tote_plugin, open, 64, 44);
OFF(tote_plugin, close, 72, 48);
OFF(tote_plugin, read, 80, 52);
OFF(tote_plugin, write, 88, 56);
OFF(tote_plugin, append, 96, 60);
OFF(tote_plugin, stat, 104, 64);
OFF(tote_plugin, list, 112, 68);
OFF(tote_plugin, remove, 120, 72);
OFF(tote_plugin, rename, 128, 76);
OFF(tote_plugin, get_extension, 136, 80);
SIZE(tote_plugin, 144, 84);
PIN(TOTE_PLUGIN_SIZE_1_0 == (LP64 ? 144 : 84));
OFF(tote_batch_ext, write_batch, 8, 8);

/* Closed sets: values never move. */
PIN(TOTE_OK == 0 && TOTE_NOT_FOUND == 1 && TOTE_ALREADY_EXISTS == 2 && TOTE_PRECONDITION_FAILED == 3);
PIN(TOTE_CONFLICT == 4 && TOTE_INVALID_ARGUMENT == 5 && TOTE_PERMISSION_DENIED == 6 && TOTE_BUSY == 7);
PIN(TOTE_NO_SPACE == 8 && TOTE_IO == 9 && TOTE_CORRUPT == 10 && TOTE_UNSUPPORTED == 11);
PIN(TOTE_UNAVAILABLE == 12 && TOTE_TIMEOUT == 13 && TOTE_INTERNAL == 14);
PIN(TOTE_CAP_WRITE == 1 && TOTE_CAP_APPEND == 2 && TOTE_CAP_LIST == 4 && TOTE_CAP_RENAME == 8);
PIN(TOTE_CAP_CREATE_ONLY == 16 && TOTE_CAP_COMPARE_VERSION == 32 && TOTE_CAP_ATOMIC_BATCH == 64);
PIN(TOTE_CAP_THREAD_SAFE == 128 && TOTE_CAP_KEY_AND_PREFIX == 256 && TOTE_CAP_PERSISTENT == 512);
PIN(TOTE_WRITE_CREATE_ONLY == 1 && TOTE_WRITE_IF_VERSION == 2 && TOTE_LIST_RECURSIVE == 1);
PIN(TOTE_OPEN_CREATE == 1 && TOTE_OPEN_READ_ONLY == 2 && TOTE_REMOVE_RECURSIVE == 1 && TOTE_RENAME_NO_REPLACE == 1);

#if TOTE_ABI_MINOR == 0
/* ---- 1.0: the whole structs ------------------------------------------------------------------------------------ */
PIN(TOTE_ABI_VERSION == 0x00010000u);
SIZE(tote_call, 24, 16);
SIZE(tote_stat, 32, 32);
SIZE(tote_write_op, 48, 32);
SIZE(tote_batch_ext, 16, 12);
#else
/* ---- 1.1: what grew, and the 1.0 sizes it keeps ---------------------------------------------------------------- */
PIN(TOTE_ABI_VERSION == 0x00010001u);
SIZE(tote_call, 24, 16);
PIN(TOTE_CALL_SIZE_1_0 == (LP64 ? 24 : 16));
OFF(tote_stat, expires_ns, 32, 32);
SIZE(tote_stat, 40, 40);
PIN(TOTE_STAT_SIZE_1_0 == 32);
PIN(TOTE_ENTRY_SIZE_1_0 == (LP64 ? 24 : 16));
PIN(TOTE_OPEN_PARAMS_SIZE_1_0 == (LP64 ? 40 : 24));
OFF(tote_write_op, expires_ns, 48, 32);
SIZE(tote_write_op, 56, 40);
PIN(TOTE_WRITE_OP_SIZE_1_0 == (LP64 ? 48 : 32));
PIN(TOTE_LIST_PARAMS_SIZE_1_0 == (LP64 ? 40 : 24));
PIN(TOTE_UNKNOWN_OUTCOME == 15 && TOTE_STATUS_MAX == 15);
PIN(TOTE_CAP_EXPIRY == 1024 && TOTE_WRITE_EXPIRES == 4);
OFF(tote_batch_ext, flags, 16, 12);
SIZE(tote_batch_ext, 24, 16);
PIN(TOTE_BATCH_EXT_SIZE_1_0 == (LP64 ? 16 : 12));
PIN(TOTE_WRITE_REMOVE == 8 && TOTE_BATCH_REMOVES == 1);
/* extensions new in 1.1 */
OFF(tote_read_range_ext, read_range, 8, 8);
SIZE(tote_read_range_ext, 16, 12);
OFF(tote_append_op, flags, 4, 4);
OFF(tote_append_op, key, 8, 8);
OFF(tote_append_op, key_len, 16, 12);
OFF(tote_append_op, data, 24, 16);
OFF(tote_append_op, data_len, 32, 20);
OFF(tote_append_op, expected_size, 40, 24);
SIZE(tote_append_op, 48, 32);
OFF(tote_append_result, offset, 8, 8);
OFF(tote_append_result, version, 16, 16);
SIZE(tote_append_result, 24, 24);
OFF(tote_append_ext, append, 8, 8);
SIZE(tote_append_ext, 16, 12);
OFF(tote_admin_ext, drop, 8, 8);
OFF(tote_admin_ext, info, 16, 12);
SIZE(tote_admin_ext, 24, 16);
OFF(tote_list_batch_ext, list_batch, 8, 8);
SIZE(tote_list_batch_ext, 16, 12);
PIN(TOTE_APPEND_IF_SIZE == 1);
/* tote.layer/1 */
OFF(tote_inner_store, plugin, 8, 8);
OFF(tote_inner_store, store, 16, 12);
OFF(tote_inner_store, capabilities, 24, 16);
OFF(tote_inner_store, url, 32, 24);
OFF(tote_inner_store, get_extension, 40, 28);
OFF(tote_inner_store, host_data, 48, 32);
SIZE(tote_inner_store, 56, 36);
OFF(tote_layer_ext, open_layer, 8, 8);
PIN(TOTE_LAYER_EXT_SIZE_1_1 == (LP64 ? 16 : 12));
OFF(tote_layer_ext, check_options, 16, 12);
SIZE(tote_layer_ext, 24, 16);
#endif

/* Something with external linkage, so the translation unit is not empty. */
int tote_abi_layout_pinned(void) { return TOTE_ABI_MINOR; }
