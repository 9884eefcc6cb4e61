// SPDX-License-Identifier: Apache-2.0
// pg_pool.cpp — the pool: handing out idle connections (checked first), opening new ones up to pool_size, waiting
// at most timeout_ms for one to be free, and taking connections back (rolled back, or closed if broken).
#include "pg_pool.hpp"

namespace tote::postgres_plugin {

using plugin::Error;

Pool::Pool(ConnectConfig config, size_t size, int retries)
    : config_(std::move(config)), size_(size), retries_(retries) {
    idle_.reserve(size_);  // give_back() is noexcept: its push_back must never need to allocate
}

Pool::~Pool() = default;  // the store is closed only when no call runs, so every connection is idle by now

Pool::Lease::~Lease() {
    if (connection_) pool_->give_back(std::move(connection_));
}

Pool::Lease Pool::acquire() {
    const auto deadline = std::chrono::steady_clock::now() + config_.timeout;
    std::unique_lock<std::mutex> lock(mutex_);
    for (;;) {
        while (!idle_.empty()) {
            std::unique_ptr<Connection> connection = std::move(idle_.back());
            idle_.pop_back();
            lock.unlock();
            if (connection->usable()) return Lease(*this, std::move(connection));
            connection.reset();  // closed by the server while idle (a restart): replace it before sending anything
            lock.lock();
            --open_;
        }
        if (open_ < size_) {
            ++open_;
            lock.unlock();  // connecting takes a while; other callers may use the idle connections meanwhile
            try {
                return Lease(*this, std::make_unique<Connection>(config_));
            } catch (...) {
                lock.lock();
                --open_;
                lock.unlock();
                freed_.notify_one();
                throw;
            }
        }
        if (freed_.wait_until(lock, deadline) == std::cv_status::timeout && idle_.empty() && open_ >= size_)
            throw Error(TOTE_TIMEOUT, "all " + std::to_string(size_) + " connections to " + config_.address +
                                          " stayed busy for " + std::to_string(config_.timeout.count()) +
                                          " ms (options pool_size and timeout_ms)");
    }
}

void Pool::give_back(std::unique_ptr<Connection> connection) noexcept {
    // An operation that failed inside a transaction leaves it open; roll it back before anyone else gets the
    // connection. A connection that cannot be brought back to idle is closed.
    connection->rollback_quietly();
    std::unique_ptr<Connection> closing;
    {
        std::lock_guard<std::mutex> lock(mutex_);
        if (connection->idle()) {
            idle_.push_back(std::move(connection));
        } else {
            closing = std::move(connection);
            --open_;
        }
    }
    freed_.notify_one();
    // closing goes out of scope here, outside the lock: PQfinish may take a moment.
}

void Pool::give_up(const char* op, int attempts, const std::string& why, bool lost) const {
    const std::string tries = " (" + std::to_string(attempts) + (attempts == 1 ? " attempt" : " attempts") +
                              "; option retries)";
    if (lost) throw Error(TOTE_UNAVAILABLE, std::string("connection lost during ") + op + ": " + why + tries);
    throw Error(TOTE_UNAVAILABLE, why + tries);
}

void Pool::ambiguous(const char* op, const std::string& why) const {
    // TOTE_UNKNOWN_OUTCOME (ABI 1.1); tote/plugin.hpp turns it into TOTE_UNAVAILABLE for a 1.0 host.
    throw Error(TOTE_UNKNOWN_OUTCOME,
                std::string("connection lost during ") + op + "; it may or may not have been applied: " + why);
}

}  // namespace tote::postgres_plugin
