// SPDX-License-Identifier: Apache-2.0
// cases_range_append.cpp — conformance (ABI 1.1): ranged reads, appends that say where they landed, and
// conditional appends. Every plugin passes them: natively where it offers "tote.read_range/1" and "tote.append/1",
// through the host's fallbacks otherwise, with the same answers.
#include "suite.hpp"

#include <tote/ext/append.h>

#include <limits>
#include <set>

namespace tote::conformance {

namespace {

constexpr uint64_t kToEnd = std::numeric_limits<uint64_t>::max();

// A conditional append is possible natively, or by the host's compare-version rewrite.
bool can_append_conditionally(Fixture& f) {
    return f.offers(TOTE_EXT_APPEND) || f.has(TOTE_CAP_COMPARE_VERSION | TOTE_CAP_CREATE_ONLY);
}

}  // namespace

void add_range_append_cases(std::vector<Case>& cases) {
    cases.push_back({"a ranged read gives the bytes that exist", TOTE_CAP_WRITE, [](Fixture& f) {
        Store& s = f.store();
        const std::string value = random_bytes(300 * 1024 + 7, 11);  // several pieces on every backend
        const uint64_t size = value.size();
        const uint64_t version = s.write("blob", value);
        Stat st;
        T_CHECK_EQ(s.read_range("blob", 0, 10, &st), value.substr(0, 10));
        T_CHECK_EQ(st.size, size);
        T_CHECK_EQ(st.version, version);
        T_CHECK_EQ(s.read_range("blob", 100000, 70000), value.substr(100000, 70000));
        T_CHECK_EQ(s.read_range("blob", size - 5, 100, &st), value.substr(value.size() - 5));
        T_CHECK_EQ(st.size, size);
        T_CHECK_EQ(s.read_range("blob", size, 10, &st), std::string());
        T_CHECK_EQ(st.size, size);
        T_CHECK_EQ(s.read_range("blob", size + 1000, kToEnd), std::string());
        T_CHECK_EQ(s.read_range("blob", 7, 0), std::string());
        T_CHECK(s.read_range("blob", 0, kToEnd) == value);
        T_CHECK(s.read_range("blob", 1, kToEnd) == value.substr(1));
    }});

    cases.push_back({"a ranged read of a missing key or a prefix is not found", TOTE_CAP_WRITE, [](Fixture& f) {
        Store& s = f.store();
        s.write("dir/leaf", "x");
        T_CHECK_STATUS(s.read_range("missing", 0, 1), Status::not_found);
        if (!f.has(TOTE_CAP_KEY_AND_PREFIX) || !s.exists("dir")) T_CHECK_STATUS(s.read_range("dir", 0, 1), Status::not_found);
    }});

    cases.push_back({"an empty value never calls the sink, whole or ranged", TOTE_CAP_WRITE, [](Fixture& f) {
        Store& s = f.store();
        s.write("empty", "");
        int calls = 0;
        Stat st;
        s.read_to("empty", [&](std::string_view) { return ++calls > 0; }, &st);
        T_CHECK_EQ(calls, 0);
        T_CHECK_EQ(st.size, uint64_t{0});
        s.read_range_to("empty", 0, 10, [&](std::string_view) { return ++calls > 0; });
        T_CHECK_EQ(calls, 0);
        T_CHECK_EQ(s.read("empty"), std::string());
    }});

    cases.push_back({"an append says where it landed and the version it made", TOTE_CAP_APPEND, [](Fixture& f) {
        Store& s = f.store();
        AppendResult first = s.append("log", "abc");
        T_CHECK_EQ(first.offset, uint64_t{0});
        T_CHECK_EQ(first.version, s.stat("log")->version);
        AppendResult second = s.append("log", "defgh");
        T_CHECK_EQ(second.offset, uint64_t{3});
        T_CHECK(second.version != first.version);
        T_CHECK_EQ(second.version, s.stat("log")->version);
        T_CHECK_EQ(s.read_range("log", second.offset, 5), std::string("defgh"));
    }});

    cases.push_back({"a conditional append lands only at the expected size", TOTE_CAP_APPEND, [](Fixture& f) {
        Store& s = f.store();
        AppendOptions at;
        at.if_size = 0;
        if (!can_append_conditionally(f)) {
            T_CHECK_STATUS(s.append("stream", "x", at), Status::unsupported);
            return;
        }
        AppendResult r = s.append("stream", "one\n", at);  // an absent key counts as 0 bytes long
        T_CHECK_EQ(r.offset, uint64_t{0});
        T_CHECK_STATUS(s.append("stream", "again\n", at), Status::precondition_failed);
        at.if_size = 5;
        T_CHECK_STATUS(s.append("stream", "two\n", at), Status::precondition_failed);
        T_CHECK_EQ(s.read("stream"), std::string("one\n"));
        at.if_size = 4;
        r = s.append("stream", "two\n", at);
        T_CHECK_EQ(r.offset, uint64_t{4});
        T_CHECK_EQ(r.version, s.stat("stream")->version);
        T_CHECK_EQ(s.read("stream"), std::string("one\ntwo\n"));
        at.if_size = 1;
        T_CHECK_STATUS(s.append("other", "x", at), Status::precondition_failed);
        T_CHECK(!s.exists("other"));
    }});

    cases.push_back({"racing conditional appends: every record lands exactly once", TOTE_CAP_APPEND, [](Fixture& f) {
        if (!can_append_conditionally(f)) T_SKIP("the plugin offers neither tote.append/1 nor compare-version");
        f.store().write("journal", "");
        // Each thread its own handle, as separate processes would have; each record is retried at the size the
        // writer last saw until it lands, so a retry after a lost race never duplicates a record.
        constexpr int kThreads = 4, kRecords = 25;
        on_threads(kThreads, [&](int t) {
            Store s = f.reopen();
            for (int i = 0; i < kRecords; ++i) {
                const std::string record = "t" + std::to_string(t) + "." + std::to_string(i) + "\n";
                for (;;) {
                    AppendOptions at;
                    at.if_size = s.stat("journal")->size;
                    try {
                        AppendResult r = s.append("journal", record, at);
                        T_CHECK_EQ(r.offset, *at.if_size);
                        break;
                    } catch (const Error& e) {
                        if (e.status() != Status::precondition_failed && e.status() != Status::busy) throw;
                    }
                }
            }
        });
        const std::string journal = f.store().read("journal");
        std::multiset<std::string> lines;
        for (size_t at = 0; at < journal.size();) {
            const size_t end = journal.find('\n', at);
            T_CHECK(end != std::string::npos);
            lines.insert(journal.substr(at, end - at));
            at = end + 1;
        }
        T_CHECK_EQ(lines.size(), size_t{kThreads * kRecords});
        for (int t = 0; t < kThreads; ++t)
            for (int i = 0; i < kRecords; ++i)
                T_CHECK_EQ(lines.count("t" + std::to_string(t) + "." + std::to_string(i)), size_t{1});
    }});
}

}  // namespace tote::conformance
