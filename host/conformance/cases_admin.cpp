// SPDX-License-Identifier: Apache-2.0
// cases_admin.cpp — conformance (ABI 1.1): "tote.admin/1", dropping a whole store and describing one. Plugins
// without it are refused with unsupported, and nothing changes.
#include "suite.hpp"

#include <tote/ext/admin.h>

#include <nlohmann/json.hpp>

namespace tote::conformance {

void add_admin_cases(std::vector<Case>& cases) {
    cases.push_back({"info describes the store as a JSON object", 0, [](Fixture& f) {
        Store& s = f.store();
        if (!f.offers(TOTE_EXT_ADMIN)) {
            T_CHECK_STATUS(s.info(), Status::unsupported);
            return;
        }
        std::string text;
        try {
            text = s.info();
        } catch (const Error& e) {
            if (e.status() != Status::unsupported) throw;
            return;  // the plugin drops stores but does not describe them
        }
        const nlohmann::json info = nlohmann::json::parse(text, nullptr, false);
        T_CHECK(info.is_object());
    }});

    cases.push_back({"drop destroys a store, and a missing store is not found", TOTE_CAP_WRITE, [](Fixture& f) {
        // The handle stays open through the drop: a memory-only store may vanish when its last handle closes,
        // and a drop must cope with open handles (they may fail afterwards, never crash).
        Store doomed = f.open_other("-dropped", true);
        doomed.write("a", "1");
        doomed.write("deep/b", "2");
        if (!f.offers(TOTE_EXT_ADMIN)) {
            T_CHECK_STATUS(f.drop_other("-dropped"), Status::unsupported);
            T_CHECK_EQ(f.open_other("-dropped", false).read("a"), std::string("1"));
            return;
        }
        bool closed = false;
        try {
            f.drop_other("-dropped");
        } catch (const Error& e) {
            if (e.status() == Status::unsupported) return;  // the plugin describes stores but cannot drop them
            if (e.status() != Status::busy) throw;
            // Where an open file cannot be removed (Windows), a drop refuses while a handle is open — busy, and
            // nothing lost — and succeeds once it is closed.
            T_CHECK_EQ(f.open_other("-dropped", false).read("a"), std::string("1"));
            doomed = Store(nullptr);
            closed = true;
            f.drop_other("-dropped");
        }
        try {
            if (!closed) (void)doomed.try_read("a");  // anything but a crash
        } catch (const Error&) {
        }
        T_CHECK_STATUS(f.open_other("-dropped", false), Status::not_found);
        T_CHECK_STATUS(f.drop_other("-dropped"), Status::not_found);
        T_CHECK_STATUS(f.drop_other("-never-made"), Status::not_found);
        // A store made again at the same place starts empty.
        Store again = f.open_other("-dropped", true);
        T_CHECK(!again.exists("a"));
        T_CHECK(!again.stat("deep"));
    }});
}

}  // namespace tote::conformance
