// SPDX-License-Identifier: Apache-2.0
// check_headers_cxx.cpp — the SDK's C headers compile as C++11 (-pedantic, -Werror), for hosts and plugins in
// C++. Built as part of the tests; it has no code to run.
#include <tote/ext/admin.h>
#include <tote/ext/append.h>
#include <tote/ext/batch.h>
#include <tote/ext/layer.h>
#include <tote/ext/list_batch.h>
#include <tote/ext/query.h>
#include <tote/ext/read_range.h>
#include <tote/tote_plugin.h>

size_t tote_check_headers_cxx() { return sizeof(tote_plugin) + sizeof(tote_batch_ext) + sizeof(tote_layer_ext) + sizeof(tote_inner_store); }
