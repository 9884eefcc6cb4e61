// SPDX-License-Identifier: Apache-2.0
// store_lock.hpp — the JSON store's commit lock: one per store directory, held only around the step that
// publishes a change (rename, link, unlink, append), never while a value is being written out.
//
// Rationale: rename() alone is atomic, but a compare-version write must check the current version and replace
// the file as one step, and a plain write, remove or append racing it in another process could otherwise slip
// between the two and be lost. Every mutation therefore commits under this lock: a std::mutex for the threads
// of this process and flock() on "<root>/.tote-lock" for other processes (flock is per open file description,
// so threads sharing the descriptor need the mutex too). Readers never take it: they see the old file or the
// new one. The lock file is created on the first mutation, so a store that is only read stays untouched.
#ifndef TOTE_JSON_STORE_LOCK_HPP
#define TOTE_JSON_STORE_LOCK_HPP

#include "posix_file.hpp"

#include <mutex>
#include <string>

namespace tote::json_plugin {

class StoreLock {
public:
    StoreLock(int root_fd, std::string root) : root_fd_(root_fd), root_(std::move(root)) {}

    // Blocks until this thread holds the lock for the store; released by the guard's destructor.
    class Guard {
    public:
        explicit Guard(StoreLock& lock);
        ~Guard();
        Guard(const Guard&) = delete;
        Guard& operator=(const Guard&) = delete;

    private:
        StoreLock& lock_;
        std::unique_lock<std::mutex> held_;
    };

private:
    int root_fd_;
    std::string root_;
    std::mutex mutex_;
    Fd file_;  // opened on first use, under mutex_
};

}  // namespace tote::json_plugin

#endif  // TOTE_JSON_STORE_LOCK_HPP
