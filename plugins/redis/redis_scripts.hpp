// SPDX-License-Identifier: Apache-2.0
// redis_scripts.hpp — the Lua scripts behind every operation that touches more than one Redis key, and running
// them with EVALSHA (falling back to EVAL, which also caches the script again, when the server answers NOSCRIPT:
// after a restart or SCRIPT FLUSH). Redis runs a script atomically: no other command runs between its steps, so
// each script is one atomic tote operation. redis_scripts.cpp holds the scripts and describes the data model.
#ifndef TOTE_REDIS_SCRIPTS_HPP
#define TOTE_REDIS_SCRIPTS_HPP

#include "redis_connection.hpp"

#include <array>
#include <string>
#include <string_view>
#include <vector>

namespace tote::redis_plugin {

enum class Script { open_store, read, read_range, stat, list_live, write, append, remove, remove_range, rename, batch };
inline constexpr size_t kScriptCount = 11;

// What the marker key <prefix>:store holds: identifies a store of this plugin and its data layout version.
inline constexpr std::string_view kStoreMarker = "tote-redis/1";

class Scripts {
public:
    // SCRIPT LOAD of every script, keeping the SHA1 digests the server returns. Error replies throw (fail_reply,
    // with context).
    void load(Connection& connection, const std::string& context);

    // Runs a script and returns its reply. An error reply throws plugin::Error (fail_reply, with context); a
    // broken connection throws Transient.
    Reply run(Connection& connection, Script script, const std::vector<std::string_view>& keys,
              const std::vector<std::string_view>& args, const std::string& context) const;

private:
    std::array<std::string, kScriptCount> sha1_;
};

}  // namespace tote::redis_plugin

#endif  // TOTE_REDIS_SCRIPTS_HPP
