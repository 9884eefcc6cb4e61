// SPDX-License-Identifier: Apache-2.0
// redis_store.cpp — RedisStore's operations: each one a Lua script (redis_scripts.cpp) or, for listings, pages of
// ZRANGEBYLEX over the store's index, run through the pool (redis_pool.hpp) so that a lost connection is
// retried or reported as the operation's kind allows.
#include "redis_store.hpp"

#include <first_party.hpp>

#include <algorithm>
#include <cstdio>
#include <cstdlib>
#include <utility>

namespace tote::redis_plugin {

using plugin::Error;
using first_party::hex;

namespace {

// Keys per ZRANGEBYLEX page of a listing, and per script of a recursive remove. Big enough that a page costs
// little more than its round trip, small enough that no script blocks the server for long (a few ms).
constexpr size_t kPageKeys = 1000;
constexpr const char* kPageKeysText = "1000";

[[noreturn]] void unexpected(const char* what) {
    throw Error(TOTE_INTERNAL, std::string("unexpected reply from the server to ") + what);
}

const redisReply& element(const redisReply& reply, size_t i, const char* what) {
    if (reply.type != REDIS_REPLY_ARRAY || i >= reply.elements || reply.element[i] == nullptr) unexpected(what);
    return *reply.element[i];
}

int64_t integer(const redisReply& reply, const char* what) {
    if (reply.type != REDIS_REPLY_INTEGER) unexpected(what);
    return reply.integer;
}

std::string_view text(const redisReply& reply, const char* what) {
    if (reply.type != REDIS_REPLY_STRING) unexpected(what);
    return reply_text(reply);
}

// Versions and times are stored as decimal strings (see redis_scripts.cpp).
uint64_t parse_version(const redisReply& reply, const char* what) {
    const std::string digits(text(reply, what));
    char* end = nullptr;
    const unsigned long long value = std::strtoull(digits.c_str(), &end, 10);
    if (digits.empty() || *end != '\0' || value == 0) throw Error(TOTE_CORRUPT, "a stored version is not a number: " + digits);
    return value;
}

int64_t parse_mtime(const redisReply& reply, const char* what) {
    if (reply.type == REDIS_REPLY_NIL) return 0;
    const std::string digits(text(reply, what));
    char* end = nullptr;
    const long long value = std::strtoll(digits.c_str(), &end, 10);
    return digits.empty() || *end != '\0' ? 0 : value;
}

bool starts_with(std::string_view text_, std::string_view start) { return text_.substr(0, start.size()) == start; }

// The keys under name + "/" are exactly those in [name + "/", name + "0"): '0' is the byte right after '/'. As
// ZRANGEBYLEX bounds: "[name/" (inclusive) to "(name0" (exclusive).
std::string subtree_min(std::string_view name) { return "[" + std::string(name) + "/"; }
std::string subtree_max(std::string_view name) { return "(" + std::string(name) + "0"; }

// An expiry as the scripts take it: nanoseconds (stored) and milliseconds (PEXPIREAT, scores), '' for none.
struct Expiry {
    std::string ns, ms;
};
Expiry expiry_of(const plugin::WriteOp& op) {
    if (!op.expires()) return {};
    // Milliseconds, rounded down: Redis removes the value no later than its expiry time.
    const int64_t ms = op.expires_ns >= 0 ? op.expires_ns / 1000000 : -((-op.expires_ns + 999999) / 1000000);
    return {std::to_string(op.expires_ns), std::to_string(ms)};
}

int64_t parse_expiry(const redisReply& reply, const char* what) {
    if (reply.type == REDIS_REPLY_NIL) return 0;
    return parse_mtime(reply, what);
}

const char* write_op_name(const plugin::WriteOp& op) {
    return op.create_only() ? "create-only write" : op.if_version() ? "compare-version write" : "write";
}
const char* write_mode(const plugin::WriteOp& op) {
    return op.remove() ? "r" : op.create_only() ? "c" : op.if_version() ? "v" : "p";
}

}  // namespace

RedisStore::RedisStore(ConnectSettings settings, size_t pool_size, int retries, Scripts scripts, std::string prefix,
                       bool read_only, std::unique_ptr<Connection> first)
    : pool_(std::move(settings), pool_size, retries),
      scripts_(std::move(scripts)),
      prefix_(std::move(prefix)),
      base_(prefix_ + ":"),
      index_(base_ + "index"),
      seq_(base_ + "seq"),
      marker_(base_ + "store"),
      expiry_(base_ + "expiry"),
      read_only_(read_only) {
    pool_.adopt(std::move(first));
}

std::string RedisStore::value_key(std::string_view key) const { return base_ + "v:" + std::string(key); }
std::string RedisStore::meta_key(std::string_view key) const { return base_ + "m:" + std::string(key); }

std::string RedisStore::refused(const char* op) const {
    return "the server at " + pool_.settings().url.endpoint() + " refused the " + op;
}

void RedisStore::check_writable() const {
    // The host sends no write to a read-only store; this guards against a host that would.
    if (read_only_) throw Error(TOTE_PERMISSION_DENIED, "the store is open read-only");
}

void RedisStore::store_gone() const {
    throw Error(TOTE_NOT_FOUND, "the store '" + prefix_ + "' no longer exists on " + pool_.settings().url.endpoint() +
                                    ": its marker key " + marker_ +
                                    " is gone (FLUSHALL or FLUSHDB, or a restart of a server without persistence); "
                                    "nothing was written. Open the store with create to start it afresh");
}

// ---- Reading ------------------------------------------------------------------------------------------------------

void RedisStore::read(std::string_view key, plugin::ValueSink& sink, plugin::Stat* stat) {
    const std::string v = value_key(key), m = meta_key(key);
    // The whole value comes in one reply; the connection goes back to the pool before the sink runs (the sink may
    // call into this store). Without a stat, one GET: P:v:<key> exists exactly when the key does (the scripts
    // create and remove it together with P:m:<key>), and a plain GET costs the server a fraction of a script.
    if (stat == nullptr) {
        Reply value = pool_.run("read", Kind::read, [&](Connection& c, const Attempt&) {
            Reply reply = c.command({"GET", v});
            if (reply->type == REDIS_REPLY_ERROR) fail_reply(*reply, refused("read"));
            return reply;
        });
        if (value->type == REDIS_REPLY_NIL) throw Error(TOTE_NOT_FOUND, "no such key");
        sink.write(text(*value, "read"));
        return;
    }
    // With a stat, the value and its version are read atomically, by a script.
    Reply reply = pool_.run("read", Kind::read, [&](Connection& c, const Attempt&) {
        return scripts_.run(c, Script::read, {v, m}, {}, refused("read"));
    });
    if (reply->type == REDIS_REPLY_NIL) throw Error(TOTE_NOT_FOUND, "no such key");
    const redisReply& value = element(*reply, 0, "read");
    if (value.type == REDIS_REPLY_NIL)
        throw Error(TOTE_CORRUPT, "the key has a version but its value " + v + " is missing on the server");
    if (stat != nullptr) {
        *stat = plugin::Stat{TOTE_KIND_KEY, value.len, parse_mtime(element(*reply, 2, "read"), "read"),
                             parse_version(element(*reply, 1, "read"), "read"),
                             parse_expiry(element(*reply, 3, "read"), "read")};
    }
    sink.write(text(value, "read"));
}

void RedisStore::read_range(std::string_view key, uint64_t offset, uint64_t length, plugin::ValueSink& sink,
                            plugin::Stat* stat) {
    const std::string v = value_key(key), m = meta_key(key);
    // GETRANGE takes the first and the last byte (inclusive); a string holds at most 512 MB, so the clamp below
    // changes nothing that exists. No byte at all (length 0) is sent as ''.
    constexpr uint64_t kMax = uint64_t{1} << 40;
    const uint64_t first = std::min(offset, kMax), count = std::min(length, kMax);
    const std::string from = count == 0 ? "" : std::to_string(first), to = count == 0 ? "" : std::to_string(first + count - 1);
    Reply reply = pool_.run("read", Kind::read, [&](Connection& c, const Attempt&) {
        return scripts_.run(c, Script::read_range, {v, m}, {from, to}, refused("read"));
    });
    if (reply->type == REDIS_REPLY_NIL) throw Error(TOTE_NOT_FOUND, "no such key");
    if (stat != nullptr)
        *stat = plugin::Stat{TOTE_KIND_KEY, static_cast<uint64_t>(integer(element(*reply, 1, "read"), "read")),
                             parse_mtime(element(*reply, 3, "read"), "read"),
                             parse_version(element(*reply, 2, "read"), "read"),
                             parse_expiry(element(*reply, 4, "read"), "read")};
    sink.write(text(element(*reply, 0, "read"), "read"));
}

plugin::Stat RedisStore::stat(std::string_view key) {
    const std::string v = value_key(key), m = meta_key(key), min = subtree_min(key), max = subtree_max(key);
    Reply reply = pool_.run("stat", Kind::read, [&](Connection& c, const Attempt&) {
        return scripts_.run(c, Script::stat, {v, m, index_}, {min, max, base_}, refused("stat"));
    });
    const int64_t kind = integer(element(*reply, 0, "stat"), "stat");
    if (kind == 1) {
        return plugin::Stat{TOTE_KIND_KEY, static_cast<uint64_t>(integer(element(*reply, 1, "stat"), "stat")),
                            parse_mtime(element(*reply, 3, "stat"), "stat"),
                            parse_version(element(*reply, 2, "stat"), "stat"),
                            parse_expiry(element(*reply, 4, "stat"), "stat")};
    }
    if (kind == 2) return plugin::Stat{TOTE_KIND_PREFIX, 0, 0, 0, 0};
    throw Error(TOTE_NOT_FOUND, "no such key or prefix");
}

bool RedisStore::any_expiring() {
    const Reply reply = pool_.run("list", Kind::read, [&](Connection& c, const Attempt&) {
        Reply r = c.command({"EXISTS", expiry_});
        if (r->type == REDIS_REPLY_ERROR) fail_reply(*r, refused("listing"));
        return r;
    });
    return integer(*reply, "EXISTS") > 0;
}

// Listing uses the sorted set P:index, not SCAN: SCAN returns keys in no particular order (and may return one
// twice), while tote lists in byte order and resumes with start_after. All members have score 0, so Redis orders
// them by their bytes (memcmp), which is tote's order, and ZRANGEBYLEX ... LIMIT streams any range of them in
// pages: O(log n) per page, nothing held in memory but one page, and never KEYS. While some key of the store
// expires, each page is a script that also drops the keys P:expiry says are gone (the index lags behind).
void RedisStore::list(const plugin::ListParams& params, plugin::EntrySink& out) {
    const std::string_view prefix = params.prefix;
    const std::string_view after = params.start_after;
    if (!prefix.empty() && prefix.back() != '/')
        throw Error(TOTE_INVALID_ARGUMENT, "a listing prefix must be empty or end with '/'");
    // The keys under prefix "a/" are those in [a/, a0); under "" all of them.
    const std::string max = prefix.empty() ? "+" : subtree_max(prefix.substr(0, prefix.size() - 1));
    // Start at the prefix, or just after start_after if that lies further on (it may lie anywhere).
    std::string min;
    if (!after.empty() && after >= prefix)
        min = "(" + std::string(after);
    else
        min = prefix.empty() ? "-" : "[" + std::string(prefix);
    const bool filter = any_expiring();

    for (;;) {
        // Fetch one page, give the connection back, then emit: the callback may call into the store.
        // The keys are used where they lie in the reply (one allocation per page, not per key).
        const Reply reply = pool_.run("list", Kind::read, [&](Connection& c, const Attempt&) {
            Reply r = filter ? scripts_.run(c, Script::list_live, {index_, expiry_}, {min, max, kPageKeysText},
                                            refused("listing"))
                             : c.command({"ZRANGEBYLEX", index_, min, max, "LIMIT", "0", kPageKeysText});
            if (r->type == REDIS_REPLY_ERROR) fail_reply(*r, refused("listing"));
            if (r->type != REDIS_REPLY_ARRAY) unexpected("ZRANGEBYLEX");
            return r;
        });
        // The page: the keys to consider, the last key the server scanned, and how many it scanned.
        const size_t first = filter ? 2 : 0;
        std::vector<std::string_view> page;
        page.reserve(reply->elements);
        for (size_t i = first; i < reply->elements; ++i) page.push_back(text(element(*reply, i, "list"), "list"));
        const size_t scanned = filter ? static_cast<size_t>(integer(element(*reply, 1, "list"), "list")) : page.size();
        if (scanned == 0) return;
        const std::string_view last = filter ? text(element(*reply, 0, "list"), "list") : page.back();
        std::string skipping;  // one level: the sub-prefix already reported, whose keys are passed over
        bool seek = false;
        for (const std::string_view key : page) {
            if (!skipping.empty() && starts_with(key, skipping)) continue;
            const size_t slash = params.recursive ? std::string::npos : key.find('/', prefix.size());
            if (slash == std::string::npos) {
                // Every key of the range sorts after start_after (the lower bound excludes it).
                if (!out.emit(key, TOTE_KIND_KEY)) return;
                continue;
            }
            // A deeper key: report its sub-prefix "prefix/seg/" once (unless it does not sort after start_after,
            // which happens when start_after lies inside it), then pass over the rest of its subtree.
            skipping = key.substr(0, slash + 1);
            if (std::string_view(skipping) > after && !out.emit(skipping, TOTE_KIND_PREFIX)) return;
            // If the page ends inside this subtree, ask for the keys after it rather than paging through it: a
            // sub-prefix holding a million keys costs one ZRANGEBYLEX.
            if (starts_with(last, skipping)) {
                seek = true;
                break;
            }
        }
        if (scanned < kPageKeys) return;  // the range holds nothing after this page
        if (seek)
            min = "[" + skipping.substr(0, skipping.size() - 1) + "0";  // the first key after "prefix/seg/..."
        else
            min = "(" + std::string(last);
    }
}

// ---- Writing ------------------------------------------------------------------------------------------------------

uint64_t RedisStore::write(const plugin::WriteOp& op) {
    check_writable();
    const std::string v = value_key(op.key), m = meta_key(op.key), expected = std::to_string(op.expected_version);
    const char* name = write_op_name(op);
    // A plain write may be sent again after a lost connection; a conditional one may not (redis_pool.hpp).
    const Kind kind = op.create_only() || op.if_version() ? Kind::once : Kind::idempotent_write;
    const Expiry expiry = expiry_of(op);
    Reply reply = pool_.run(name, kind, [&](Connection& c, const Attempt&) {
        return scripts_.run(c, Script::write, {v, m, index_, seq_, marker_, expiry_},
                            {op.key, op.value, write_mode(op), expected, expiry.ns, expiry.ms, base_}, refused(name));
    });
    switch (integer(element(*reply, 0, "write"), "write")) {
    case 0: return parse_version(element(*reply, 1, "write"), "write");
    case 2: throw Error(TOTE_ALREADY_EXISTS, "the key already exists");
    case 3:
        throw Error(TOTE_PRECONDITION_FAILED, "the key does not exist or is not at version " + hex(op.expected_version));
    case -1: store_gone();
    default: unexpected("write");
    }
}

plugin::AppendResult RedisStore::append(const plugin::AppendOp& op) {
    check_writable();
    const std::string v = value_key(op.key), m = meta_key(op.key);
    const std::string expected = op.if_size() ? std::to_string(op.expected_size) : "";
    const char* name = op.if_size() ? "conditional append" : "append";
    Reply reply = pool_.run(name, Kind::once, [&](Connection& c, const Attempt&) {
        return scripts_.run(c, Script::append, {v, m, index_, seq_, marker_, expiry_}, {op.key, op.data, expected, base_},
                            refused(name));
    });
    const int64_t code = integer(element(*reply, 0, "append"), "append");
    if (code == -1) store_gone();
    if (code == 3)
        throw Error(TOTE_PRECONDITION_FAILED, "the value is not " + std::to_string(op.expected_size) + " bytes long");
    if (code != 0) unexpected("append");
    return plugin::AppendResult{static_cast<uint64_t>(integer(element(*reply, 2, "append"), "append")),
                                parse_version(element(*reply, 1, "append"), "append")};
}

void RedisStore::remove(std::string_view key, bool recursive) {
    check_writable();
    const std::string v = value_key(key), m = meta_key(key);
    // Removes are sent again after a lost connection (the key ends up absent either way). If an earlier attempt
    // may have been applied, finding nothing on the retry counts as removed: the key may well have gone with it.
    bool removed = pool_.run("remove", Kind::idempotent_write, [&](Connection& c, const Attempt& attempt) {
        Reply reply = scripts_.run(c, Script::remove, {v, m, index_, expiry_}, {key}, refused("remove"));
        return integer(*reply, "remove") == 1 || attempt.after_maybe_applied;
    });
    // Everything under key + "/", one chunk per script: each chunk is atomic, the whole is not (README.md).
    if (recursive && remove_range(subtree_min(key), subtree_max(key)) > 0) removed = true;
    if (!removed) throw Error(TOTE_NOT_FOUND, recursive ? "no such key or prefix" : "no such key");
}

int64_t RedisStore::remove_range(const std::string& min, const std::string& max) {
    int64_t removed = 0;
    for (;;) {
        bool full = false;
        pool_.run("recursive remove", Kind::idempotent_write, [&](Connection& c, const Attempt& attempt) {
            if (attempt.after_maybe_applied) removed = std::max<int64_t>(removed, 1);
            Reply reply = scripts_.run(c, Script::remove_range, {index_, expiry_}, {base_, min, max, kPageKeysText},
                                       refused("recursive remove"));
            removed += integer(element(*reply, 0, "recursive remove"), "recursive remove");
            full = integer(element(*reply, 1, "recursive remove"), "recursive remove") == 1;
        });
        if (!full) return removed;
    }
}

void RedisStore::rename(std::string_view from, std::string_view to, bool replace) {
    check_writable();
    const std::string vf = value_key(from), mf = meta_key(from), vt = value_key(to), mt = meta_key(to);
    Reply reply = pool_.run("rename", Kind::once, [&](Connection& c, const Attempt&) {
        return scripts_.run(c, Script::rename, {vf, mf, vt, mt, index_, expiry_}, {from, to, replace ? "1" : "0"},
                            refused("rename"));
    });
    switch (integer(*reply, "rename")) {
    case 0: return;
    case 1: throw Error(TOTE_NOT_FOUND, "the source key does not exist");
    case 2: throw Error(TOTE_ALREADY_EXISTS, "the destination key exists");
    default: unexpected("rename");
    }
}

void RedisStore::write_batch(const std::vector<plugin::WriteOp>& ops, size_t& failed_index) {
    failed_index = ops.size();  // a failure that is no one op's (connection, server) is reported as index count
    if (ops.empty()) return;
    check_writable();
    // One script gets the whole batch, so it is all or nothing. Only a batch of plain writes may be sent again
    // after a lost connection (redis_pool.hpp).
    const std::string count = std::to_string(ops.size());
    std::vector<std::string> expected;
    std::vector<Expiry> expiries;
    expected.reserve(ops.size());
    expiries.reserve(ops.size());
    std::vector<std::string_view> args;
    args.reserve(2 + 6 * ops.size());
    args.push_back(base_);
    args.push_back(count);
    bool all_plain = true;
    for (const plugin::WriteOp& op : ops) {
        expected.push_back(std::to_string(op.expected_version));  // reserved: the views below stay valid
        expiries.push_back(expiry_of(op));
        args.push_back(op.key);
        args.push_back(op.value);
        args.push_back(write_mode(op));
        args.push_back(expected.back());
        args.push_back(expiries.back().ns);
        args.push_back(expiries.back().ms);
        all_plain = all_plain && !op.create_only() && !op.if_version();
    }
    Reply reply = pool_.run("batch", all_plain ? Kind::idempotent_write : Kind::once, [&](Connection& c, const Attempt&) {
        return scripts_.run(c, Script::batch, {index_, seq_, marker_, expiry_}, args, refused("batch"));
    });
    const int64_t code = integer(element(*reply, 0, "batch"), "batch");
    const int64_t index = integer(element(*reply, 1, "batch"), "batch");
    if (code == 0) return;
    if (code == -1) store_gone();
    if (index < 0 || static_cast<size_t>(index) >= ops.size()) unexpected("batch");
    failed_index = static_cast<size_t>(index);
    const plugin::WriteOp& op = ops[failed_index];
    if (code == 2) throw Error(TOTE_ALREADY_EXISTS, "the key already exists; nothing in the batch was written");
    if (code == 3)
        throw Error(TOTE_PRECONDITION_FAILED, "the key does not exist or is not at version " + hex(op.expected_version) +
                                                  "; nothing in the batch was written");
    unexpected("batch");
}

}  // namespace tote::redis_plugin
