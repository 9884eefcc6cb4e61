// redis_scripts.cpp — the Lua scripts, one per operation that touches more than one Redis key, and running them.
//
// The data model of a store with prefix P (README.md has the reasons):
//   P:store     string "tote-redis/1": the store exists (made by an open with TOTE_OPEN_CREATE)
//   P:seq       integer: the last version handed out; INCR gives every write a new one (never reused, never 0)
//   P:index     sorted set: every key of the store, all with score 0, so ZRANGEBYLEX returns them in byte order
//   P:v:<key>   string: the value, binary-safe (APPEND extends it in place)
//   P:m:<key>   hash: ver (the version, decimal) and t (the modification time, nanoseconds since the epoch)
// A key exists exactly when P:m:<key> does; the scripts keep the three structures in step.
//
// Conventions shared by the scripts:
//   - Checks come first and return before anything is written. The first write of a script is the one that may
//     be refused (OOM under maxmemory: Redis checks at a script's first write, and a script that has written is
//     allowed to finish), so a refused script changes nothing.
//   - Versions and times are built as decimal strings in Lua: Lua numbers are doubles, and redis.call() would
//     turn a large number into "1.7e+18".
//   - Writing scripts first check that P:store still exists (it disappears with FLUSHALL/FLUSHDB, or with a
//     restart of a server without persistence) and return -1 if not, rather than quietly rebuilding part of a
//     store that is gone.
#include "redis_scripts.hpp"

#include <tote/plugin.hpp>

namespace tote::redis_plugin {

using plugin::Error;

namespace {

// Helpers prepended to the scripts that write.
#define TOTE_REDIS_LUA_HELPERS                                                             \
    "local function now_ns()\n"                                                            \
    "  local t = redis.call('TIME')\n"                                                     \
    "  return t[1] .. string.format('%06d', tonumber(t[2])) .. '000'\n"                    \
    "end\n"                                                                                \
    "local function next_version(seq)\n"                                                   \
    "  return string.format('%d', redis.call('INCR', seq))\n"                              \
    "end\n"

// KEYS: marker, index, seq. ARGV: marker text, '1' to create. Returns 1 (exists), 2 (created), 0 (missing, not
// created), -1 (the marker key holds something else), -2 (no marker but other keys of the store exist).
constexpr const char* kOpenStore = R"lua(
local kind = redis.call('TYPE', KEYS[1])['ok']
if kind == 'string' then
  if redis.call('GET', KEYS[1]) == ARGV[1] then return 1 end
  return -1
elseif kind ~= 'none' then
  return -1
end
if ARGV[2] ~= '1' then return 0 end
if redis.call('EXISTS', KEYS[2], KEYS[3]) > 0 then return -2 end
redis.call('SET', KEYS[1], ARGV[1])
return 2
)lua";

// KEYS: value, meta. Returns nil (no such key) or {value, version, mtime_ns}.
constexpr const char* kRead = R"lua(
local meta = redis.call('HMGET', KEYS[2], 'ver', 't')
if not meta[1] then return false end
return {redis.call('GET', KEYS[1]), meta[1], meta[2]}
)lua";

// KEYS: value, meta, index. ARGV: '[key/', '(key0' (the lex range of the keys under key/). Returns {1, size,
// version, mtime_ns} for a key, {2} for a prefix that is not a key, {0} for neither.
constexpr const char* kStat = R"lua(
local meta = redis.call('HMGET', KEYS[2], 'ver', 't')
if meta[1] then return {1, redis.call('STRLEN', KEYS[1]), meta[1], meta[2]} end
if #redis.call('ZRANGEBYLEX', KEYS[3], ARGV[1], ARGV[2], 'LIMIT', 0, 1) > 0 then return {2} end
return {0}
)lua";

// KEYS: value, meta, index, seq, marker. ARGV: key, value, mode ('p' plain, 'c' create-only, 'v' if-version),
// expected version (decimal). Returns {0, version}, {2} (exists), {3} (other version or missing), {-1} (no store).
constexpr const char* kWrite = TOTE_REDIS_LUA_HELPERS R"lua(
if redis.call('EXISTS', KEYS[5]) == 0 then return {-1} end
if ARGV[3] == 'c' then
  if redis.call('EXISTS', KEYS[2]) == 1 then return {2} end
elseif ARGV[3] == 'v' then
  if redis.call('HGET', KEYS[2], 'ver') ~= ARGV[4] then return {3} end
end
redis.call('SET', KEYS[1], ARGV[2])
local ver = next_version(KEYS[4])
redis.call('HSET', KEYS[2], 'ver', ver, 't', now_ns())
redis.call('ZADD', KEYS[3], 0, ARGV[1])
return {0, ver}
)lua";

// KEYS: value, meta, index, seq, marker. ARGV: key, data. APPEND creates the value if absent. Returns {0, version}
// or {-1} (no store).
constexpr const char* kAppend = TOTE_REDIS_LUA_HELPERS R"lua(
if redis.call('EXISTS', KEYS[5]) == 0 then return {-1} end
redis.call('APPEND', KEYS[1], ARGV[2])
local ver = next_version(KEYS[4])
redis.call('HSET', KEYS[2], 'ver', ver, 't', now_ns())
redis.call('ZADD', KEYS[3], 0, ARGV[1])
return {0, ver}
)lua";

// KEYS: value, meta, index. ARGV: key. Returns 1 if removed, 0 if there was no such key.
constexpr const char* kRemove = R"lua(
if redis.call('EXISTS', KEYS[2]) == 0 then return 0 end
redis.call('DEL', KEYS[1], KEYS[2])
redis.call('ZREM', KEYS[3], ARGV[1])
return 1
)lua";

// KEYS: index. ARGV: 'P:', lex min, lex max, at most how many. Removes the first keys of the index in the range;
// returns how many. A recursive remove calls it until it returns less than asked, so that no single script
// blocks the server for long (see README.md: a recursive remove is atomic per chunk).
constexpr const char* kRemoveRange = R"lua(
local keys = redis.call('ZRANGEBYLEX', KEYS[1], ARGV[2], ARGV[3], 'LIMIT', 0, tonumber(ARGV[4]))
if #keys == 0 then return 0 end
local names = {}
for i, k in ipairs(keys) do
  names[2 * i - 1] = ARGV[1] .. 'v:' .. k
  names[2 * i] = ARGV[1] .. 'm:' .. k
end
redis.call('DEL', unpack(names))
redis.call('ZREM', KEYS[1], unpack(keys))
return #keys
)lua";

// KEYS: from value, from meta, to value, to meta, index. ARGV: from, to, '1' to replace. RENAME moves the value
// and its meta hash (version and mtime) as they are. Returns 0 (done, or from == to), 1 (from is not a key), 2 (to
// exists and replacing was not allowed).
constexpr const char* kRename = R"lua(
if redis.call('EXISTS', KEYS[2]) == 0 then return 1 end
if ARGV[1] == ARGV[2] then return 0 end
if ARGV[3] ~= '1' and redis.call('EXISTS', KEYS[4]) == 1 then return 2 end
redis.call('RENAME', KEYS[1], KEYS[3])
redis.call('RENAME', KEYS[2], KEYS[4])
redis.call('ZREM', KEYS[5], ARGV[1])
redis.call('ZADD', KEYS[5], 0, ARGV[2])
return 0
)lua";

// KEYS: index, seq, marker. ARGV: 'P:', n, then n times: key, value, mode, expected version. Checks every op
// first, in order, as if the ops before it had been applied (a key written earlier in the batch exists, at a
// version no caller can know yet); then applies them all. Returns {0, n}, or {status, i} for the first op i
// (0-based) whose check fails: 2 exists, 3 other version; {-1, 0} if the store is gone.
constexpr const char* kBatch = TOTE_REDIS_LUA_HELPERS R"lua(
if redis.call('EXISTS', KEYS[3]) == 0 then return {-1, 0} end
local base, n = ARGV[1], tonumber(ARGV[2])
local written = {}
for i = 0, n - 1 do
  local j = 3 + 4 * i
  local key, mode = ARGV[j], ARGV[j + 2]
  if mode ~= 'p' then
    local current = written[key]
    if current == nil then current = redis.call('HGET', base .. 'm:' .. key, 'ver') end
    if mode == 'c' and current then return {2, i} end
    if mode == 'v' and current ~= ARGV[j + 3] then return {3, i} end
  end
  written[key] = true
end
local t = now_ns()
for i = 0, n - 1 do
  local j = 3 + 4 * i
  local key = ARGV[j]
  redis.call('SET', base .. 'v:' .. key, ARGV[j + 1])
  redis.call('HSET', base .. 'm:' .. key, 'ver', next_version(KEYS[2]), 't', t)
  redis.call('ZADD', KEYS[1], 0, key)
end
return {0, n}
)lua";

#undef TOTE_REDIS_LUA_HELPERS

constexpr const char* kBodies[kScriptCount] = {kOpenStore, kRead, kStat, kWrite, kAppend,
                                               kRemove, kRemoveRange, kRename, kBatch};

const char* body(Script script) { return kBodies[static_cast<size_t>(script)]; }

}  // namespace

void Scripts::load(Connection& connection, const std::string& context) {
    for (size_t i = 0; i < kScriptCount; ++i) {
        Reply reply = connection.command({"SCRIPT", "LOAD", kBodies[i]});
        if (reply->type == REDIS_REPLY_ERROR) fail_reply(*reply, context);
        if (reply->type != REDIS_REPLY_STRING) throw Error(TOTE_INTERNAL, "unexpected reply to SCRIPT LOAD");
        sha1_[i] = std::string(reply_text(*reply));
    }
}

Reply Scripts::run(Connection& connection, Script script, const std::vector<std::string_view>& keys,
                   const std::vector<std::string_view>& args, const std::string& context) const {
    const std::string key_count = std::to_string(keys.size());
    std::vector<std::string_view> argv;
    argv.reserve(3 + keys.size() + args.size());
    argv.push_back("EVALSHA");
    argv.push_back(sha1_[static_cast<size_t>(script)]);
    argv.push_back(key_count);
    argv.insert(argv.end(), keys.begin(), keys.end());
    argv.insert(argv.end(), args.begin(), args.end());
    Reply reply = connection.command(argv);
    if (reply->type == REDIS_REPLY_ERROR && reply_text(*reply).substr(0, 8) == "NOSCRIPT") {
        // The server lost its script cache (restart, SCRIPT FLUSH). NOSCRIPT means nothing ran, so sending the
        // script itself is safe for every operation; EVAL also caches it again for the next EVALSHA.
        argv[0] = "EVAL";
        argv[1] = body(script);
        reply = connection.command(argv);
    }
    if (reply->type == REDIS_REPLY_ERROR) fail_reply(*reply, context);
    return reply;
}

}  // namespace tote::redis_plugin
