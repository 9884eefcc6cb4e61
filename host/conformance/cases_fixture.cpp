// SPDX-License-Identifier: Apache-2.0
// cases_fixture.cpp — conformance: the read side checked against the suite's fixture, a fixed dataset. A plugin
// that writes gets the fixture written into its case's store; a plugin without TOTE_CAP_WRITE (a read-only
// source) is pointed at a store that already holds it (Target::fixture, `tote plugin check --fixture URL`), so
// these cases are how a read-only plugin is checked at all — and every writable backend runs them too, which is
// what keeps them honest.
#include "suite.hpp"

#include <algorithm>
#include <set>

namespace tote::conformance {

const std::vector<std::pair<std::string, std::string>>& fixture_entries() {
    static const std::vector<std::pair<std::string, std::string>> entries = [] {
        std::string every_byte;
        for (int i = 0; i < 256; ++i) every_byte += static_cast<char>(i);
        return std::vector<std::pair<std::string, std::string>>{
            // The first entry marks a store as holding this fixture (and which edition of it).
            {"README", "tote conformance fixture, edition 1: written by tote plugin fixture; do not edit\n"},
            {"big", random_bytes((1u << 20) + 17, 20261202)},
            {"binary", every_byte + std::string("\0\0tail\0", 7)},
            {"docs-2", "sorts before docs/ ('-' is 0x2D, '/' is 0x2F)"},
            {"docs/a.json", "{\"id\": 1, \"ok\": true}\n"},
            {"docs/b.json", "{\"id\": 2, \"ok\": false}\n"},
            {"docs/nested/c.json", "{\"id\": 3}\n"},
            {"docs0", "sorts after docs/ ('0' is 0x30)"},
            {"empty", ""},
            {"unicode/\xC3\xA9t\xC3\xA9", "\xC3\xA9t\xC3\xA9"},
            {"z", "last"},
        };
    }();
    return entries;
}

void write_fixture(Store& store) {
    for (const auto& [key, value] : fixture_entries()) store.write(key, value);
}

namespace {

std::vector<std::string> fixture_keys() {
    std::vector<std::string> keys;
    for (const auto& [key, value] : fixture_entries()) keys.push_back(key);
    std::sort(keys.begin(), keys.end());
    return keys;
}

std::vector<std::string> listing(const Store& s, const std::string& prefix, bool recursive,
                                 const std::string& start_after = "") {
    return keys_of(s.list(prefix, ListOptions{recursive, start_after}));
}

}  // namespace

void add_fixture_cases(std::vector<Case>& cases) {
    cases.push_back({"fixture: every value reads back exactly, with its size and a version", 0, [](Fixture& f) {
        Store& s = f.fixture_store();
        for (const auto& [key, value] : fixture_entries()) {
            Stat st;
            const std::string got = s.read(key, &st);
            if (got != value) T_FAIL("read " + show(key) + ": " + show(got) + ", expected " + show(value));
            T_CHECK_EQ(st.size, uint64_t{value.size()});
            T_CHECK(st.version != 0);
            const std::optional<Stat> stat = s.stat(key);
            T_CHECK(stat.has_value());
            T_CHECK_EQ(stat->kind, Kind::key);
            T_CHECK_EQ(stat->size, uint64_t{value.size()});
            T_CHECK_EQ(stat->version, st.version);
            std::string streamed;
            size_t pieces = 0;
            s.read_to(key, [&](std::string_view piece) {
                streamed += piece;
                ++pieces;
                return true;
            });
            T_CHECK(streamed == value);
            if (value.empty()) T_CHECK_EQ(pieces, size_t{0});  // an empty value calls the sink no time
        }
        const std::optional<Stat> prefix = s.stat("docs");
        T_CHECK(prefix.has_value());
        T_CHECK_EQ(prefix->kind, Kind::prefix);
        T_CHECK(!s.exists("docs"));
        T_CHECK_STATUS(s.read("docs"), Status::not_found);
        T_CHECK_STATUS(s.read("docs/a"), Status::not_found);
        T_CHECK(!s.stat("doc").has_value());
        T_CHECK(!s.try_read("README/x").has_value());
    }});

    cases.push_back({"fixture: distinct values have distinct versions, stable while nothing changes", 0,
                     [](Fixture& f) {
        Store& s = f.fixture_store();
        std::set<uint64_t> versions;
        for (const auto& [key, value] : fixture_entries()) versions.insert(s.stat(key)->version);
        T_CHECK_EQ(versions.size(), fixture_entries().size());  // a version is never shared by two values
        for (const auto& [key, value] : fixture_entries()) T_CHECK(versions.count(s.stat(key)->version) == 1);
    }});

    cases.push_back({"fixture: listings show exactly its keys, in byte order", TOTE_CAP_LIST, [](Fixture& f) {
        Store& s = f.fixture_store();
        const std::vector<std::string> keys = fixture_keys();
        T_CHECK_EQ(listing(s, "", true), keys);
        T_CHECK_EQ(listing(s, "", false), (std::vector<std::string>{"README", "big", "binary", "docs-2", "docs/",
                                                                     "docs0", "empty", "unicode/", "z"}));
        auto top = s.list("", {});
        for (const Entry& e : top) T_CHECK_EQ(e.kind, e.key.back() == '/' ? Kind::prefix : Kind::key);
        T_CHECK_EQ(listing(s, "docs", false),
                   (std::vector<std::string>{"docs/a.json", "docs/b.json", "docs/nested/"}));
        T_CHECK_EQ(listing(s, "docs/", true),
                   (std::vector<std::string>{"docs/a.json", "docs/b.json", "docs/nested/c.json"}));
        T_CHECK(listing(s, "doc", true).empty());     // a prefix is a whole segment
        T_CHECK(listing(s, "empty", true).empty());   // a key has nothing under it
        T_CHECK(listing(s, "nothing/here", false).empty());
        // Paging with start_after, two keys a page, gives the whole listing back.
        std::vector<std::string> paged;
        for (std::string after;;) {
            std::vector<std::string> page;
            s.list("", ListOptions{true, after}, [&](const Entry& e) {
                page.push_back(e.key);
                return page.size() < 2;
            });
            if (page.empty()) break;
            paged.insert(paged.end(), page.begin(), page.end());
            after = page.back();
        }
        T_CHECK_EQ(paged, keys);
        T_CHECK_EQ(listing(s, "", false, "docs-2"),
                   (std::vector<std::string>{"docs/", "docs0", "empty", "unicode/", "z"}));
    }});

    cases.push_back({"fixture: ranged reads of a large value", 0, [](Fixture& f) {
        Store& s = f.fixture_store();
        const std::string& big = fixture_entries()[1].second;
        const uint64_t size = big.size();
        for (const auto& [offset, length] : std::vector<std::pair<uint64_t, uint64_t>>{
                 {0, 10}, {1, 4096}, {size / 2, 65537}, {size - 5, 5}, {size - 5, 100}, {size, 1}, {size + 10, 5}}) {
            Stat st;
            const std::string got = s.read_range("big", offset, length, &st);
            const std::string want = offset >= size ? std::string() : big.substr(offset, length);
            if (got != want)
                T_FAIL("read_range(big, " + std::to_string(offset) + ", " + std::to_string(length) + "): " +
                       std::to_string(got.size()) + " bytes, not the " + std::to_string(want.size()) + " expected");
            T_CHECK_EQ(st.size, size);
        }
        T_CHECK_EQ(s.read_range("empty", 0, 10), std::string());
        T_CHECK_STATUS(s.read_range("missing", 0, 1), Status::not_found);
    }});

    cases.push_back({"fixture: a read-only handle reads the same and changes nothing", 0, [](Fixture& f) {
        Store& s = f.fixture_store();
        Store ro = f.reopen(true);
        T_CHECK(ro.read_only());
        for (const auto& [key, value] : fixture_entries()) {
            T_CHECK(ro.read(key) == value);
            T_CHECK_EQ(ro.stat(key)->version, s.stat(key)->version);
        }
        const Status refused = f.has(TOTE_CAP_WRITE) ? Status::permission_denied : Status::unsupported;
        T_CHECK_STATUS(ro.write("z", "changed"), refused);
        T_CHECK_STATUS(ro.remove("z"), refused);
        T_CHECK_EQ(s.read("z"), std::string("last"));
    }});
}

}  // namespace tote::conformance
