// SPDX-License-Identifier: Apache-2.0
// cases_versions.cpp — conformance: what a version promises (tote_stat.version in tote_plugin.h). It is never
// reused within a store for another value — not by another key, not after a rename, not after a remove and a new
// write — so a compare-version write can never succeed against a value it did not see. And a rename moves a
// value unchanged: its version and its modification time go with it.
#include "suite.hpp"

namespace tote::conformance {

void add_version_cases(std::vector<Case>& cases) {
    cases.push_back({"a version is not reused by another key after a rename",
                     TOTE_CAP_WRITE | TOTE_CAP_RENAME | TOTE_CAP_COMPARE_VERSION, [](Fixture& f) {
        Store& s = f.store();
        // A per-key counter gives b and a both version 1 here, and the stale write below would win.
        const uint64_t b_old = s.write("b", "b's value");
        const uint64_t a = s.write("a", "a's value");
        T_CHECK(a != b_old);
        s.rename("a", "b");
        T_CHECK_EQ(s.stat("b")->version, a);
        WriteOptions stale;
        stale.if_version = b_old;
        T_CHECK_STATUS(s.write("b", "an update based on b's old value", stale), Status::precondition_failed);
        T_CHECK_EQ(s.read("b"), std::string("a's value"));
    }});

    cases.push_back({"a version is not reused after a remove and a new write",
                     TOTE_CAP_WRITE | TOTE_CAP_COMPARE_VERSION, [](Fixture& f) {
        Store& s = f.store();
        const uint64_t first = s.write("k", "first");
        T_CHECK(s.remove("k"));
        const uint64_t second = s.write("k", "second");
        T_CHECK(second != first);
        WriteOptions stale;
        stale.if_version = first;
        T_CHECK_STATUS(s.write("k", "stale", stale), Status::precondition_failed);
        T_CHECK_EQ(s.read("k"), std::string("second"));
    }});

    cases.push_back({"versions differ across keys", TOTE_CAP_WRITE, [](Fixture& f) {
        Store& s = f.store();
        std::vector<uint64_t> seen;
        for (int i = 0; i < 50; ++i) {
            const uint64_t v = s.write("v/" + std::to_string(i), "same bytes");
            for (uint64_t earlier : seen) T_CHECK(v != earlier);
            seen.push_back(v);
        }
    }});

    cases.push_back({"a rename keeps the value's version and modification time", TOTE_CAP_WRITE | TOTE_CAP_RENAME,
                     [](Fixture& f) {
        Store& s = f.store();
        s.write("from", "moving value");
        const Stat before = *s.stat("from");
        s.rename("from", "to");
        const Stat after = *s.stat("to");
        T_CHECK_EQ(after.version, before.version);
        T_CHECK_EQ(after.mtime_ns, before.mtime_ns);
        T_CHECK_EQ(after.size, before.size);
    }});
}

}  // namespace tote::conformance
