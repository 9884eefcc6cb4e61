// SPDX-License-Identifier: Apache-2.0
// cases_read_write.cpp — conformance: plain reads and writes, exact bytes, keys at the limits.
#include "suite.hpp"

namespace tote::conformance {

void add_read_write_cases(std::vector<Case>& cases) {
    cases.push_back({"write then read returns the exact value", TOTE_CAP_WRITE, [](Fixture& f) {
        Store& s = f.store();
        uint64_t v = s.write("k", "value");
        T_CHECK_EQ(s.read("k"), std::string("value"));
        auto st = s.stat("k");
        T_CHECK(st.has_value());
        T_CHECK_EQ(st->kind, Kind::key);
        T_CHECK_EQ(st->size, uint64_t{5});
        T_CHECK(st->version != 0);
        T_CHECK_EQ(st->version, v);
        T_CHECK(s.exists("k"));
    }});

    cases.push_back({"a missing key is not found everywhere", 0, [](Fixture& f) {
        Store& s = f.store();
        T_CHECK_STATUS(s.read("missing"), Status::not_found);
        T_CHECK(!s.try_read("missing").has_value());
        T_CHECK(!s.stat("missing").has_value());
        T_CHECK(!s.exists("missing"));
        T_CHECK_STATUS(s.read("missing/deeper/key"), Status::not_found);
    }});

    cases.push_back({"overwrite replaces the value and changes the version", TOTE_CAP_WRITE, [](Fixture& f) {
        Store& s = f.store();
        uint64_t v1 = s.write("k", "first value");
        uint64_t v2 = s.write("k", "second");
        T_CHECK_EQ(s.read("k"), std::string("second"));
        T_CHECK(v1 != v2);
        T_CHECK_EQ(s.stat("k")->size, uint64_t{6});
    }});

    cases.push_back({"binary values with every byte value round-trip", TOTE_CAP_WRITE, [](Fixture& f) {
        Store& s = f.store();
        std::string all;
        for (int i = 0; i < 256; ++i) all += static_cast<char>(i);
        all += std::string("\0\0tail\0", 7);
        s.write("bin", all);
        T_CHECK_EQ(s.read("bin"), all);
        T_CHECK_EQ(s.stat("bin")->size, uint64_t{all.size()});
    }});

    cases.push_back({"an empty value is a key with size 0", TOTE_CAP_WRITE, [](Fixture& f) {
        Store& s = f.store();
        s.write("empty", "");
        T_CHECK(s.exists("empty"));
        T_CHECK_EQ(s.read("empty"), std::string());
        T_CHECK_EQ(s.stat("empty")->size, uint64_t{0});
        T_CHECK_EQ(s.list("", {}).size(), size_t{1});
    }});

    cases.push_back({"a 10 MiB value round-trips, also streamed", TOTE_CAP_WRITE, [](Fixture& f) {
        Store& s = f.store();
        const std::string big = random_bytes(10u << 20, 42);
        s.write("big", big);
        Stat st;
        T_CHECK(s.read("big", &st) == big);
        T_CHECK_EQ(st.size, uint64_t{big.size()});
        std::string streamed;
        size_t pieces = 0;
        s.read_to("big", [&](std::string_view piece) {
            streamed.append(piece);
            ++pieces;
            return true;
        });
        T_CHECK(streamed == big);
        T_CHECK(pieces >= 1);
    }});

    cases.push_back({"a read stopped by the sink ends cleanly", TOTE_CAP_WRITE, [](Fixture& f) {
        Store& s = f.store();
        s.write("big", random_bytes(3u << 20, 7));
        size_t got = 0;
        s.read_to("big", [&](std::string_view piece) {
            got += piece.size();
            return false;  // stop after the first piece
        });
        T_CHECK(got > 0);
        T_CHECK_EQ(s.read("big").size(), size_t{3u << 20});  // the store is still usable
    }});

    cases.push_back({"read reports the same stat as stat()", TOTE_CAP_WRITE, [](Fixture& f) {
        Store& s = f.store();
        s.write("a/b", "12345");
        Stat from_read;
        s.read("a/b", &from_read);
        auto st = s.stat("a/b");
        T_CHECK_EQ(from_read.size, st->size);
        T_CHECK_EQ(from_read.version, st->version);
        T_CHECK_EQ(from_read.kind, Kind::key);
        T_CHECK(st->mtime_ns == 0 || st->mtime_ns > 1600000000LL * 1000000000LL);  // unknown, or a real time
    }});

    cases.push_back({"UTF-8, spaces, dots and dashes in keys", TOTE_CAP_WRITE | TOTE_CAP_LIST, [](Fixture& f) {
        Store& s = f.store();
        const std::vector<std::string> keys = {"évals/データ/😀.json", "with space/a b.txt", ".hidden/x.y", "-dash/_u",
                                               "a.b.c/...x"};
        for (const auto& k : keys) s.write(k, k);
        for (const auto& k : keys) T_CHECK_EQ(s.read(k), k);
        T_CHECK_EQ(s.list("", ListOptions{true, ""}).size(), keys.size());
    }});

    cases.push_back({"keys at the length limits", TOTE_CAP_WRITE, [](Fixture& f) {
        Store& s = f.store();
        std::string segment(255, 's');
        std::string key = segment + "/" + segment + "/" + segment + "/" + std::string(254, 's') + "/k";
        T_CHECK_EQ(key.size(), size_t{1024});
        s.write(key, "long");
        T_CHECK_EQ(s.read(key), std::string("long"));
        std::string deep;
        for (int i = 0; i < 50; ++i) deep += (i ? "/" : "") + std::string("d") + std::to_string(i);
        s.write(deep, "deep");
        T_CHECK_EQ(s.read(deep), std::string("deep"));
    }});

    cases.push_back({"invalid keys are refused and change nothing", TOTE_CAP_WRITE | TOTE_CAP_LIST, [](Fixture& f) {
        Store& s = f.store();
        const std::vector<std::string> bad = {"",        "../x",        "a/../../b", "/abs",  "a//b",
                                              "a/",      "./a",         "a/.",       "a/..",  std::string("a\0b", 3),
                                              "new\nline", std::string(1025, 'x'), std::string(256, 's'),
                                              "\xff\xfe", "a/\xc0\xaf", ".tote-tmp.x", "a/.tote-lock"};
        for (const auto& k : bad) {
            T_CHECK_STATUS(s.write(k, "x"), Status::invalid_argument);
            T_CHECK_STATUS(s.read(k), Status::invalid_argument);
        }
        T_CHECK(s.list("", ListOptions{true, ""}).empty());
    }});
}

}  // namespace tote::conformance
