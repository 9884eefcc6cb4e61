// SPDX-License-Identifier: Apache-2.0
// cases_list.cpp — conformance: listings in byte order, one level and recursive, resumed and stopped.
#include "suite.hpp"

#include <algorithm>

namespace tote::conformance {

namespace {

std::vector<std::string> listing(const Store& s, const std::string& prefix, bool recursive,
                                 const std::string& start_after = "") {
    return keys_of(s.list(prefix, ListOptions{recursive, start_after}));
}

void write_all(Store& s, const std::vector<std::string>& keys) {
    for (const auto& k : keys) s.write(k, "v:" + k);
}

}  // namespace

void add_list_cases(std::vector<Case>& cases) {
    const uint64_t need = TOTE_CAP_WRITE | TOTE_CAP_LIST;

    cases.push_back({"one-level listing shows keys and sub-prefixes", need, [](Fixture& f) {
        Store& s = f.store();
        write_all(s, {"a", "b/c", "b/d", "e/f/g", "h"});
        T_CHECK_EQ(listing(s, "", false), (std::vector<std::string>{"a", "b/", "e/", "h"}));
        auto entries = s.list("", {});
        T_CHECK_EQ(entries[0].kind, Kind::key);
        T_CHECK_EQ(entries[1].kind, Kind::prefix);
        T_CHECK_EQ(listing(s, "b", false), (std::vector<std::string>{"b/c", "b/d"}));
        T_CHECK_EQ(listing(s, "b/", false), (std::vector<std::string>{"b/c", "b/d"}));
        T_CHECK_EQ(listing(s, "e", false), (std::vector<std::string>{"e/f/"}));
        T_CHECK_EQ(listing(s, "e/f", false), (std::vector<std::string>{"e/f/g"}));
    }});

    cases.push_back({"recursive listing is every key in byte order", need, [](Fixture& f) {
        Store& s = f.store();
        // '-' (0x2D) and '.' (0x2E) sort before '/' (0x2F), '0' (0x30) after: a per-directory sort gets this wrong.
        std::vector<std::string> keys = {"a/b", "a-c", "a0", "a.x", "a/b-c/d", "a/b/c", "b", "Z", "é", "a/a"};
        keys.erase(std::remove(keys.begin(), keys.end(), "a/b"), keys.end());  // "a/b" and "a/b/c" cannot coexist everywhere
        write_all(s, keys);
        std::vector<std::string> sorted = keys;
        std::sort(sorted.begin(), sorted.end());
        T_CHECK_EQ(listing(s, "", true), sorted);
        T_CHECK_EQ(listing(s, "", false), (std::vector<std::string>{"Z", "a-c", "a.x", "a/", "a0", "b", "é"}));
        T_CHECK_EQ(listing(s, "a", true), (std::vector<std::string>{"a/a", "a/b-c/d", "a/b/c"}));
    }});

    cases.push_back({"a prefix boundary is a whole segment", need, [](Fixture& f) {
        Store& s = f.store();
        write_all(s, {"run/1", "run-2/x", "runs/3", "run/sub/4"});
        T_CHECK_EQ(listing(s, "run", true), (std::vector<std::string>{"run/1", "run/sub/4"}));
        T_CHECK_EQ(listing(s, "run", false), (std::vector<std::string>{"run/1", "run/sub/"}));
    }});

    cases.push_back({"listing nothing is empty, not an error", TOTE_CAP_LIST, [](Fixture& f) {
        Store& s = f.store();
        if (f.has(TOTE_CAP_WRITE)) {  // a fresh store is empty (a read-only plugin's store is the fixture)
            T_CHECK(listing(s, "", true).empty());
            T_CHECK(listing(s, "", false).empty());
        }
        T_CHECK(listing(s, "nothing/here", true).empty());
    }});

    cases.push_back({"listing under a key that has no children is empty", need, [](Fixture& f) {
        Store& s = f.store();
        write_all(s, {"file", "other/x"});
        T_CHECK(listing(s, "file", true).empty());
        T_CHECK(listing(s, "file", false).empty());
    }});

    cases.push_back({"start_after resumes a recursive listing in pages", need, [](Fixture& f) {
        Store& s = f.store();
        std::vector<std::string> keys;
        for (int i = 0; i < 25; ++i) keys.push_back("p/" + std::string(i < 10 ? "0" : "") + std::to_string(i));
        keys.push_back("p/sub/x");
        keys.push_back("p/sub/y");
        keys.push_back("q");
        write_all(s, keys);
        std::vector<std::string> all = listing(s, "", true);
        std::vector<std::string> paged;
        std::string after;
        for (int guard = 0; guard < 100; ++guard) {
            std::vector<std::string> page;
            s.list("", ListOptions{true, after}, [&](const Entry& e) {
                page.push_back(e.key);
                return page.size() < 4;
            });
            if (page.empty()) break;
            paged.insert(paged.end(), page.begin(), page.end());
            after = page.back();
        }
        T_CHECK_EQ(paged, all);
        T_CHECK_EQ(listing(s, "", true, "p/sub/x"), (std::vector<std::string>{"p/sub/y", "q"}));
        T_CHECK_EQ(listing(s, "p", true, "p/24"), (std::vector<std::string>{"p/sub/x", "p/sub/y"}));
        T_CHECK(listing(s, "", true, "q").empty());
        T_CHECK_EQ(listing(s, "", true, "a"), all);
    }});

    cases.push_back({"start_after in a one-level listing skips a whole sub-prefix", need, [](Fixture& f) {
        Store& s = f.store();
        write_all(s, {"a", "b/1", "b/2", "c/3", "d"});
        T_CHECK_EQ(listing(s, "", false, "b/"), (std::vector<std::string>{"c/", "d"}));
        T_CHECK_EQ(listing(s, "", false, "a"), (std::vector<std::string>{"b/", "c/", "d"}));
        T_CHECK_EQ(listing(s, "", false, "b/1"), (std::vector<std::string>{"c/", "d"}));
    }});

    cases.push_back({"a listing stops when the callback says so", need, [](Fixture& f) {
        Store& s = f.store();
        for (int i = 0; i < 50; ++i) s.write("k/" + std::to_string(100 + i), "x");
        int seen = 0;
        s.list("", ListOptions{true, ""}, [&](const Entry&) { return ++seen < 3; });
        T_CHECK_EQ(seen, 3);
        seen = 0;
        s.list("k", ListOptions{false, ""}, [&](const Entry&) { return ++seen < 1; });
        T_CHECK_EQ(seen, 1);
    }});

    cases.push_back({"hundreds of keys in several prefixes list completely and in order", need, [](Fixture& f) {
        Store& s = f.store();
        std::vector<std::string> keys;
        for (int i = 0; i < 700; ++i) {
            char key[32];
            std::snprintf(key, sizeof key, "k/%02d/%06d", i % 7, i);
            keys.push_back(key);
        }
        for (const auto& k : keys) s.write(k, "x");
        std::sort(keys.begin(), keys.end());
        T_CHECK_EQ(listing(s, "", true), keys);
        T_CHECK_EQ(listing(s, "k", false).size(), size_t{7});
    }});
}

}  // namespace tote::conformance
