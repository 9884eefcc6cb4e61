// SPDX-License-Identifier: Apache-2.0
// tote/export.hpp — visibility of the host library's public API (libtote is built with -fvisibility=hidden).
#ifndef TOTE_EXPORT_HPP
#define TOTE_EXPORT_HPP

#if defined(_WIN32) || defined(__CYGWIN__)
#  ifdef TOTE_BUILDING_HOST
#    define TOTE_API __declspec(dllexport)
#  else
#    define TOTE_API __declspec(dllimport)
#  endif
#elif defined(__GNUC__) || defined(__clang__)
#  define TOTE_API __attribute__((visibility("default")))
#else
#  define TOTE_API
#endif

#endif  // TOTE_EXPORT_HPP
