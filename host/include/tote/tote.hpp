// SPDX-License-Identifier: Apache-2.0
// tote/tote.hpp — the whole tote C++ API for applications: Host, Store, Error. JSON helpers: tote/json.hpp.
#ifndef TOTE_TOTE_HPP
#define TOTE_TOTE_HPP

#include <tote/error.hpp>
#include <tote/graph.hpp>
#include <tote/host.hpp>
#include <tote/lock.hpp>
#include <tote/plugin_info.hpp>
#include <tote/store.hpp>

namespace tote {
// The version of this host library, "MAJOR.MINOR.PATCH".
TOTE_API const char* version() noexcept;
}  // namespace tote

#endif  // TOTE_TOTE_HPP
