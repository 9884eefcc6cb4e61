/* SPDX-License-Identifier: Apache-2.0 */
/*
 * check_headers_c99.c — the SDK's C headers compile alone as strict C99 (-std=c99 -Wall -Wextra -pedantic
 * -Werror), with no other include before them. Built as part of the tests; it has no code to run.
 */
#include <tote/tote_plugin.h>
#include <tote/ext/admin.h>
#include <tote/ext/append.h>
#include <tote/ext/batch.h>
#include <tote/ext/layer.h>
#include <tote/ext/list_batch.h>
#include <tote/ext/query.h>
#include <tote/ext/read_range.h>

/* Something to compile, so the translation unit is not empty (which -pedantic forbids). */
size_t tote_check_headers_c99(void) { return sizeof(tote_plugin) + sizeof(tote_batch_ext) + sizeof(tote_layer_ext) + sizeof(tote_inner_store); }
