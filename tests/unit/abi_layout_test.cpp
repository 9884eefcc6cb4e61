// abi_layout_test.cpp — the ABI guard: the layout of every public struct of tote_plugin.h, pinned for LP64
// (x86-64, aarch64). A failing assertion here means the ABI changed: if deliberate, bump TOTE_ABI_MINOR (append
// only) or TOTE_ABI_MAJOR and update docs/abi.md; if not, undo it.
#include <tote/ext/batch.h>
#include <tote/tote_plugin.h>

#include <catch2/catch.hpp>

#include <cstddef>

#if defined(__LP64__) || defined(_LP64)
static_assert(sizeof(tote_call) == 24 && offsetof(tote_call, set_error) == 16, "tote_call layout changed");
static_assert(sizeof(tote_stat) == 32 && offsetof(tote_stat, version) == 24, "tote_stat layout changed");
static_assert(sizeof(tote_entry) == 24 && offsetof(tote_entry, key_len) == 16, "tote_entry layout changed");
static_assert(sizeof(tote_option_spec) == 32 && offsetof(tote_option_spec, description) == 24,
              "tote_option_spec layout changed");
static_assert(sizeof(tote_option_value) == 48 && offsetof(tote_option_value, string_len) == 40,
              "tote_option_value layout changed");
static_assert(sizeof(tote_open_params) == 40 && offsetof(tote_open_params, option_count) == 32,
              "tote_open_params layout changed");
static_assert(sizeof(tote_write_op) == 48 && offsetof(tote_write_op, expected_version) == 40,
              "tote_write_op layout changed");
static_assert(sizeof(tote_list_params) == 40 && offsetof(tote_list_params, start_after_len) == 32,
              "tote_list_params layout changed");
static_assert(offsetof(tote_plugin, capabilities) == 8 && offsetof(tote_plugin, name) == 24 &&
                  offsetof(tote_plugin, options) == 56 && offsetof(tote_plugin, open) == 64 &&
                  offsetof(tote_plugin, rename) == 128 && offsetof(tote_plugin, get_extension) == 136,
              "tote_plugin layout changed");
static_assert(TOTE_PLUGIN_SIZE_1_0 == 144 && sizeof(tote_plugin) == 144, "tote_plugin size changed");
static_assert(sizeof(tote_batch_ext) == 16, "tote_batch_ext layout changed");
#endif

static_assert(TOTE_ABI_VERSION == 0x00010000u, "ABI version changed: update docs/abi.md");
static_assert(TOTE_OK == 0 && TOTE_NOT_FOUND == 1 && TOTE_CONFLICT == 4 && TOTE_INTERNAL == 14, "status codes renumbered");
static_assert(TOTE_CAP_WRITE == 1 && TOTE_CAP_PERSISTENT == (1u << 9), "capability bits moved");

TEST_CASE("the ABI layout is pinned at compile time") { SUCCEED("static assertions passed"); }
