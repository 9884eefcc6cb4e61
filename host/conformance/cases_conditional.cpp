// SPDX-License-Identifier: Apache-2.0
// cases_conditional.cpp — conformance: create-only and compare-version writes, the primitives that locks and
// safe concurrent updates are built on.
#include "suite.hpp"

namespace tote::conformance {

void add_conditional_cases(std::vector<Case>& cases) {
    cases.push_back({"create-only succeeds once, then already exists", TOTE_CAP_WRITE | TOTE_CAP_CREATE_ONLY,
                     [](Fixture& f) {
        Store& s = f.store();
        WriteOptions create;
        create.create_only = true;
        s.write("lock", "first", create);
        T_CHECK_STATUS(s.write("lock", "second", create), Status::already_exists);
        T_CHECK_EQ(s.read("lock"), std::string("first"));
        s.remove("lock");
        s.write("lock", "third", create);
        T_CHECK_EQ(s.read("lock"), std::string("third"));
    }});

    cases.push_back({"compare-version writes succeed only at the expected version",
                     TOTE_CAP_WRITE | TOTE_CAP_COMPARE_VERSION, [](Fixture& f) {
        Store& s = f.store();
        uint64_t v1 = s.write("counter", "1");
        WriteOptions at_v1;
        at_v1.if_version = v1;
        uint64_t v2 = s.write("counter", "2", at_v1);
        T_CHECK(v2 != v1);
        T_CHECK_EQ(s.read("counter"), std::string("2"));
        T_CHECK_EQ(s.stat("counter")->version, v2);
        T_CHECK_STATUS(s.write("counter", "stale", at_v1), Status::precondition_failed);
        T_CHECK_EQ(s.read("counter"), std::string("2"));
        WriteOptions at_v2;
        at_v2.if_version = v2;
        s.write("counter", "3", at_v2);
        T_CHECK_EQ(s.read("counter"), std::string("3"));
    }});

    cases.push_back({"compare-version on a missing key fails", TOTE_CAP_WRITE | TOTE_CAP_COMPARE_VERSION,
                     [](Fixture& f) {
        Store& s = f.store();
        WriteOptions options;
        options.if_version = 12345;
        T_CHECK_STATUS(s.write("absent", "x", options), Status::precondition_failed);
        T_CHECK(!s.exists("absent"));
    }});

    cases.push_back({"the version read with a value guards the next write", TOTE_CAP_WRITE | TOTE_CAP_COMPARE_VERSION,
                     [](Fixture& f) {
        Store& s = f.store();
        s.write("doc", "{\"n\":1}");
        Stat seen;
        s.read("doc", &seen);
        s.write("doc", "{\"n\":2}");  // someone else writes meanwhile
        WriteOptions guarded;
        guarded.if_version = seen.version;
        T_CHECK_STATUS(s.write("doc", "{\"n\":99}", guarded), Status::precondition_failed);
        T_CHECK_EQ(s.read("doc"), std::string("{\"n\":2}"));
    }});

    cases.push_back({"create-only and compare-version together are refused", TOTE_CAP_WRITE, [](Fixture& f) {
        Store& s = f.store();
        WriteOptions both;
        both.create_only = true;
        both.if_version = 1;
        T_CHECK_STATUS(s.write("k", "x", both), Status::invalid_argument);
        T_CHECK(!s.exists("k"));
    }});
}

}  // namespace tote::conformance
