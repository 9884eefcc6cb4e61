// SPDX-License-Identifier: Apache-2.0
// redis_pool.cpp — the connection pool (mutex + condition variable) and the reconnect-and-retry policy that
// redis_pool.hpp describes.
#include "redis_pool.hpp"

#include <tote/plugin.hpp>

#include <algorithm>
#include <chrono>
#include <thread>

namespace tote::redis_plugin {

using plugin::Error;

// One slot of the pool, with or without a connection yet; gives it back when it goes. A connection that failed
// (or was never made) frees the slot instead of returning to the idle list.
class Pool::Lease {
public:
    Lease(Pool* pool, std::unique_ptr<Connection> connection) : pool_(pool), connection_(std::move(connection)) {}
    Lease(Lease&& other) noexcept : pool_(other.pool_), connection_(std::move(other.connection_)) { other.pool_ = nullptr; }
    Lease& operator=(Lease&&) = delete;
    Lease(const Lease&) = delete;
    Lease& operator=(const Lease&) = delete;
    ~Lease() {
        if (pool_ != nullptr) pool_->give_back(std::move(connection_));
    }

    // The connection, made now if the slot had none or if the server closed the idle one. Throws Transient
    // (nothing was sent) if the server cannot be reached.
    Connection& connection() {
        if (connection_ && !connection_->usable()) connection_.reset();
        if (!connection_) connection_ = Connection::connect(pool_->settings_);
        return *connection_;
    }
    void drop() { connection_.reset(); }

private:
    Pool* pool_;
    std::unique_ptr<Connection> connection_;
};

Pool::Pool(ConnectSettings settings, size_t size, int retries)
    : settings_(std::move(settings)), size_(size), retries_(retries) {}

Pool::~Pool() = default;

void Pool::adopt(std::unique_ptr<Connection> connection) {
    std::lock_guard<std::mutex> lock(mutex_);
    if (idle_.size() + in_use_ < size_) idle_.push_back(std::move(connection));
}

Pool::Lease Pool::acquire() {
    std::unique_lock<std::mutex> lock(mutex_);
    const auto deadline = std::chrono::steady_clock::now() + std::chrono::milliseconds(settings_.timeout_ms);
    while (idle_.empty() && in_use_ >= size_) {
        if (freed_.wait_until(lock, deadline) == std::cv_status::timeout && idle_.empty() && in_use_ >= size_)
            throw Error(TOTE_TIMEOUT, "no free connection to " + settings_.url.endpoint() + " within " +
                                          std::to_string(settings_.timeout_ms) + " ms (timeout_ms): all " +
                                          std::to_string(size_) + " connections of the pool (pool_size) are in use");
    }
    ++in_use_;
    if (idle_.empty()) return Lease(this, nullptr);  // a free slot: the caller connects outside the lock
    std::unique_ptr<Connection> connection = std::move(idle_.back());
    idle_.pop_back();
    return Lease(this, std::move(connection));
}

void Pool::give_back(std::unique_ptr<Connection> connection) {
    {
        std::lock_guard<std::mutex> lock(mutex_);
        --in_use_;
        if (connection && !connection->broken()) idle_.push_back(std::move(connection));
    }
    freed_.notify_one();
    // A broken connection, if any, is closed here, outside the lock.
}

void Pool::run_erased(const char* op, Kind kind, const std::function<void(Connection&, const Attempt&)>& fn) {
    const std::string server = settings_.url.endpoint();
    Attempt attempt;
    std::string last_error;
    for (int tries = 0;; ++tries) {
        if (tries > 0) {
            // 100 ms, 200 ms, 400 ms, ...: a restarting server usually accepts connections again within a second.
            const int shift = std::min(tries - 1, 6);
            std::this_thread::sleep_for(std::chrono::milliseconds(100 << shift));
        }
        Lease lease = acquire();
        try {
            fn(lease.connection(), attempt);
            return;
        } catch (const Transient& failure) {
            lease.drop();
            const bool sent = failure.maybe_applied();
            attempt.after_maybe_applied = attempt.after_maybe_applied || sent;
            // Whether the store may have been changed by a command whose reply never came.
            const bool uncertain = kind != Kind::read && attempt.after_maybe_applied;
            const std::string maybe = uncertain ? "; it may or may not have been applied" : "";
            if (failure.timeout())
                throw Error(TOTE_TIMEOUT, std::string(op) + " on " + server + ": " + failure.what() + maybe);
            // TOTE_UNKNOWN_OUTCOME (ABI 1.1) where the store may have changed; tote/plugin.hpp turns it into
            // TOTE_UNAVAILABLE for a 1.0 host.
            if (sent && kind == Kind::once)
                throw Error(TOTE_UNKNOWN_OUTCOME, "connection to " + server + " lost during " + op + maybe + " (" +
                                                      failure.what() + ")");
            last_error = failure.what();
            if (tries >= retries_) {
                std::string message = uncertain ? "connection to " + server + " lost during " + op + maybe + "; " : "";
                message += last_error;
                if (retries_ > 0)
                    message += " (gave up after " + std::to_string(retries_) + " retr" + (retries_ == 1 ? "y" : "ies") + ")";
                throw Error(uncertain ? TOTE_UNKNOWN_OUTCOME : TOTE_UNAVAILABLE, message);
            }
        }
    }
}

}  // namespace tote::redis_plugin
