// SPDX-License-Identifier: Apache-2.0
// cases_open.cpp — conformance: opening, reopening, read-only handles.
#include "suite.hpp"

namespace tote::conformance {

void add_open_cases(std::vector<Case>& cases) {
    cases.push_back({"a missing store is not found unless created", 0, [](Fixture& f) {
        T_CHECK_STATUS(f.open_other("-missing", false), Status::not_found);
        T_CHECK_STATUS(f.open_other("-missing", false, true), Status::not_found);
        if (!f.has(TOTE_CAP_WRITE)) return;  // creating a store is a write
        f.open_other("-created", true);
        f.open_other("-created", false);  // now it exists
    }});

    cases.push_back({"data survives closing and reopening", TOTE_CAP_WRITE | TOTE_CAP_PERSISTENT, [](Fixture& f) {
        {
            Store& s = f.store();
            s.write("kept", "across reopen");
        }
        Store again = f.reopen();
        T_CHECK_EQ(again.read("kept"), std::string("across reopen"));
    }});

    cases.push_back({"two handles on one store see each other's writes", TOTE_CAP_WRITE, [](Fixture& f) {
        Store& first = f.store();
        Store second = f.reopen();
        first.write("shared", "1");
        T_CHECK_EQ(second.read("shared"), std::string("1"));
        second.write("shared", "2");
        T_CHECK_EQ(first.read("shared"), std::string("2"));
    }});

    cases.push_back({"a read-only handle reads and refuses every write", TOTE_CAP_WRITE, [](Fixture& f) {
        f.store().write("k", "v");
        Store ro = f.reopen(true);
        T_CHECK(ro.read_only());
        T_CHECK_EQ(ro.read("k"), std::string("v"));
        T_CHECK_STATUS(ro.write("k", "x"), Status::permission_denied);
        T_CHECK_STATUS(ro.write("new", "x"), Status::permission_denied);
        T_CHECK_STATUS(ro.remove("k"), Status::permission_denied);
        if (f.has(TOTE_CAP_APPEND)) T_CHECK_STATUS(ro.append("k", "x"), Status::permission_denied);
        if (f.has(TOTE_CAP_RENAME)) T_CHECK_STATUS(ro.rename("k", "k2"), Status::permission_denied);
        T_CHECK_STATUS(ro.write_batch({{"b", "x", {}}}), Status::permission_denied);
        T_CHECK_EQ(f.store().read("k"), std::string("v"));
    }});

    // Whatever the open mode: an operation the plugin does not offer is unsupported on a read-only handle too
    // (not "the store is open read-only", which would suggest opening it writable would help).
    cases.push_back({"operations the plugin lacks are unsupported, not attempted", 0, [](Fixture& f) {
        Store& s = f.store();
        Store ro = f.reopen(true);
        for (Store* h : {&s, &ro}) {
            if (!f.has(TOTE_CAP_APPEND)) T_CHECK_STATUS(h->append("k", "x"), Status::unsupported);
            if (!f.has(TOTE_CAP_RENAME)) T_CHECK_STATUS(h->rename("a", "b"), Status::unsupported);
            if (!f.has(TOTE_CAP_LIST)) T_CHECK_STATUS(h->list("", {}), Status::unsupported);
            WriteOptions create;
            create.create_only = true;
            if (!f.has(TOTE_CAP_CREATE_ONLY)) T_CHECK_STATUS(h->write("k", "x", create), Status::unsupported);
            WriteOptions if_version;
            if_version.if_version = 1;
            if (!f.has(TOTE_CAP_COMPARE_VERSION)) T_CHECK_STATUS(h->write("k", "x", if_version), Status::unsupported);
            WriteOptions expiring;
            expiring.expires_ns = 4102444800000000000;  // 2100
            if (!f.has(TOTE_CAP_EXPIRY)) T_CHECK_STATUS(h->write("k", "x", expiring), Status::unsupported);
            if (!f.has(TOTE_CAP_WRITE)) {
                T_CHECK_STATUS(h->write("k", "x"), Status::unsupported);
                T_CHECK_STATUS(h->remove("k"), Status::unsupported);
                T_CHECK_STATUS(h->write_batch({{"k", "x", {}}}), Status::unsupported);
            }
        }
    }});
}

}  // namespace tote::conformance
