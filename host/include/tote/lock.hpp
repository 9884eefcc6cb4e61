// SPDX-License-Identifier: Apache-2.0
// tote/lock.hpp — named locks in a store: how an application marks "a run is active" and finds runs that were
// interrupted.
//
//     tote::Lock run = store.lock("gsm8k-baseline");   // Status::busy if another live holder has it
//     ... the run ...
//     // released when `run` goes out of scope
//
// A lock is a small record under the store's host-reserved prefix ".tote/locks/", written with a create-only
// write, so it works on every backend that offers TOTE_CAP_CREATE_ONLY and is race-free between processes and
// machines exactly as far as the backend's create-only writes are. The record names the holder: owner text,
// process id, host name and start time, and an optional lease.
//
// A lock is *stale* when its holder is known to be gone: its process has died on this same host (or the host
// rebooted since), or its lease has expired. lock() takes a stale lock over (with a compare-version write, so
// of several processes taking over the same stale lock exactly one wins); a lock held on another host without a
// lease is never considered stale — break it explicitly (break_lock, `tote lock rm`) once you know it is dead.
//
// Lock records never appear in list() at the store's root, nor in `tote cp`.
#ifndef TOTE_LOCK_HPP
#define TOTE_LOCK_HPP

#include <tote/export.hpp>
#include <tote/store.hpp>

#include <chrono>
#include <cstdint>
#include <string>

namespace tote {

struct LockInfo {
    std::string name;
    std::string owner;        // who holds it, as the holder described itself
    std::string host;         // the holder's host name
    int64_t pid = 0;          // the holder's process id on that host
    int64_t started_ns = 0;   // when it was taken (ns since the Unix epoch)
    int64_t expires_ns = 0;   // when its lease runs out; 0: no lease
    bool stale = false;       // the holder is known to be gone (see above)
    std::string stale_reason;  // why, when stale: "process 4242 on this host is gone", "lease expired …"
    uint64_t version = 0;      // of the lock record
};

struct LockOptions {
    std::string owner;                    // default: "<user>@<host> pid <pid>"
    std::chrono::milliseconds lease{0};   // 0: no lease (stale only when the process is gone)
    bool take_stale = true;               // take a stale lock over; false: Status::busy as for a live one
};

// A held lock. Moving it moves the ownership; destroying it releases the lock (errors are swallowed: use
// release() to see them).
class TOTE_API Lock {
public:
    Lock(Store store, std::string key, uint64_t version, LockInfo info);
    Lock(Lock&& other) noexcept;
    Lock& operator=(Lock&& other) noexcept;
    Lock(const Lock&) = delete;
    Lock& operator=(const Lock&) = delete;
    ~Lock();

    const LockInfo& info() const { return info_; }
    bool held() const { return held_; }

    // Removes the lock record if it is still ours (someone who took it over as stale keeps theirs). Idempotent.
    void release();
    // Extends the lease by lease from now (Status::conflict if the lock is no longer ours).
    void renew(std::chrono::milliseconds lease);

private:
    Store store_;
    std::string key_;
    uint64_t version_ = 0;
    LockInfo info_;
    bool held_ = false;
};

}  // namespace tote

#endif  // TOTE_LOCK_HPP
