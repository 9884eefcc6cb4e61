/* SPDX-License-Identifier: Apache-2.0 */
/*
 * cmem_inner.c — the cmem plugin (c_memory/memory.c) with its entry point renamed to cmem_inner_entry, so that
 * misbehaving.c can wrap it inside one library.
 */
#define tote_plugin_entry cmem_inner_entry
#include "../c_memory/memory.c"
