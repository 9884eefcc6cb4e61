// SPDX-License-Identifier: Apache-2.0
// cases_append_batch.cpp — conformance: appends (logs, JSON lines) and batches of writes.
#include "suite.hpp"

namespace tote::conformance {

void add_append_batch_cases(std::vector<Case>& cases) {
    cases.push_back({"append creates, then extends", TOTE_CAP_APPEND, [](Fixture& f) {
        Store& s = f.store();
        s.append("log/run.jsonl", "{\"step\":1}\n");
        s.append("log/run.jsonl", "{\"step\":2}\n");
        s.append("log/run.jsonl", std::string("\0bin\0", 5));
        T_CHECK_EQ(s.read("log/run.jsonl"), std::string("{\"step\":1}\n{\"step\":2}\n\0bin\0", 27));
    }});

    cases.push_back({"append changes the version", TOTE_CAP_APPEND | TOTE_CAP_WRITE, [](Fixture& f) {
        Store& s = f.store();
        uint64_t v = s.write("k", "a");
        s.append("k", "b");
        auto st = s.stat("k");
        T_CHECK(st->version != v);
        T_CHECK_EQ(st->size, uint64_t{2});
    }});

    cases.push_back({"many appends keep every record whole and in order", TOTE_CAP_APPEND, [](Fixture& f) {
        Store& s = f.store();
        std::string expected;
        for (int i = 0; i < 300; ++i) {
            std::string line = "{\"i\":" + std::to_string(i) + "}\n";
            s.append("lines", line);
            expected += line;
        }
        T_CHECK_EQ(s.read("lines"), expected);
    }});

    cases.push_back({"a batch writes every key", TOTE_CAP_WRITE, [](Fixture& f) {
        Store& s = f.store();
        std::vector<BatchWrite> batch;
        for (int i = 0; i < 100; ++i) batch.push_back({"b/" + std::to_string(i), std::string(i, 'x'), {}});
        batch.push_back({"b/7", "last one wins", {}});
        s.write_batch(batch);
        T_CHECK_EQ(s.read("b/99"), std::string(99, 'x'));
        T_CHECK_EQ(s.read("b/7"), std::string("last one wins"));
        s.write_batch({});
    }});

    cases.push_back({"a failing atomic batch writes nothing", TOTE_CAP_WRITE | TOTE_CAP_CREATE_ONLY | TOTE_CAP_ATOMIC_BATCH,
                     [](Fixture& f) {
        Store& s = f.store();
        T_CHECK(s.batch_is_atomic());
        s.write("taken", "original");
        WriteOptions create;
        create.create_only = true;
        std::vector<BatchWrite> batch = {{"new/1", "a", {}}, {"taken", "clobber", create}, {"new/2", "b", {}}};
        T_CHECK_STATUS(s.write_batch(batch), Status::already_exists);
        T_CHECK(!s.exists("new/1"));
        T_CHECK(!s.exists("new/2"));
        T_CHECK_EQ(s.read("taken"), std::string("original"));
        // Later writes in a batch see earlier ones.
        std::vector<BatchWrite> twice = {{"fresh", "1", create}, {"fresh", "2", create}};
        T_CHECK_STATUS(s.write_batch(twice), Status::already_exists);
        T_CHECK(!s.exists("fresh"));
    }});

    cases.push_back({"a failing non-atomic batch keeps the writes before the failure",
                     TOTE_CAP_WRITE | TOTE_CAP_CREATE_ONLY, [](Fixture& f) {
        Store& s = f.store();
        s.write("taken", "original");
        WriteOptions create;
        create.create_only = true;
        std::vector<BatchWrite> batch = {{"new/1", "a", {}}, {"taken", "clobber", create}, {"new/2", "b", {}}};
        T_CHECK_STATUS(s.write_batch(batch), Status::already_exists);
        T_CHECK(s.exists("new/1"));
        T_CHECK(!s.exists("new/2"));
        T_CHECK_EQ(s.read("taken"), std::string("original"));
    }, TOTE_CAP_ATOMIC_BATCH});

    cases.push_back({"batch removes: every key goes, an absent one is no error, nothing under a key is touched",
                     TOTE_CAP_WRITE | TOTE_CAP_LIST, [](Fixture& f) {
        Store& s = f.store();
        for (const char* key : {"a", "b", "c", "d/e", "d/f"}) s.write(key, key);
        s.remove_batch({"a", "zzz", "c", "d", "d/f", "a"});  // "d" is only a prefix; "a" twice
        T_CHECK_EQ(keys_of(s.list("", ListOptions{true, ""})), (std::vector<std::string>{"b", "d/e"}));
        s.remove_batch({});
        T_CHECK_STATUS(s.remove_batch({"b", "bad//key"}), Status::invalid_argument);
        T_CHECK(s.exists("b"));  // keys are checked before anything is removed
        s.write_batch({{"x", "1", {}}, {"y", "2", {}}});
        s.remove_batch({"x", "y", "b", "d/e"});
        T_CHECK(s.list("", ListOptions{true, ""}).empty());
        T_CHECK_STATUS(f.reopen(true).remove_batch({"b"}), Status::permission_denied);
    }});
}

}  // namespace tote::conformance
