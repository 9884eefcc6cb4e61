// SPDX-License-Identifier: Apache-2.0
// redis_connection.cpp — one blocking hiredis connection: connect (+ TLS) + AUTH + SELECT, one command at a time,
// and the mapping of Redis error replies to tote statuses.
#include "redis_connection.hpp"

#include <tote/plugin.hpp>

#include <poll.h>
#include <pthread.h>
#include <signal.h>
#include <sys/time.h>

#include <cerrno>
#include <ctime>
#include <new>

namespace tote::redis_plugin {

using plugin::Error;

namespace {

timeval to_timeval(int ms) {
    timeval tv{};
    tv.tv_sec = ms / 1000;
    tv.tv_usec = static_cast<suseconds_t>(ms % 1000) * 1000;
    return tv;
}

// hiredis 0.14 writes with write(), not send(MSG_NOSIGNAL): writing to a connection the server has closed raises
// SIGPIPE, whose default action kills the whole process (the application using tote). A plugin must not change
// the process's signal dispositions, so, as libpq does, SIGPIPE is blocked in this thread only while writing; a
// SIGPIPE the write caused is then pending for this thread and is consumed before the mask is restored (unless
// one was already pending before, which belongs to someone else and is left alone). The write itself then fails
// with EPIPE, which is reported like any lost connection.
class SigpipeGuard {
public:
    SigpipeGuard() {
        sigemptyset(&pipe_);
        sigaddset(&pipe_, SIGPIPE);
        sigset_t old;
        sigemptyset(&old);
        pthread_sigmask(SIG_BLOCK, &pipe_, &old);
        was_blocked_ = sigismember(&old, SIGPIPE) == 1;
        sigset_t pending;
        sigemptyset(&pending);
        was_pending_ = sigpending(&pending) == 0 && sigismember(&pending, SIGPIPE) == 1;
    }
    ~SigpipeGuard() {
        if (!was_pending_) {
            sigset_t pending;
            sigemptyset(&pending);
            if (sigpending(&pending) == 0 && sigismember(&pending, SIGPIPE) == 1) {
                const timespec zero{};
                while (sigtimedwait(&pipe_, nullptr, &zero) < 0 && errno == EINTR) {
                }
            }
        }
        if (!was_blocked_) pthread_sigmask(SIG_UNBLOCK, &pipe_, nullptr);
    }
    SigpipeGuard(const SigpipeGuard&) = delete;
    SigpipeGuard& operator=(const SigpipeGuard&) = delete;

private:
    sigset_t pipe_;
    bool was_blocked_ = false;
    bool was_pending_ = false;
};

std::string_view first_word(std::string_view message) { return message.substr(0, message.find(' ')); }

bool contains(std::string_view text, std::string_view part) { return text.find(part) != std::string_view::npos; }

}  // namespace

// ---- Connecting ---------------------------------------------------------------------------------------------------

Connection::Connection(redisContext* context, int timeout_ms) : context_(context), timeout_ms_(timeout_ms) {}

Connection::~Connection() {
    tls_.reset();  // before hiredis closes the socket under it
    redisFree(context_);
}

std::unique_ptr<Connection> Connection::connect(const ConnectSettings& settings) {
    const std::string endpoint = settings.url.endpoint();
    redisContext* context =
        redisConnectWithTimeout(settings.url.host.c_str(), settings.url.port, to_timeval(settings.connect_timeout_ms));
    if (context == nullptr) throw std::bad_alloc();
    if (context->err != 0) {
        std::string why = context->errstr;
        redisFree(context);
        if (contains(why, "timed out"))
            why += " (no answer within connect_timeout_ms = " + std::to_string(settings.connect_timeout_ms) + ")";
        throw Transient("cannot connect to " + endpoint + ": " + why, false, false);
    }
    // Every read and write on the socket now gives up after timeout_ms (SO_RCVTIMEO / SO_SNDTIMEO): no call hangs.
    if (redisSetTimeout(context, to_timeval(settings.timeout_ms)) != REDIS_OK) {
        std::string why = context->errstr;
        redisFree(context);
        throw Transient("cannot connect to " + endpoint + ": cannot set the socket timeout: " + why, false, false);
    }
    redisEnableKeepAlive(context);  // a dead peer is noticed even on an idle connection; failure is harmless
    std::unique_ptr<Connection> connection(new Connection(context, settings.timeout_ms));
    if (settings.tls) {
        // The handshake is part of connecting: it gets connect_timeout_ms, commands timeout_ms.
        redisSetTimeout(context, to_timeval(settings.connect_timeout_ms));
        connection->tls_ = std::make_unique<TlsStream>(*settings.tls, context->fd);
        const TlsStream::Failure failure = connection->tls_->handshake(settings.url.host);
        if (failure == TlsStream::Failure::rejected) {
            const std::string& why = connection->tls_->why();
            // An untrusted certificate is a refusal to let us in; any other TLS failure is a server we cannot use.
            throw Error(why.rfind("the server's certificate", 0) == 0 ? TOTE_PERMISSION_DENIED : TOTE_UNAVAILABLE,
                        "TLS handshake with " + endpoint + " failed: " + why);
        }
        if (failure != TlsStream::Failure::none)
            throw Transient("cannot connect to " + endpoint + ": TLS handshake: " + connection->tls_->why() +
                                (failure == TlsStream::Failure::timeout
                                     ? " (no answer within connect_timeout_ms = " +
                                           std::to_string(settings.connect_timeout_ms) +
                                           "; a plain Redis port never answers a TLS handshake: is it a TLS port?)"
                                     : ""),
                            false, failure == TlsStream::Failure::timeout);
        redisSetTimeout(context, to_timeval(settings.timeout_ms));
    }
    try {
        if (settings.url.has_password) {
            // The password goes only to the server, never into a message.
            Reply reply = settings.url.user.empty()
                              ? connection->command({"AUTH", settings.url.password})
                              : connection->command({"AUTH", settings.url.user, settings.url.password});
            if (reply->type == REDIS_REPLY_ERROR)
                throw Error(TOTE_PERMISSION_DENIED,
                            "the server at " + endpoint + " refused the credentials" +
                                (settings.url.user.empty() ? "" : " of user '" + settings.url.user + "'") + ": " +
                                std::string(reply_text(*reply)));
        }
        if (settings.url.db != 0) {
            Reply reply = connection->command({"SELECT", std::to_string(settings.url.db)});
            if (reply->type == REDIS_REPLY_ERROR) {
                const int32_t status = status_of_reply_error(reply_text(*reply));
                throw Error(status == TOTE_PERMISSION_DENIED ? status : TOTE_INVALID_ARGUMENT,
                            "cannot use database " + std::to_string(settings.url.db) + " on " + endpoint + ": " +
                                std::string(reply_text(*reply)));
            }
        }
        if (settings.tls && !settings.url.has_password && settings.url.db == 0) {
            // TLS 1.3 servers send session tickets after the handshake; one round trip reads them, so that an
            // idle connection is readable only when the server has closed it (usable()).
            Reply reply = connection->command({"PING"});
            if (reply->type == REDIS_REPLY_ERROR) fail_reply(*reply, "the server at " + endpoint + " refused PING");
        }
    } catch (const Transient& e) {
        // Nothing of the caller's has been sent yet, so whatever happened, nothing was applied.
        throw Transient("cannot connect to " + endpoint + ": " + e.what(), false, e.timeout());
    }
    return connection;
}

// ---- Commands -----------------------------------------------------------------------------------------------------

void Connection::fail(int saved_errno, bool maybe_applied) {
    broken_ = true;
    // With SO_RCVTIMEO/SO_SNDTIMEO set, a blocking read or write that ran out of time fails with EAGAIN.
    const bool timeout = context_->err == REDIS_ERR_IO && (saved_errno == EAGAIN || saved_errno == EWOULDBLOCK);
    if (timeout) throw Transient("no reply within " + std::to_string(timeout_ms_) + " ms (timeout_ms)", maybe_applied, true);
    throw Transient(context_->errstr[0] != '\0' ? context_->errstr : "connection error", maybe_applied, false);
}

void Connection::fail_tls(TlsStream::Failure failure, bool maybe_applied) {
    broken_ = true;
    if (failure == TlsStream::Failure::timeout)
        throw Transient("no reply within " + std::to_string(timeout_ms_) + " ms (timeout_ms)", maybe_applied, true);
    throw Transient(tls_->why(), maybe_applied, false);
}

// hiredis formats the command and parses the reply; the bytes travel through the TLS session.
Reply Connection::command_tls(int argc, const char** argv, const size_t* lengths) {
    char* formatted = nullptr;
    const int size = redisFormatCommandArgv(&formatted, argc, argv, lengths);
    if (size < 0) throw std::bad_alloc();
    const std::unique_ptr<char, void (*)(char*)> command(formatted, redisFreeCommand);
    {
        // As with plain connections: a failure while writing means the server never had the whole command.
        SigpipeGuard guard;
        const TlsStream::Failure failure = tls_->write_all(formatted, static_cast<size_t>(size));
        if (failure != TlsStream::Failure::none) fail_tls(failure, false);
    }
    for (;;) {
        void* reply = nullptr;
        if (redisReaderGetReply(context_->reader, &reply) != REDIS_OK) {
            broken_ = true;
            throw Transient(std::string("unreadable reply: ") + context_->reader->errstr, true, false);
        }
        if (reply != nullptr) return Reply(static_cast<redisReply*>(reply));
        char buffer[16 * 1024];
        size_t got = 0;
        const TlsStream::Failure failure = tls_->read_some(buffer, sizeof buffer, got);
        if (failure != TlsStream::Failure::none) fail_tls(failure, true);
        if (redisReaderFeed(context_->reader, buffer, got) != REDIS_OK) throw std::bad_alloc();
    }
}

Reply Connection::command(const std::vector<std::string_view>& args) {
    if (broken_) throw Transient("the connection is broken", false, false);
    std::vector<const char*> argv;
    std::vector<size_t> lengths;
    argv.reserve(args.size());
    lengths.reserve(args.size());
    for (std::string_view arg : args) {
        argv.push_back(arg.data());
        lengths.push_back(arg.size());
    }
    if (tls_) return command_tls(static_cast<int>(argv.size()), argv.data(), lengths.data());
    // Formats the command into hiredis's output buffer; fails only for want of memory.
    if (redisAppendCommandArgv(context_, static_cast<int>(argv.size()), argv.data(), lengths.data()) != REDIS_OK) {
        broken_ = true;  // the output buffer may hold part of a command: never send anything on it again
        throw std::bad_alloc();
    }
    {
        // Written out completely before any reply is read, so that a failure here is known to have happened
        // before the server had the whole command (and so before it could execute it).
        SigpipeGuard guard;
        int done = 0;
        while (done == 0)
            if (redisBufferWrite(context_, &done) != REDIS_OK) fail(errno, false);
    }
    void* raw = nullptr;
    if (redisGetReply(context_, &raw) != REDIS_OK || raw == nullptr) fail(errno, true);
    return Reply(static_cast<redisReply*>(raw));
}

bool Connection::usable() const {
    if (broken_) return false;
    // A healthy idle connection has nothing to read (Redis never speaks unasked on a RESP2 connection): readable
    // means the server closed it (EOF) or something is wrong with it.
    pollfd fd{};
    fd.fd = context_->fd;
    fd.events = POLLIN;
    int ready;
    do ready = ::poll(&fd, 1, 0);
    while (ready < 0 && errno == EINTR);
    return ready == 0;
}

// ---- Error replies ------------------------------------------------------------------------------------------------

int32_t status_of_reply_error(std::string_view message) {
    const std::string_view code = first_word(message);
    if (code == "NOAUTH" || code == "WRONGPASS" || code == "NOPERM" || code == "READONLY") return TOTE_PERMISSION_DENIED;
    if (code == "OOM") return TOTE_NO_SPACE;
    if (code == "BUSY") return TOTE_BUSY;
    if (code == "LOADING" || code == "MASTERDOWN" || code == "TRYAGAIN" || code == "CLUSTERDOWN") return TOTE_UNAVAILABLE;
    if (code == "MISCONF") return TOTE_IO;
    if (code == "WRONGTYPE") return TOTE_CORRUPT;
    if (code == "MOVED" || code == "ASK" || code == "CROSSSLOT") return TOTE_UNSUPPORTED;
    // Older servers wrap errors raised inside a script: "ERR Error running script (...): ... -OOM command not
    // allowed ...". Redis 7 keeps the original code, handled above.
    if (contains(message, "OOM command not allowed")) return TOTE_NO_SPACE;
    if (contains(message, "READONLY You can't write")) return TOTE_PERMISSION_DENIED;
    if (contains(message, "WRONGTYPE")) return TOTE_CORRUPT;
    if (contains(message, "NOPERM")) return TOTE_PERMISSION_DENIED;
    // Redis 7.0's words when a script calls a command the ACL user may not run.
    if (contains(message, "can't run this command")) return TOTE_PERMISSION_DENIED;
    if (contains(message, "maximum allowed size") || contains(message, "invalid bulk length"))
        return TOTE_INVALID_ARGUMENT;  // a value beyond proto-max-bulk-len (512 MiB by default)
    return TOTE_IO;
}

void fail_reply(const redisReply& reply, const std::string& context) {
    const std::string_view text = reply_text(reply);
    const std::string_view code = first_word(text);
    if (code == "LOADING" || code == "MASTERDOWN" || code == "TRYAGAIN")
        throw Transient("the server cannot serve yet: " + std::string(text), false, false);
    std::string hint;
    if (code == "READONLY") hint = " (the server is a read-only replica: use the primary)";
    if (code == "NOAUTH") hint = " (give the password in the URL: redis://:PASSWORD@host)";
    if (code == "CROSSSLOT" || code == "MOVED" || code == "ASK") hint = " (Redis Cluster is not supported)";
    throw Error(status_of_reply_error(text), context + ": " + std::string(text) + hint);
}

}  // namespace tote::redis_plugin
