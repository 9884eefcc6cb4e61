/* SPDX-License-Identifier: Apache-2.0 */
/*
 * misbehave_os.h — how the check fixtures crash and hang, on POSIX and on Windows (where there is no pause(), and
 * raise(SIGSEGV) is a plain exit of the C runtime rather than a crash): a real access violation there.
 */
#ifndef TOTE_TEST_MISBEHAVE_OS_H
#define TOTE_TEST_MISBEHAVE_OS_H

#ifdef _WIN32
/* Declared here rather than with <windows.h>, which strict C99 with -pedantic does not accept. */
__declspec(dllimport) void __stdcall Sleep(unsigned long milliseconds);
static inline void hang_forever(void) {
    for (;;) Sleep(0xFFFFFFFFul); /* INFINITE */
}
static inline void crash_now(void) {
    volatile int *volatile nowhere = 0;
    *nowhere = 1; /* exception 0xC0000005, access violation */
}
#else
#include <signal.h>
#include <unistd.h>
static inline void hang_forever(void) {
    for (;;) pause();
}
static inline void crash_now(void) { raise(SIGSEGV); }
#endif

#endif /* TOTE_TEST_MISBEHAVE_OS_H */
