// SPDX-License-Identifier: Apache-2.0
// redis_connection.hpp — one connection to the Redis server (a blocking hiredis context, with a TLS session on
// its socket for rediss://): connecting with AUTH and SELECT, sending one command and reading its reply, and
// telling apart the ways that can fail.
//
// Three kinds of failure leave a command:
//   - a reply of type error (the server refused: WRONGPASS, OOM, READONLY, ...): the connection is fine, and
//     fail_reply() turns the reply into a plugin::Error with the matching tote status;
//   - Transient: the connection broke or timed out. Its fields say whether the command may have reached the
//     server (it was written completely) and whether it was a timeout; the connection is then unusable and the
//     pool (redis_pool.hpp) decides whether to reconnect and retry;
//   - plugin::Error for anything else (bad_alloc included).
#ifndef TOTE_REDIS_CONNECTION_HPP
#define TOTE_REDIS_CONNECTION_HPP

#include "redis_tls.hpp"
#include "redis_url.hpp"

#include <hiredis/hiredis.h>

#include <memory>
#include <stdexcept>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

namespace tote::redis_plugin {

// Where and how to connect; fixed at open().
struct ConnectSettings {
    RedisUrl url;
    int connect_timeout_ms = 5000;
    int timeout_ms = 10000;
    std::shared_ptr<TlsContext> tls;  // set for rediss://: every connection then runs TLS on its socket
};

// The connection broke (or timed out) around a command, or could not be made; what() says why, without naming
// the operation (the pool adds it). maybe_applied: the command was written out whole, so the server may have
// executed it even though no reply came back. A command that was not written out whole was never executed:
// Redis runs only complete commands.
class Transient : public std::runtime_error {
public:
    Transient(std::string message, bool maybe_applied, bool timeout)
        : std::runtime_error(std::move(message)), maybe_applied_(maybe_applied), timeout_(timeout) {}
    bool maybe_applied() const { return maybe_applied_; }
    bool timeout() const { return timeout_; }

private:
    bool maybe_applied_;
    bool timeout_;
};

struct ReplyFree {
    void operator()(redisReply* reply) const { freeReplyObject(reply); }
};
using Reply = std::unique_ptr<redisReply, ReplyFree>;

class Connection {
public:
    // Connects, sets the timeouts, sends AUTH (if the URL has a password) and SELECT (if db is not 0).
    // Throws Transient (maybe_applied false) when the server cannot be reached or does not answer, and
    // plugin::Error(PERMISSION_DENIED) when it refuses the credentials.
    static std::unique_ptr<Connection> connect(const ConnectSettings& settings);

    ~Connection();
    Connection(const Connection&) = delete;
    Connection& operator=(const Connection&) = delete;

    // Sends one command (binary-safe arguments) and returns its reply, which may be of type error. Throws
    // Transient if the connection fails; the connection is then broken() for good.
    Reply command(const std::vector<std::string_view>& args);

    // False if the connection failed, or if the server closed it (or sent something unasked) while it sat idle
    // in the pool: checked without blocking, so a dead connection is never handed a command that would then be
    // reported as "may or may not have been applied".
    bool usable() const;
    bool broken() const { return broken_; }

private:
    Connection(redisContext* context, int timeout_ms);
    [[noreturn]] void fail(int saved_errno, bool maybe_applied);
    [[noreturn]] void fail_tls(TlsStream::Failure failure, bool maybe_applied);
    Reply command_tls(int argc, const char** argv, const size_t* lengths);

    redisContext* context_;
    std::unique_ptr<TlsStream> tls_;  // rediss://: the TLS session on context_'s socket
    int timeout_ms_;  // for messages
    bool broken_ = false;
};

// The tote status for an error reply (first word: OOM, READONLY, NOAUTH, ...).
int32_t status_of_reply_error(std::string_view message);

// Throws plugin::Error for an error reply: the status from status_of_reply_error(), the message with the
// server's words. LOADING and MASTERDOWN (the server executed nothing, and will accept commands soon) throw
// Transient with maybe_applied false instead, so the pool retries them.
[[noreturn]] void fail_reply(const redisReply& reply, const std::string& context);

// The text of a string, status or error reply.
inline std::string_view reply_text(const redisReply& reply) {
    return reply.str != nullptr ? std::string_view(reply.str, reply.len) : std::string_view();
}

}  // namespace tote::redis_plugin

#endif  // TOTE_REDIS_CONNECTION_HPP
