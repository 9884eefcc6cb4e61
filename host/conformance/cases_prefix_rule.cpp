// SPDX-License-Identifier: Apache-2.0
// cases_prefix_rule.cpp — conformance: a key that is also a prefix ("a" and "a/b"). Each plugin declares its
// mode with TOTE_CAP_KEY_AND_PREFIX; both modes are tested here, each on the plugins that declare it.
#include "suite.hpp"

namespace tote::conformance {

void add_prefix_rule_cases(std::vector<Case>& cases) {
    cases.push_back({"key-and-prefix mode: 'a' and 'a/b' coexist", TOTE_CAP_WRITE | TOTE_CAP_LIST | TOTE_CAP_KEY_AND_PREFIX,
                     [](Fixture& f) {
        Store& s = f.store();
        s.write("a", "key");
        s.write("a/b", "child");
        T_CHECK_EQ(s.read("a"), std::string("key"));
        T_CHECK_EQ(s.read("a/b"), std::string("child"));
        T_CHECK_EQ(keys_of(s.list("", {})), (std::vector<std::string>{"a", "a/"}));
        T_CHECK_EQ(keys_of(s.list("", ListOptions{true, ""})), (std::vector<std::string>{"a", "a/b"}));
        T_CHECK_EQ(s.stat("a")->kind, Kind::key);
        s.remove("a");
        T_CHECK_EQ(s.stat("a")->kind, Kind::prefix);
        s.write("a", "again");
        T_CHECK(s.remove("a", true));
        T_CHECK(s.list("", ListOptions{true, ""}).empty());
    }});

    cases.push_back({"strict mode: a key cannot be a prefix, nor a prefix a key", TOTE_CAP_WRITE | TOTE_CAP_LIST,
                     [](Fixture& f) {
        Store& s = f.store();
        s.write("a", "key");
        T_CHECK_STATUS(s.write("a/b", "child"), Status::conflict);
        T_CHECK_STATUS(s.write("a/b/c", "grandchild"), Status::conflict);
        T_CHECK_EQ(s.read("a"), std::string("key"));
        s.write("d/e", "child");
        T_CHECK_STATUS(s.write("d", "key"), Status::conflict);
        T_CHECK_EQ(s.read("d/e"), std::string("child"));
        T_CHECK_EQ(keys_of(s.list("", ListOptions{true, ""})), (std::vector<std::string>{"a", "d/e"}));
    }, TOTE_CAP_KEY_AND_PREFIX});

    cases.push_back({"strict mode: appends and renames obey the rule too",
                     TOTE_CAP_WRITE | TOTE_CAP_APPEND | TOTE_CAP_RENAME | TOTE_CAP_LIST, [](Fixture& f) {
        Store& s = f.store();
        s.write("a", "key");
        s.write("d/e", "child");
        T_CHECK_STATUS(s.append("a/x", "1"), Status::conflict);
        T_CHECK_STATUS(s.append("d", "1"), Status::conflict);
        s.write("m", "moving");
        T_CHECK_STATUS(s.rename("m", "a/m"), Status::conflict);
        T_CHECK_STATUS(s.rename("m", "d"), Status::conflict);
        T_CHECK_EQ(s.read("m"), std::string("moving"));
        T_CHECK_EQ(keys_of(s.list("", ListOptions{true, ""})), (std::vector<std::string>{"a", "d/e", "m"}));
    }, TOTE_CAP_KEY_AND_PREFIX});

    cases.push_back({"strict mode: a create-only write on a prefix is a conflict",
                     TOTE_CAP_WRITE | TOTE_CAP_CREATE_ONLY, [](Fixture& f) {
        Store& s = f.store();
        s.write("d/e", "child");
        WriteOptions create;
        create.create_only = true;
        T_CHECK_STATUS(s.write("d", "key", create), Status::conflict);
    }, TOTE_CAP_KEY_AND_PREFIX});
}

}  // namespace tote::conformance
