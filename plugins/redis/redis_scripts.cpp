// SPDX-License-Identifier: Apache-2.0
// redis_scripts.cpp — the Lua scripts, one per operation that touches more than one Redis key, and running them.
//
// The data model of a store with prefix P (README.md has the reasons):
//   P:store     string "tote-redis/1": the store exists (made by an open with TOTE_OPEN_CREATE)
//   P:seq       integer: the last version handed out; INCR gives every write a new one (never reused, never 0)
//   P:index     sorted set: every key of the store, all with score 0, so ZRANGEBYLEX returns them in byte order
//   P:v:<key>   string: the value, binary-safe (APPEND extends it in place)
//   P:m:<key>   hash: ver (the version, decimal), t (the modification time, nanoseconds since the epoch) and, for
//               a value that expires, x (the expiry time in nanoseconds)
//   P:expiry    sorted set (ABI 1.1): the keys that expire, scored by their expiry time in milliseconds
// A key exists exactly when P:m:<key> does; the scripts keep the structures in step. A value that expires has
// PEXPIREAT on both P:v:<key> and P:m:<key>, so Redis itself removes them on time; P:index still names the key
// until a later write purges it (a few at a time, from P:expiry), so readers of the index (listings, the prefix
// check of stat) skip keys that P:expiry says are gone.
//
// Conventions shared by the scripts:
//   - Checks come first and return before anything is written. The first write of a script is the one that may
//     be refused (OOM under maxmemory: Redis checks at a script's first write, and a script that has written is
//     allowed to finish), so a refused script changes nothing.
//   - Versions and times are built as decimal strings in Lua: Lua numbers are doubles, and redis.call() would
//     turn a large number into "1.7e+18". Expiry times come from the client as two strings, nanoseconds (kept in
//     x) and milliseconds (for PEXPIREAT and the score), since nanoseconds since 1970 are beyond a double's
//     integers.
//   - Writing scripts first check that P:store still exists (it disappears with FLUSHALL/FLUSHDB, or with a
//     restart of a server without persistence) and return -1 if not, rather than quietly rebuilding part of a
//     store that is gone.
#include "redis_scripts.hpp"

#include <tote/plugin.hpp>

namespace tote::redis_plugin {

using plugin::Error;

namespace {

// Helpers prepended to the scripts that write.
#define TOTE_REDIS_LUA_HELPERS                                                                        \
    "local function now_ns()\n"                                                                       \
    "  local t = redis.call('TIME')\n"                                                                \
    "  return t[1] .. string.format('%06d', tonumber(t[2])) .. '000'\n"                               \
    "end\n"                                                                                           \
    "local function now_ms()\n"                                                                       \
    "  local t = redis.call('TIME')\n"                                                                \
    "  return tonumber(t[1]) * 1000 + math.floor(tonumber(t[2]) / 1000)\n"                            \
    "end\n"                                                                                           \
    "local function next_version(seq)\n"                                                              \
    "  return string.format('%d', redis.call('INCR', seq))\n"                                         \
    "end\n"                                                                                           \
    "-- Takes up to 64 expired keys out of the index (Redis removes their value and meta itself).\n"  \
    "local function purge(index, expiry, base)\n"                                                     \
    "  local gone = redis.call('ZRANGEBYSCORE', expiry, '-inf', now_ms(), 'LIMIT', 0, 64)\n"          \
    "  if #gone == 0 then return end\n"                                                               \
    "  local names = {}\n"                                                                            \
    "  for i, k in ipairs(gone) do\n"                                                                 \
    "    names[2 * i - 1] = base .. 'v:' .. k\n"                                                      \
    "    names[2 * i] = base .. 'm:' .. k\n"                                                          \
    "  end\n"                                                                                         \
    "  redis.call('DEL', unpack(names))\n"                                                            \
    "  redis.call('ZREM', index, unpack(gone))\n"                                                     \
    "  redis.call('ZREM', expiry, unpack(gone))\n"                                                    \
    "end\n"                                                                                           \
    "-- After a write of key (value v, meta m): its expiry, x_ns and x_ms as strings, '' for none.\n" \
    "local function set_expiry(v, m, expiry, key, x_ns, x_ms)\n"                                      \
    "  if x_ns == '' then\n"                                                                          \
    "    redis.call('PERSIST', v)\n"                                                                  \
    "    redis.call('PERSIST', m)\n"                                                                  \
    "    redis.call('HDEL', m, 'x')\n"                                                                \
    "    redis.call('ZREM', expiry, key)\n"                                                           \
    "  else\n"                                                                                        \
    "    redis.call('HSET', m, 'x', x_ns)\n"                                                          \
    "    redis.call('ZADD', expiry, x_ms, key)\n"                                                     \
    "    redis.call('PEXPIREAT', v, x_ms)\n"                                                          \
    "    redis.call('PEXPIREAT', m, x_ms)\n"                                                          \
    "  end\n"                                                                                         \
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

// KEYS: value, meta. Returns nil (no such key) or {value, version, mtime_ns, expires_ns or nil}.
constexpr const char* kRead = R"lua(
local meta = redis.call('HMGET', KEYS[2], 'ver', 't', 'x')
if not meta[1] then return false end
return {redis.call('GET', KEYS[1]), meta[1], meta[2], meta[3]}
)lua";

// KEYS: value, meta. ARGV: first byte, last byte (inclusive; GETRANGE's form), or '' for no byte at all.
// Returns nil (no such key) or {bytes, size, version, mtime_ns, expires_ns or nil}.
constexpr const char* kReadRange = R"lua(
local meta = redis.call('HMGET', KEYS[2], 'ver', 't', 'x')
if not meta[1] then return false end
local bytes = ''
if ARGV[1] ~= '' then bytes = redis.call('GETRANGE', KEYS[1], ARGV[1], ARGV[2]) end
return {bytes, redis.call('STRLEN', KEYS[1]), meta[1], meta[2], meta[3]}
)lua";

// KEYS: value, meta, index. ARGV: '[key/', '(key0' (the lex range of the keys under key/), 'P:'. Returns {1, size,
// version, mtime_ns, expires_ns or nil} for a key, {2} for a prefix that is not a key (one of the keys the index
// names under it still exists), {0} for neither.
constexpr const char* kStat = R"lua(
local meta = redis.call('HMGET', KEYS[2], 'ver', 't', 'x')
if meta[1] then return {1, redis.call('STRLEN', KEYS[1]), meta[1], meta[2], meta[3]} end
local from = ARGV[1]
while true do
  local keys = redis.call('ZRANGEBYLEX', KEYS[3], from, ARGV[2], 'LIMIT', 0, 64)
  for _, k in ipairs(keys) do
    if redis.call('EXISTS', ARGV[3] .. 'm:' .. k) == 1 then return {2} end
  end
  if #keys < 64 then return {0} end
  from = '(' .. keys[#keys]
end
)lua";

// KEYS: index, expiry. ARGV: lex min, lex max, at most how many. One page of a listing of a store where keys
// expire: {last key scanned, how many scanned, then the keys among them that have not expired}.
constexpr const char* kListLive = R"lua(
local keys = redis.call('ZRANGEBYLEX', KEYS[1], ARGV[1], ARGV[2], 'LIMIT', 0, tonumber(ARGV[3]))
if #keys == 0 then return {'', 0} end
local t = redis.call('TIME')
local now = tonumber(t[1]) * 1000 + math.floor(tonumber(t[2]) / 1000)
local scores = redis.call('ZMSCORE', KEYS[2], unpack(keys))
local out = {keys[#keys], #keys}
for i, k in ipairs(keys) do
  if not scores[i] or tonumber(scores[i]) > now then out[#out + 1] = k end
end
return out
)lua";

// KEYS: value, meta, index, seq, marker, expiry. ARGV: key, value, mode ('p' plain, 'c' create-only, 'v'
// if-version), expected version (decimal), expiry ns and ms ('' for none), 'P:'. Returns {0, version}, {2}
// (exists), {3} (other version or missing), {-1} (no store).
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
set_expiry(KEYS[1], KEYS[2], KEYS[6], ARGV[1], ARGV[5], ARGV[6])
redis.call('ZADD', KEYS[3], 0, ARGV[1])
purge(KEYS[3], KEYS[6], ARGV[7])
return {0, ver}
)lua";

// KEYS: value, meta, index, seq, marker, expiry. ARGV: key, data, expected size ('' for none), 'P:'. APPEND
// creates the value if absent and keeps its expiry if present. Returns {0, version, old size}, {3} (the value is
// not of the expected size) or {-1} (no store).
constexpr const char* kAppend = TOTE_REDIS_LUA_HELPERS R"lua(
if redis.call('EXISTS', KEYS[5]) == 0 then return {-1} end
local size = 0
if redis.call('EXISTS', KEYS[2]) == 1 then
  size = redis.call('STRLEN', KEYS[1])
else
  redis.call('DEL', KEYS[1])
end
if ARGV[3] ~= '' and tostring(size) ~= ARGV[3] then return {3} end
redis.call('APPEND', KEYS[1], ARGV[2])
local ver = next_version(KEYS[4])
redis.call('HSET', KEYS[2], 'ver', ver, 't', now_ns())
redis.call('ZADD', KEYS[3], 0, ARGV[1])
purge(KEYS[3], KEYS[6], ARGV[4])
return {0, ver, size}
)lua";

// KEYS: value, meta, index, expiry. ARGV: key. Returns 1 if removed, 0 if there was no such key.
constexpr const char* kRemove = R"lua(
if redis.call('EXISTS', KEYS[2]) == 0 then return 0 end
redis.call('DEL', KEYS[1], KEYS[2])
redis.call('ZREM', KEYS[3], ARGV[1])
redis.call('ZREM', KEYS[4], ARGV[1])
return 1
)lua";

// KEYS: index, expiry. ARGV: 'P:', lex min, lex max, at most how many. Removes the first keys of the index in the
// range; returns how many of them still existed, and whether the range held as many as asked ({live, full}). A
// recursive remove calls it until the range is exhausted, so that no single script blocks the server for long
// (see README.md: a recursive remove is atomic per chunk).
constexpr const char* kRemoveRange = R"lua(
local keys = redis.call('ZRANGEBYLEX', KEYS[1], ARGV[2], ARGV[3], 'LIMIT', 0, tonumber(ARGV[4]))
if #keys == 0 then return {0, 0} end
local names = {}
for i, k in ipairs(keys) do
  names[2 * i - 1] = ARGV[1] .. 'v:' .. k
  names[2 * i] = ARGV[1] .. 'm:' .. k
end
local live = 0
for i = 2, #names, 2 do live = live + redis.call('EXISTS', names[i]) end
redis.call('DEL', unpack(names))
redis.call('ZREM', KEYS[1], unpack(keys))
redis.call('ZREM', KEYS[2], unpack(keys))
if #keys == tonumber(ARGV[4]) then return {live, 1} end
return {live, 0}
)lua";

// KEYS: from value, from meta, to value, to meta, index, expiry. ARGV: from, to, '1' to replace. RENAME moves the
// value and its meta hash (version, mtime, expiry) as they are, with their time to live. Returns 0 (done, or
// from == to), 1 (from is not a key), 2 (to exists and replacing was not allowed).
constexpr const char* kRename = R"lua(
if redis.call('EXISTS', KEYS[2]) == 0 then return 1 end
if ARGV[1] == ARGV[2] then return 0 end
if ARGV[3] ~= '1' and redis.call('EXISTS', KEYS[4]) == 1 then return 2 end
local score = redis.call('ZSCORE', KEYS[6], ARGV[1])
redis.call('RENAME', KEYS[1], KEYS[3])
redis.call('RENAME', KEYS[2], KEYS[4])
redis.call('ZREM', KEYS[5], ARGV[1])
redis.call('ZADD', KEYS[5], 0, ARGV[2])
redis.call('ZREM', KEYS[6], ARGV[1], ARGV[2])
if score then redis.call('ZADD', KEYS[6], score, ARGV[2]) end
return 0
)lua";

// KEYS: index, seq, marker, expiry. ARGV: 'P:', n, then n times: key, value, mode ('p' plain, 'c' create-only,
// 'v' compare-version, 'r' remove), expected version, expiry ns, expiry ms. Checks every op first, in order, as if the ops before it had been applied (a key written earlier in
// the batch exists, at a version no caller can know yet); then applies them all. Returns {0, n}, or {status, i}
// for the first op i (0-based) whose check fails: 2 exists, 3 other version; {-1, 0} if the store is gone.
constexpr const char* kBatch = TOTE_REDIS_LUA_HELPERS R"lua(
if redis.call('EXISTS', KEYS[3]) == 0 then return {-1, 0} end
local base, n = ARGV[1], tonumber(ARGV[2])
local written = {}
for i = 0, n - 1 do
  local j = 3 + 6 * i
  local key, mode = ARGV[j], ARGV[j + 2]
  if mode == 'r' then
    written[key] = false
  else
    if mode ~= 'p' then
      local current = written[key]
      if current == nil then current = redis.call('HGET', base .. 'm:' .. key, 'ver') end
      if mode == 'c' and current then return {2, i} end
      if mode == 'v' and current ~= ARGV[j + 3] then return {3, i} end
    end
    written[key] = true
  end
end
local t = now_ns()
for i = 0, n - 1 do
  local j = 3 + 6 * i
  local key = ARGV[j]
  local v, m = base .. 'v:' .. key, base .. 'm:' .. key
  if ARGV[j + 2] == 'r' then
    redis.call('DEL', v, m)
    redis.call('ZREM', KEYS[1], key)
    redis.call('ZREM', KEYS[4], key)
  else
    redis.call('SET', v, ARGV[j + 1])
    redis.call('HSET', m, 'ver', next_version(KEYS[2]), 't', t)
    set_expiry(v, m, KEYS[4], key, ARGV[j + 4], ARGV[j + 5])
    redis.call('ZADD', KEYS[1], 0, key)
  end
end
purge(KEYS[1], KEYS[4], base)
return {0, n}
)lua";

#undef TOTE_REDIS_LUA_HELPERS

constexpr const char* kBodies[kScriptCount] = {kOpenStore, kRead,         kReadRange, kStat,   kListLive, kWrite,
                                               kAppend,    kRemove,       kRemoveRange, kRename, kBatch};

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
