// SPDX-License-Identifier: Apache-2.0
// cases_locks.cpp — conformance: named locks (tote/lock.hpp), which the host builds on create-only and
// compare-version writes, so every backend offering those must make them work.
#include "suite.hpp"

#include <thread>

namespace tote::conformance {

namespace {

LockOptions with_lease(std::chrono::milliseconds lease, const std::string& owner) {
    LockOptions options;
    options.lease = lease;
    options.owner = owner;
    return options;
}

}  // namespace

void add_lock_cases(std::vector<Case>& cases) {
    const uint64_t need = TOTE_CAP_WRITE | TOTE_CAP_CREATE_ONLY;

    cases.push_back({"a lock is taken once, busy while held, free after release", need, [](Fixture& f) {
        Store& s = f.store();
        T_CHECK(!s.is_locked("run/gsm8k"));
        {
            Lock held = s.lock("run/gsm8k", with_lease(std::chrono::milliseconds(0), "conformance"));
            T_CHECK(held.held());
            T_CHECK(s.is_locked("run/gsm8k"));
            auto info = s.lock_info("run/gsm8k");
            T_CHECK(info.has_value());
            T_CHECK_EQ(info->owner, std::string("conformance"));
            T_CHECK(info->pid != 0);
            T_CHECK(!info->stale);
            T_CHECK_STATUS(s.lock("run/gsm8k"), Status::busy);
            Store other = f.reopen();
            T_CHECK_STATUS(other.lock("run/gsm8k"), Status::busy);
        }
        T_CHECK(!s.is_locked("run/gsm8k"));
        T_CHECK(!s.lock_info("run/gsm8k").has_value());
        Lock again = s.lock("run/gsm8k");
        T_CHECK(again.held());
        again.release();
        T_CHECK(!again.held());
        T_CHECK(!s.is_locked("run/gsm8k"));
    }});

    cases.push_back({"lock records stay out of listings", need | TOTE_CAP_LIST, [](Fixture& f) {
        Store& s = f.store();
        s.write("data", "x");
        Lock a = s.lock("alpha");
        Lock b = s.lock("beta/gamma");
        T_CHECK_EQ(keys_of(s.list("", {})), (std::vector<std::string>{"data"}));
        T_CHECK_EQ(keys_of(s.list("", ListOptions{true, ""})), (std::vector<std::string>{"data"}));
        std::vector<std::string> names;
        for (const LockInfo& info : s.locks()) names.push_back(info.name);
        T_CHECK_EQ(names, (std::vector<std::string>{"alpha", "beta/gamma"}));
        T_CHECK(s.break_lock("alpha"));
        T_CHECK(!s.break_lock("alpha"));
        T_CHECK(!s.is_locked("alpha"));
        T_CHECK_STATUS(s.lock("../escape"), Status::invalid_argument);
    }});

    cases.push_back({"an expired lease makes a lock stale, and it is taken over exactly once",
                     need | TOTE_CAP_COMPARE_VERSION, [](Fixture& f) {
        Store& s = f.store();
        // A lease long enough that a loaded machine (CI, sanitizers) still tries again within it.
        Lock first = s.lock("job", with_lease(std::chrono::milliseconds(400), "first"));
        T_CHECK_STATUS(s.lock("job"), Status::busy);
        std::this_thread::sleep_for(std::chrono::milliseconds(500));
        auto info = s.lock_info("job");
        T_CHECK(info->stale);
        T_CHECK(info->stale_reason.find("lease expired") != std::string::npos);
        LockOptions strict;
        strict.take_stale = false;
        T_CHECK_STATUS(s.lock("job", strict), Status::busy);
        Lock second = s.lock("job", with_lease(std::chrono::milliseconds(60000), "second"));
        T_CHECK_EQ(s.lock_info("job")->owner, std::string("second"));
        first.release();  // the old holder's release must not take the new holder's lock away
        T_CHECK(s.is_locked("job"));
        T_CHECK_EQ(s.lock_info("job")->owner, std::string("second"));
        T_CHECK_STATUS(first.renew(std::chrono::milliseconds(1000)), Status::conflict);
    }});

    cases.push_back({"renewing a lease keeps a lock from going stale", need | TOTE_CAP_COMPARE_VERSION, [](Fixture& f) {
        // No step depends on how fast the machine is (a loaded sanitizer build once outslept an 80 ms lease):
        // every wait is one the lease must outlast, or one it cannot.
        Store& s = f.store();
        Lock held = s.lock("renewed", with_lease(std::chrono::milliseconds(60000), "renewer"));
        const int64_t first = s.lock_info("renewed")->expires_ns;
        std::this_thread::sleep_for(std::chrono::milliseconds(5));
        held.renew(std::chrono::milliseconds(120000));
        T_CHECK(s.lock_info("renewed")->expires_ns >= first + int64_t{60000} * 1000000);  // moved on by the renewal
        // A lease that ran out makes the lock stale; renewing it (nobody has taken it over) makes it fresh again.
        held.renew(std::chrono::milliseconds(1));
        std::this_thread::sleep_for(std::chrono::milliseconds(20));
        T_CHECK(s.lock_info("renewed")->stale);
        held.renew(std::chrono::milliseconds(60000));
        T_CHECK(!s.lock_info("renewed")->stale);
        T_CHECK(s.is_locked("renewed"));
        T_CHECK_STATUS(s.lock("renewed"), Status::busy);
    }});
}

}  // namespace tote::conformance
