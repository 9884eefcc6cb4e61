// SPDX-License-Identifier: Apache-2.0
// redis_pool.hpp — the connections of one store (at most pool_size, shared by the threads that use the store) and
// the one place that decides what happens when a connection fails: reconnect and retry, or report.
//
// What is retried after a lost connection, and why (Pool::run's Kind):
//   - read: read, stat, and every page of a listing. They change nothing, so running them again is harmless.
//   - idempotent_write: a plain write (and a batch made only of plain writes) and remove. Applying one twice
//     leaves the same state as applying it once: the key holds the value written, or is absent. (A plain write
//     applied twice gets a second version number, which no one has seen; a remove whose first attempt may have
//     removed the key reports success when the retry finds nothing, because the key is gone either way.)
//   - once: append, create-only and compare-version writes, batches with such a write, rename. Running one of
//     these twice is not the same as once: an append would be doubled; a create-only write or a rename that did
//     happen would be reported as ALREADY_EXISTS / NOT_FOUND; a compare-version write would report
//     PRECONDITION_FAILED against its own new version. So once such a command may have reached the server, a lost
//     connection is reported as UNAVAILABLE "connection lost during <op>; it may or may not have been applied".
// Every kind is retried when the command certainly did not reach the server: the connection could not be made,
// it had been closed while idle (checked before each use), the command was not written out whole, or the server
// answered LOADING/MASTERDOWN (it executed nothing). Retries wait 100 ms, then 200, 400, ... (at most `retries`
// of them). A timeout is never retried: it is reported as TIMEOUT at once (a write that timed out may still be
// applied by the server later, and the message says so).
#ifndef TOTE_REDIS_POOL_HPP
#define TOTE_REDIS_POOL_HPP

#include "redis_connection.hpp"

#include <condition_variable>
#include <functional>
#include <memory>
#include <mutex>
#include <optional>
#include <string>
#include <type_traits>
#include <vector>

namespace tote::redis_plugin {

enum class Kind { read, idempotent_write, once };

// What an attempt knows about the attempts before it.
struct Attempt {
    bool after_maybe_applied = false;  // an earlier attempt's command may have been applied before it was lost
};

class Pool {
public:
    Pool(ConnectSettings settings, size_t size, int retries);
    ~Pool();
    Pool(const Pool&) = delete;
    Pool& operator=(const Pool&) = delete;

    // Hands over a connection made outside the pool (open() checks the server with it); it takes a slot.
    void adopt(std::unique_ptr<Connection> connection);

    const ConnectSettings& settings() const { return settings_; }

    // Runs fn(connection, attempt) on a connection of the pool, with the failure handling described at the top
    // of this file; op names the operation in messages ("append"). fn must send commands only through the
    // connection it is given, and must not call back into the store (the connection is held while it runs).
    template <class Fn> auto run(const char* op, Kind kind, Fn&& fn) {
        using Result = std::invoke_result_t<Fn&, Connection&, const Attempt&>;
        if constexpr (std::is_void_v<Result>) {
            run_erased(op, kind, [&](Connection& c, const Attempt& a) { fn(c, a); });
        } else {
            std::optional<Result> result;
            run_erased(op, kind, [&](Connection& c, const Attempt& a) { result.emplace(fn(c, a)); });
            return std::move(*result);
        }
    }

private:
    class Lease;
    friend class Lease;

    void run_erased(const char* op, Kind kind, const std::function<void(Connection&, const Attempt&)>& fn);
    Lease acquire();  // waits up to timeout_ms for a free slot; TIMEOUT after that
    void give_back(std::unique_ptr<Connection> connection);

    const ConnectSettings settings_;
    const size_t size_;
    const int retries_;
    std::mutex mutex_;
    std::condition_variable freed_;
    std::vector<std::unique_ptr<Connection>> idle_;  // connected and not in use; the last one is reused first
    size_t in_use_ = 0;                              // slots handed out by acquire() and not yet given back
};

}  // namespace tote::redis_plugin

#endif  // TOTE_REDIS_POOL_HPP
