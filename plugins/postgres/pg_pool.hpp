// SPDX-License-Identifier: Apache-2.0
// pg_pool.hpp — the connections of one store: a pool of at most pool_size libpq connections shared by every thread
// calling the store, and Pool::run(), which runs one operation on a pooled connection and reconnects and repeats it
// after a lost connection when, and only when, repeating it is safe.
//
// Retry policy (the one place it is decided):
//   * A connection that cannot be made (server down, restarting, too many clients) has sent nothing: every
//     operation may try again, up to `retries` times, with a backoff of 100 ms doubling each time.
//   * A pooled connection is checked before use (Connection::usable): one the server closed while it sat idle — a
//     restart — is dropped and replaced before anything is sent on it, so this common case costs nothing.
//   * A connection lost while a statement was under way is repeated only if the operation says it is safe
//     (Repeat::always) or the statement provably never took effect (ConnectionLost::maybe_applied() false);
//     otherwise the operation fails with UNAVAILABLE, "connection lost during <op>; it may or may not have been
//     applied". pg_store.cpp says, per operation, which kind it is and why.
//   * Nothing else is retried: a timeout already took timeout_ms, and the server's refusals are answers.
#ifndef TOTE_PG_POOL_HPP
#define TOTE_PG_POOL_HPP

#include "pg_connection.hpp"

#include <chrono>
#include <condition_variable>
#include <memory>
#include <mutex>
#include <optional>
#include <string>
#include <thread>
#include <type_traits>
#include <utility>
#include <vector>

namespace tote::postgres_plugin {

// Whether an operation may be repeated after its connection was lost with the statement possibly applied.
enum class Repeat {
    always,       // idempotent: doing it twice leaves the same state and answer as doing it once
    if_unapplied  // only when the loss provably came before the operation could take effect
};

class Pool {
public:
    // size connections at most; a caller waits up to config.timeout for one to be free.
    Pool(ConnectConfig config, size_t size, int retries);
    ~Pool();
    Pool(const Pool&) = delete;
    Pool& operator=(const Pool&) = delete;

    // A connection taken from the pool, given back when the lease ends: to the idle list if it is still usable and
    // outside a transaction, else closed.
    class Lease {
    public:
        Lease(Pool& pool, std::unique_ptr<Connection> connection) : pool_(&pool), connection_(std::move(connection)) {}
        ~Lease();
        Lease(Lease&& other) noexcept : pool_(other.pool_), connection_(std::move(other.connection_)) {}
        Lease(const Lease&) = delete;
        Lease& operator=(const Lease&) = delete;
        Lease& operator=(Lease&&) = delete;
        Connection& operator*() const { return *connection_; }
        Connection* operator->() const { return connection_.get(); }

    private:
        Pool* pool_;
        std::unique_ptr<Connection> connection_;
    };

    // A usable connection: an idle one, or a new one if fewer than size are open. Throws TIMEOUT when none is free
    // within timeout_ms, and the connection's Error when a new one cannot be made.
    Lease acquire();

    // Runs fn(Connection&) on a pooled connection, applying the retry policy above. op names the operation in
    // messages ("append"). fn may throw plugin::Error (returned to the host as is) or ConnectionLost.
    template <class Fn> auto run(const char* op, Repeat repeat, Fn&& fn) -> std::invoke_result_t<Fn&, Connection&>;

    const ConnectConfig& config() const { return config_; }

private:
    void give_back(std::unique_ptr<Connection> connection) noexcept;
    [[noreturn]] void give_up(const char* op, int attempts, const std::string& why, bool lost) const;
    [[noreturn]] void ambiguous(const char* op, const std::string& why) const;
    static void pause(Millis delay) { std::this_thread::sleep_for(delay); }

    const ConnectConfig config_;
    const size_t size_;
    const int retries_;
    std::mutex mutex_;
    std::condition_variable freed_;
    std::vector<std::unique_ptr<Connection>> idle_;
    size_t open_ = 0;  // connections in existence: idle, leased, or being made
};

template <class Fn> auto Pool::run(const char* op, Repeat repeat, Fn&& fn) -> std::invoke_result_t<Fn&, Connection&> {
    Millis backoff{100};
    for (int attempt = 0;; ++attempt) {
        std::string why;
        bool lost = false;
        std::optional<Lease> lease;
        try {
            lease.emplace(acquire());
        } catch (const plugin::Error& error) {
            // Only a connection that could not be made is worth another attempt (nothing was sent); a pool that
            // stayed busy has already waited timeout_ms, and a refusal (wrong password) will not change.
            if (error.status() != TOTE_UNAVAILABLE) throw;
            why = error.what();
        }
        if (lease) {
            try {
                return fn(**lease);
            } catch (const ConnectionLost& loss) {
                lease.reset();  // gives the dead connection back, which closes it
                if (loss.maybe_applied() && repeat == Repeat::if_unapplied) ambiguous(op, loss.what());
                why = loss.what();
                lost = true;
            }
        }
        if (attempt >= retries_) give_up(op, attempt + 1, why, lost);
        pause(backoff);
        backoff *= 2;
    }
}

}  // namespace tote::postgres_plugin

#endif  // TOTE_PG_POOL_HPP
