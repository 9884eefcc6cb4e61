// SPDX-License-Identifier: Apache-2.0
// cases_concurrency.cpp — conformance: several threads sharing one tote::Store. The Store serialises plugins
// that are not thread-safe; either way no write may be lost and a create-only race has exactly one winner.
#include "suite.hpp"

#include <atomic>
#include <thread>

namespace tote::conformance {

void add_concurrency_cases(std::vector<Case>& cases) {
    cases.push_back({"threads writing disjoint keys lose nothing", TOTE_CAP_WRITE | TOTE_CAP_LIST, [](Fixture& f) {
        Store& s = f.store();
        on_threads(4, [&](int t) {
            for (int i = 0; i < 100; ++i) {
                std::string key = "t" + std::to_string(t) + "/" + std::to_string(i);
                s.write(key, key);
                T_CHECK_EQ(s.read(key), key);
            }
        });
        T_CHECK_EQ(s.list("", ListOptions{true, ""}).size(), size_t{400});
    }});

    cases.push_back({"a create-only race between threads has exactly one winner",
                     TOTE_CAP_WRITE | TOTE_CAP_CREATE_ONLY, [](Fixture& f) {
        Store& s = f.store();
        for (int round = 0; round < 10; ++round) {
            std::atomic<int> winners{0}, losers{0};
            const std::string key = "lock/" + std::to_string(round);
            on_threads(6, [&](int t) {
                WriteOptions create;
                create.create_only = true;
                try {
                    s.write(key, "owner " + std::to_string(t), create);
                    ++winners;
                } catch (const Error& e) {
                    if (e.status() != Status::already_exists) throw;
                    ++losers;
                }
            });
            T_CHECK_EQ(winners.load(), 1);
            T_CHECK_EQ(losers.load(), 5);
        }
    }});

    cases.push_back({"compare-version increments from threads lose no update",
                     TOTE_CAP_WRITE | TOTE_CAP_COMPARE_VERSION, [](Fixture& f) {
        Store& s = f.store();
        s.write("counter", "0");
        const int threads = 4, increments = 40;
        on_threads(threads, [&](int) {
            for (int i = 0; i < increments; ++i) {
                for (;;) {
                    Stat st;
                    int value = std::stoi(s.read("counter", &st));
                    WriteOptions guarded;
                    guarded.if_version = st.version;
                    try {
                        s.write("counter", std::to_string(value + 1), guarded);
                        break;
                    } catch (const Error& e) {
                        if (e.status() != Status::precondition_failed) throw;
                    }
                }
            }
        });
        T_CHECK_EQ(s.read("counter"), std::to_string(threads * increments));
    }});

    cases.push_back({"appends from threads interleave whole", TOTE_CAP_APPEND, [](Fixture& f) {
        Store& s = f.store();
        on_threads(4, [&](int t) {
            for (int i = 0; i < 50; ++i) s.append("log", "thread " + std::to_string(t) + " line " + std::to_string(i) + "\n");
        });
        std::string log = s.read("log");
        size_t lines = 0;
        for (size_t start = 0; start < log.size();) {
            size_t end = log.find('\n', start);
            T_CHECK(end != std::string::npos);
            T_CHECK(log.compare(start, 7, "thread ") == 0);
            start = end + 1;
            ++lines;
        }
        T_CHECK_EQ(lines, size_t{200});
    }});
}

}  // namespace tote::conformance
