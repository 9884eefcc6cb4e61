// SPDX-License-Identifier: Apache-2.0
// cases_expiry.cpp — conformance (ABI 1.1): keys written with an expiry time (TOTE_CAP_EXPIRY). An expired key is
// gone for every operation at once, whenever the backend physically removes it. The cases use expiry times
// already past or far away, never a sleep.
#include "suite.hpp"

#include <chrono>

namespace tote::conformance {

namespace {

int64_t now_ns() {
    return std::chrono::duration_cast<std::chrono::nanoseconds>(std::chrono::system_clock::now().time_since_epoch())
        .count();
}

WriteOptions expiring_at(int64_t ns) {
    WriteOptions o;
    o.expires_ns = ns;
    return o;
}

const int64_t kPast = 1'000'000'000;                              // 1970, one second in
const int64_t kFarAway = int64_t{4'000'000'000} * 1'000'000'000;  // 2096

}  // namespace

void add_expiry_cases(std::vector<Case>& cases) {
    cases.push_back({"an expired key is gone for every operation", TOTE_CAP_WRITE | TOTE_CAP_EXPIRY, [](Fixture& f) {
        Store& s = f.store();
        const uint64_t v = s.write("gone", "old news", expiring_at(kPast));
        s.write("dir/expired", "x", expiring_at(now_ns() - 1'000'000));
        s.write("kept", "here");
        T_CHECK_STATUS(s.read("gone"), Status::not_found);
        T_CHECK_STATUS(s.read_range("gone", 0, 3), Status::not_found);
        T_CHECK(!s.stat("gone"));
        T_CHECK(!s.exists("gone"));
        T_CHECK(!s.stat("dir"));  // a prefix holding only expired keys is no prefix
        if (f.has(TOTE_CAP_LIST)) {
            T_CHECK_EQ(keys_of(s.list("", ListOptions{true, ""})), std::vector<std::string>{"kept"});
            T_CHECK_EQ(keys_of(s.list("")), std::vector<std::string>{"kept"});
        }
        T_CHECK(!s.remove("gone"));
        if (f.has(TOTE_CAP_RENAME)) T_CHECK_STATUS(s.rename("gone", "elsewhere"), Status::not_found);
        if (f.has(TOTE_CAP_COMPARE_VERSION)) {
            WriteOptions at;
            at.if_version = v;
            T_CHECK_STATUS(s.write("gone", "update", at), Status::precondition_failed);
        }
        if (f.has(TOTE_CAP_CREATE_ONLY)) {
            WriteOptions create;
            create.create_only = true;
            s.write("gone", "new", create);  // the expired value does not block a create-only write
            T_CHECK_EQ(s.read("gone"), std::string("new"));
            T_CHECK_EQ(s.stat("gone")->expires_ns, int64_t{0});
        }
    }});

    cases.push_back({"an expiry is reported, kept by appends and renames, cleared by a plain write",
                     TOTE_CAP_WRITE | TOTE_CAP_EXPIRY, [](Fixture& f) {
        Store& s = f.store();
        s.write("k", "v", expiring_at(kFarAway));
        T_CHECK_EQ(s.read("k"), std::string("v"));
        T_CHECK_EQ(s.stat("k")->expires_ns, kFarAway);
        Stat st;
        s.read("k", &st);
        T_CHECK_EQ(st.expires_ns, kFarAway);
        if (f.has(TOTE_CAP_APPEND)) {
            s.append("k", "w");
            T_CHECK_EQ(s.read("k"), std::string("vw"));
            T_CHECK_EQ(s.stat("k")->expires_ns, kFarAway);
        }
        if (f.has(TOTE_CAP_RENAME)) {
            s.rename("k", "moved");
            T_CHECK_EQ(s.stat("moved")->expires_ns, kFarAway);
            s.rename("moved", "k");
        }
        s.write("k", "forever");
        T_CHECK_EQ(s.stat("k")->expires_ns, int64_t{0});
        s.write("k", "short-lived", expiring_at(kFarAway));
        s.write("k", "expired", expiring_at(kPast));  // replaces it, and is gone at once
        T_CHECK(!s.exists("k"));
    }});

    cases.push_back({"an append to an expired key starts a new value", TOTE_CAP_WRITE | TOTE_CAP_APPEND | TOTE_CAP_EXPIRY,
                     [](Fixture& f) {
        Store& s = f.store();
        s.write("log", "old lines\n", expiring_at(kPast));
        const AppendResult r = s.append("log", "new\n");
        T_CHECK_EQ(r.offset, uint64_t{0});
        T_CHECK_EQ(s.read("log"), std::string("new\n"));
        T_CHECK_EQ(s.stat("log")->expires_ns, int64_t{0});
    }});

    cases.push_back({"a rename onto an expired key is no replacement", TOTE_CAP_WRITE | TOTE_CAP_RENAME | TOTE_CAP_EXPIRY,
                     [](Fixture& f) {
        Store& s = f.store();
        s.write("target", "stale", expiring_at(kPast));
        s.write("source", "fresh");
        s.rename("source", "target", false);  // no-replace: an expired target does not exist
        T_CHECK_EQ(s.read("target"), std::string("fresh"));
    }});

    cases.push_back({"expiry times in an atomic batch", TOTE_CAP_WRITE | TOTE_CAP_EXPIRY | TOTE_CAP_ATOMIC_BATCH,
                     [](Fixture& f) {
        Store& s = f.store();
        s.write_batch({{"b/1", "lives", expiring_at(kFarAway)}, {"b/2", "dies", expiring_at(kPast)}, {"b/3", "x", {}}});
        T_CHECK_EQ(s.stat("b/1")->expires_ns, kFarAway);
        T_CHECK(!s.exists("b/2"));
        T_CHECK_EQ(s.stat("b/3")->expires_ns, int64_t{0});
    }});

    cases.push_back({"a plugin without expiry refuses a write with one, unchanged", TOTE_CAP_WRITE, [](Fixture& f) {
        Store& s = f.store();
        T_CHECK_STATUS(s.write("k", "v", expiring_at(kFarAway)), Status::unsupported);
        T_CHECK(!s.exists("k"));
    }, TOTE_CAP_EXPIRY});
}

}  // namespace tote::conformance
