// SPDX-License-Identifier: Apache-2.0
// cases_remove_rename.cpp — conformance: removing keys and prefixes, renaming keys.
#include "suite.hpp"

namespace tote::conformance {

void add_remove_rename_cases(std::vector<Case>& cases) {
    const uint64_t need = TOTE_CAP_WRITE | TOTE_CAP_LIST;

    cases.push_back({"remove deletes a key once", TOTE_CAP_WRITE, [](Fixture& f) {
        Store& s = f.store();
        s.write("k", "v");
        T_CHECK(s.remove("k"));
        T_CHECK(!s.exists("k"));
        T_CHECK_STATUS(s.read("k"), Status::not_found);
        T_CHECK(!s.remove("k"));
        T_CHECK(!s.remove("never/was"));
    }});

    cases.push_back({"remove of a prefix needs recursive", need, [](Fixture& f) {
        Store& s = f.store();
        s.write("dir/a", "1");
        s.write("dir/b", "2");
        T_CHECK(!s.remove("dir"));
        T_CHECK_EQ(s.list("dir", {}).size(), size_t{2});
        T_CHECK(s.remove("dir", true));
        T_CHECK(s.list("dir", ListOptions{true, ""}).empty());
        T_CHECK(!s.stat("dir").has_value());
        T_CHECK(!s.remove("dir", true));
    }});

    cases.push_back({"recursive remove stops at the segment boundary", need, [](Fixture& f) {
        Store& s = f.store();
        for (const char* k : {"b/1", "b/2/3", "b-x", "bb", "b0/y", "a"}) s.write(k, k);
        T_CHECK(s.remove("b", true));
        T_CHECK_EQ(keys_of(s.list("", ListOptions{true, ""})), (std::vector<std::string>{"a", "b-x", "b0/y", "bb"}));
    }});

    cases.push_back({"recursive remove of a plain key removes it", TOTE_CAP_WRITE, [](Fixture& f) {
        Store& s = f.store();
        s.write("solo", "x");
        T_CHECK(s.remove("solo", true));
        T_CHECK(!s.exists("solo"));
    }});

    cases.push_back({"a prefix disappears with its last key", need, [](Fixture& f) {
        Store& s = f.store();
        s.write("x/y/z", "1");
        s.write("w", "2");
        T_CHECK_EQ(s.stat("x")->kind, Kind::prefix);
        T_CHECK_EQ(s.stat("x/y")->kind, Kind::prefix);
        T_CHECK(!s.exists("x"));
        T_CHECK_STATUS(s.read("x"), Status::not_found);
        s.remove("x/y/z");
        T_CHECK(!s.stat("x").has_value());
        T_CHECK(!s.stat("x/y").has_value());
        T_CHECK_EQ(keys_of(s.list("", {})), (std::vector<std::string>{"w"}));
    }});

    cases.push_back({"rename moves the value and its version", TOTE_CAP_WRITE | TOTE_CAP_RENAME, [](Fixture& f) {
        Store& s = f.store();
        uint64_t v = s.write("from", "payload");
        s.rename("from", "to/deep/key");
        T_CHECK(!s.exists("from"));
        T_CHECK_EQ(s.read("to/deep/key"), std::string("payload"));
        T_CHECK_EQ(s.stat("to/deep/key")->version, v);
    }});

    cases.push_back({"rename replaces the destination unless told not to", TOTE_CAP_WRITE | TOTE_CAP_RENAME,
                     [](Fixture& f) {
        Store& s = f.store();
        s.write("a", "A");
        s.write("b", "B");
        T_CHECK_STATUS(s.rename("a", "b", false), Status::already_exists);
        T_CHECK_EQ(s.read("a"), std::string("A"));
        T_CHECK_EQ(s.read("b"), std::string("B"));
        s.rename("a", "b");
        T_CHECK(!s.exists("a"));
        T_CHECK_EQ(s.read("b"), std::string("A"));
    }});

    cases.push_back({"rename of a missing key is not found; to itself changes nothing",
                     TOTE_CAP_WRITE | TOTE_CAP_RENAME, [](Fixture& f) {
        Store& s = f.store();
        T_CHECK_STATUS(s.rename("ghost", "x"), Status::not_found);
        T_CHECK(!s.exists("x"));
        uint64_t v = s.write("same", "1");
        s.rename("same", "same");
        T_CHECK_EQ(s.read("same"), std::string("1"));
        T_CHECK_EQ(s.stat("same")->version, v);
    }});

    cases.push_back({"rename out of a prefix removes the emptied prefix", need | TOTE_CAP_RENAME, [](Fixture& f) {
        Store& s = f.store();
        s.write("old/dir/k", "v");
        s.rename("old/dir/k", "new");
        T_CHECK_EQ(keys_of(s.list("", {})), (std::vector<std::string>{"new"}));
    }});
}

}  // namespace tote::conformance
