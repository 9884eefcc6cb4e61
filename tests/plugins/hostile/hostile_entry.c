/* SPDX-License-Identifier: Apache-2.0 */
/*
 * hostile_entry.c — plugins whose entry point never returns a descriptor: it crashes (SIGSEGV), aborts (SIGABRT),
 * calls exit(7), or hangs. Built four times, with HOSTILE_CRASH, HOSTILE_ABORT, HOSTILE_EXIT or HOSTILE_HANG, into
 * ${TOTE_TEST_HOSTILE_DIR} beside copies of the good plugins. What they test: the host describes plugin files in a
 * helper process, so none of them can take down (or stall) a command that does not use it; each is refused with
 * what happened to the helper.
 */
#define _POSIX_C_SOURCE 200809L

#include <tote/tote_plugin.h>

#include "../check/misbehave_os.h"

#include <stdio.h>
#include <stdlib.h>

TOTE_PLUGIN_EXPORT const tote_plugin *tote_plugin_entry(uint32_t host_abi_version) {
    (void)host_abi_version;
    fprintf(stdout, "a plugin chatting on stdout while it loads\n"); /* must not reach the host's output */
#if defined(HOSTILE_CRASH)
    crash_now();
#elif defined(HOSTILE_ABORT)
    abort();
#elif defined(HOSTILE_EXIT)
    exit(7);
#elif defined(HOSTILE_HANG)
    hang_forever();
#endif
    return NULL;
}
