// SPDX-License-Identifier: Apache-2.0
// cases_query.cpp — conformance: Store::find(), natively where the plugin offers "tote.query/1", else by the
// host. Fixed cases check the rules of tote/ext/query.h one by one; the differential case writes random documents
// (and values that are not documents) and checks random filters against the reference evaluation, key for key.
#include "suite.hpp"

#include "evaluate.hpp"
#include "filter.hpp"

#include <tote/ext/query.h>

#include <chrono>
#include <random>

namespace tote::conformance {

namespace {

using nlohmann::json;

std::vector<std::string> found(const Store& s, const std::string& prefix, const std::string& filter,
                               bool recursive = true, const std::string& start_after = "", uint64_t limit = 0) {
    FindOptions o;
    o.recursive = recursive;
    o.start_after = start_after;
    o.limit = limit;
    std::vector<std::string> keys;
    for (const Match& m : s.find(prefix, Filter::parse(filter), o)) keys.push_back(m.key);
    return keys;
}

// ---- Random documents and filters (fixed seeds; a failure prints the seed, the document and the filter) --------

class Generator {
public:
    explicit Generator(uint32_t seed) : rng_(seed) {}

    uint32_t below(uint32_t n) { return static_cast<uint32_t>(rng_() % n); }
    bool chance(uint32_t percent) { return below(100) < percent; }

    // A scalar from a small pool, so that equalities and orderings hit: numbers around the exact/double border,
    // strings with escapes and non-ASCII characters.
    json scalar() {
        switch (below(6)) {
        case 0: {
            static const json numbers = json::parse(
                R"([0, 1, -1, 2, 5, 0.5, -2.5, 1.0, 100, 1e2, 3.25, 9007199254740992, 9007199254740993,
                    9007199254740992.0, 9223372036854775807, -9223372036854775808, 18446744073709551615,
                    0.1, 0.30000000000000004, -0.0, 1e-7, 123456789012])");
            return numbers[below(static_cast<uint32_t>(numbers.size()))];
        }
        case 1:
        case 2: {
            static const std::vector<std::string> strings = {
                "", "a", "b", "ab", "failed", "ok", "timeout", "é", "日本語", "\xF0\x9F\x98\x80", "a\"b", "back\\slash",
                "new\nline", "z", "A", "ok ", "\x7f", "mixed é and 😀"};
            return strings[below(static_cast<uint32_t>(strings.size()))];
        }
        case 3: return below(2) == 0;
        case 4: return nullptr;
        default: return static_cast<int>(below(10)) - 3;
        }
    }

    json value(int depth) {
        const uint32_t kind = depth >= 2 ? 0 : below(10);
        if (kind < 7) return scalar();
        if (kind < 9) {
            json a = json::array();
            for (uint32_t i = 0, n = below(4); i < n; ++i) a.push_back(value(depth + 1));
            return a;
        }
        return object(depth + 1);
    }

    json object(int depth) {
        json o = json::object();
        for (const char* name : {"a", "b", "score", "error", "tags", "nested", "s"})
            if (chance(60)) o[name] = value(depth);
        return o;
    }

    std::string path() {
        static const std::vector<std::string> paths = {"a", "b", "score", "error", "tags", "nested", "s", "nested.a",
                                                       "nested.b", "tags.0", "tags.1", "a.0", "nested.tags.0",
                                                       "missing", "nested.nested.s"};
        return paths[below(static_cast<uint32_t>(paths.size()))];
    }

    json condition() {
        static const std::vector<std::string> ops = {"$eq", "$ne", "$lt", "$lte", "$gt", "$gte", "$in",
                                                     "$nin", "$exists", "$contains", "$not", "="};
        const std::string& op = ops[below(static_cast<uint32_t>(ops.size()))];
        json arg;
        if (op == "$exists") {
            arg = below(2) == 0;
        } else if (op == "$in" || op == "$nin") {
            arg = json::array();
            for (uint32_t i = 0, n = 1 + below(3); i < n; ++i) arg.push_back(chance(90) ? scalar() : value(1));
        } else if (op == "$lt" || op == "$lte" || op == "$gt" || op == "$gte") {
            do arg = scalar();
            while (!arg.is_number() && !arg.is_string());
        } else if (op == "$not") {
            json inner = condition();
            const json& first = inner.begin().value();
            if (first.is_object() && !first.empty() && first.begin().key()[0] == '$' && first.begin().key() != "$not")
                return json{{path(), json{{"$not", first}}}};
            return json{{"$not", inner}};
        } else {
            // Mostly scalars: a native implementation may decline an object or array operand (the host then
            // evaluates), and the case is about native answers.
            arg = chance(85) ? scalar() : value(1);
        }
        if (op == "=") return json{{path(), arg.is_object() ? json{{"$eq", arg}} : arg}};
        return json{{path(), json{{op, arg}}}};
    }

    json filter(int depth) {
        const uint32_t kind = depth >= 3 ? 0 : below(10);
        if (kind < 5) return condition();
        if (kind < 9) {
            json children = json::array();
            for (uint32_t i = 0, n = 1 + below(3); i < n; ++i) children.push_back(filter(depth + 1));
            return json{{below(2) == 0 ? "$and" : "$or", children}};
        }
        return json{{"$not", filter(depth + 1)}};
    }

private:
    std::mt19937 rng_;
};

// Values that are not documents, or only nearly: each must never match.
const std::vector<std::string>& not_documents() {
    static const std::vector<std::string> values = {
        "not json", "[1, 2]", "42", "\"a string\"", "null", "", "{\"a\": 1", "{\"a\": 1,}", "{'a': 1}",
        "{\"a\": 01}", "{\"a\": .5}", "{\"a\": 1.}", "{\"a\": +1}", "{\"a\": NaN}", "{\"a\": tru}",
        "\xEF\xBB\xBF{\"a\": 1}", "{\"a\": \"\xff\xfe\"}", "{\"a\": \"\\ud800\"}", std::string("{\"a\": 1}\0x", 10),
        "{\"a\": 1e400}", "{\"a\": \"tab\there\"}", "{\f\"a\": 1}", "{\"a\": \"\\x\"}", "{\"a\": 1} {}",
        "{\"a\": [1, 2}", "{\"a\" 1}"};
    return values;
}

}  // namespace

void add_query_cases(std::vector<Case>& cases) {
    const uint64_t need = TOTE_CAP_WRITE | TOTE_CAP_LIST;

    cases.push_back({"find: the documents that match, in key order, each with its whole value", need, [](Fixture& f) {
        Store& s = f.store();
        s.write("runs/1.json", R"({"item": 1, "score": 1, "error": null, "tags": ["math"]})");
        s.write("runs/2.json", R"({"item": 2, "score": 0, "error": "timeout", "meta": {"model": "m1"}})");
        s.write("runs/3.json", R"({"item": 3, "score": false})");
        s.write("runs/4.json", "{\n  \"item\": 4,\n  \"score\": 0.5,\n  \"error\": {\"kind\": \"oom\"}\n}\n");
        s.write("runs/5.log", "score: 0");
        T_CHECK_EQ(found(s, "runs", R"({"$or": [{"score": false}, {"score": 0}]})"),
                   (std::vector<std::string>{"runs/2.json", "runs/3.json"}));
        T_CHECK_EQ(found(s, "runs", R"({"error": {"$exists": true, "$ne": null}})"),
                   (std::vector<std::string>{"runs/2.json", "runs/4.json"}));
        T_CHECK_EQ(found(s, "runs", R"({"error": null})"), std::vector<std::string>{"runs/1.json"});
        T_CHECK_EQ(found(s, "runs", R"({"error": {"$exists": false}})"), std::vector<std::string>{"runs/3.json"});
        T_CHECK_EQ(found(s, "runs", R"({"score": {"$gt": 0, "$lt": 1}})"), std::vector<std::string>{"runs/4.json"});
        T_CHECK_EQ(found(s, "runs", R"({"meta.model": "m1"})"), std::vector<std::string>{"runs/2.json"});
        T_CHECK_EQ(found(s, "runs", R"({"error.kind": {"$in": ["oom", "timeout"]}})"),
                   std::vector<std::string>{"runs/4.json"});
        T_CHECK_EQ(found(s, "runs", R"({"tags": {"$contains": "math"}})"), std::vector<std::string>{"runs/1.json"});
        T_CHECK_EQ(found(s, "runs", R"({"error": {"$contains": "time"}})"), std::vector<std::string>{"runs/2.json"});
        T_CHECK_EQ(found(s, "runs", R"({"$not": {"item": {"$lte": 2}}})"),
                   (std::vector<std::string>{"runs/3.json", "runs/4.json"}));
        T_CHECK_EQ(found(s, "runs", "{}").size(), size_t{4});  // every document, not the log line
        const std::vector<Match> matches = s.find("runs", Filter::parse(R"({"item": 4})"), FindOptions{});
        T_CHECK_EQ(matches.size(), size_t{1});
        T_CHECK_EQ(matches[0].value, s.read("runs/4.json"));  // the value as stored, byte for byte
        T_CHECK_EQ(matches[0].document()["error"]["kind"].get<std::string>(), std::string("oom"));
    }});

    cases.push_back({"find: prefix, one level or recursive, start_after, limit and stopping early", need, [](Fixture& f) {
        Store& s = f.store();
        for (const char* key : {"a/1", "a/2", "a/3", "a/sub/4", "a/sub/deeper/5", "a-b/6", "a0/7", "b/8"})
            s.write(key, R"({"ok": true})");
        const std::string all = R"({"ok": true})";
        T_CHECK_EQ(found(s, "a", all, false), (std::vector<std::string>{"a/1", "a/2", "a/3"}));
        T_CHECK_EQ(found(s, "a/", all, true),
                   (std::vector<std::string>{"a/1", "a/2", "a/3", "a/sub/4", "a/sub/deeper/5"}));
        T_CHECK_EQ(found(s, "", all, false), std::vector<std::string>{});
        T_CHECK_EQ(found(s, "", all, true).size(), size_t{8});
        T_CHECK_EQ(found(s, "a", all, true, "a/2"), (std::vector<std::string>{"a/3", "a/sub/4", "a/sub/deeper/5"}));
        T_CHECK_EQ(found(s, "a", all, true, "", 2), (std::vector<std::string>{"a/1", "a/2"}));
        T_CHECK_EQ(found(s, "a", all, true, "a/1", 2), (std::vector<std::string>{"a/2", "a/3"}));
        T_CHECK_EQ(found(s, "nothing/here", all), std::vector<std::string>{});
        std::vector<std::string> seen;
        s.find("a", Filter(), FindOptions{true, "", 0}, [&](std::string_view key, std::string_view) {
            seen.emplace_back(key);
            return seen.size() < 2;
        });
        T_CHECK_EQ(seen, (std::vector<std::string>{"a/1", "a/2"}));
        T_CHECK_STATUS(s.find("bad//prefix", Filter(), FindOptions{}), Status::invalid_argument);
    }});

    cases.push_back({"find: values that are not JSON objects never match, and are no error", need, [](Fixture& f) {
        Store& s = f.store();
        const auto& values = not_documents();
        for (size_t i = 0; i < values.size(); ++i) s.write("v/" + std::to_string(100 + i), values[i]);
        s.write("v/999", R"({"a": 1})");
        for (const char* filter : {"{}", R"({"a": 1})", R"({"a": {"$exists": false}})", R"({"$not": {"a": 2}})",
                                   R"({"a": {"$ne": 5}})", R"({"b": {"$nin": [1]}})"}) {
            const std::vector<std::string> keys = found(s, "v", filter);
            for (const std::string& key : keys)
                if (key != "v/999")
                    T_FAIL("filter " + std::string(filter) + " matched " + key + ", whose value is not a document: " +
                           show(s.read(key)));
        }
        T_CHECK_EQ(found(s, "v", R"({"a": 1})"), std::vector<std::string>{"v/999"});
    }});

    cases.push_back({"find: an invalid filter is invalid_argument, before the plugin sees it", TOTE_CAP_LIST,
                     [](Fixture& f) {
        T_CHECK_STATUS(Filter::parse(R"({"a": {"$regex": "x"}})"), Status::invalid_argument);
        T_CHECK_STATUS(f.store().find("", Filter::parse(R"({"$and": [{"a": {"$in": 1}}]})"), FindOptions{}),
                       Status::invalid_argument);
    }});

    cases.push_back({"find at the root leaves out the host's own records", need | TOTE_CAP_CREATE_ONLY, [](Fixture& f) {
        Store& s = f.store();
        s.write("doc", R"({"pid": 1})");
        Lock lock = s.lock("run-1");  // a record under .tote/, a JSON document itself
        T_CHECK_EQ(found(s, "", "{}", true), std::vector<std::string>{"doc"});
        T_CHECK_EQ(found(s, "", "{}", true, "", 1), std::vector<std::string>{"doc"});
    }});

    cases.push_back({"find: an expired value is not found", need | TOTE_CAP_EXPIRY, [](Fixture& f) {
        Store& s = f.store();
        WriteOptions past;
        past.expires_ns = 1'000'000'000;
        s.write("e/gone", R"({"a": 1})", past);
        s.write("e/kept", R"({"a": 1})");
        T_CHECK_EQ(found(s, "e", R"({"a": 1})"), std::vector<std::string>{"e/kept"});
    }});

    cases.push_back({"find: the plugin's answer equals the reference evaluation (random documents and filters)", need,
                     [](Fixture& f) {
        Store& s = f.store();
        const uint32_t seed = 20261202;
        Generator g(seed);
        std::map<std::string, std::string> values;
        std::vector<BatchWrite> writes;
        // Documents under d/, and under x/ the values that are not documents (an engine may fail on those and
        // answer another way): half the filters look under d/ only, half at the whole store.
        for (int i = 0; i < 300; ++i) {
            char key[32];
            std::snprintf(key, sizeof key, "d/%04d.json", i);
            values[key] = g.object(0).dump(g.chance(20) ? 2 : -1, ' ', false);
            writes.push_back(BatchWrite{key, values[key], {}});
        }
        for (size_t i = 0; i < not_documents().size(); ++i) {
            const std::string key = "x/" + std::to_string(10 + i);
            values[key] = not_documents()[i];
            writes.push_back(BatchWrite{key, values[key], {}});
        }
        s.write_batch(writes);
        // The reference: every value parsed once (nullopt: not a document), each filter evaluated on them.
        std::map<std::string, std::optional<json>> documents;
        for (const auto& [key, value] : values) documents[key] = query::parse_document(value);
        const auto reference_keys = [&](const std::string& prefix, const query::Node& node) {
            std::vector<std::string> keys;
            for (const auto& [key, doc] : documents)
                if ((prefix.empty() || key.compare(0, prefix.size() + 1, prefix + "/") == 0) && doc &&
                    query::matches_document(node, *doc))
                    keys.push_back(key);
            return keys;
        };
        // Many filters against a native implementation (what the case is for); a few through the host's own
        // evaluation, which is the reference itself, to check the plumbing without making slow plugins slower.
        const int filters = f.offers(TOTE_EXT_QUERY) ? 250 : 25;
        for (int i = 0; i < filters; ++i) {
            const std::string prefix = i % 2 == 0 ? "d" : "";
            const json user_filter = g.filter(0);
            const Filter filter = Filter::from_json(user_filter);
            const std::vector<std::string> expected = reference_keys(prefix, query::compile(filter.canonical()));
            std::vector<std::string> got;
            for (const Match& m : s.find(prefix, filter, FindOptions{true, "", 0})) {
                got.push_back(m.key);
                if (m.value != values[m.key]) T_FAIL("find returned another value for " + m.key + ": " + show(m.value));
            }
            if (got == expected) continue;
            // The first key the two disagree on, with its document.
            std::vector<std::string> only_got, only_expected;
            std::set_difference(got.begin(), got.end(), expected.begin(), expected.end(), std::back_inserter(only_got));
            std::set_difference(expected.begin(), expected.end(), got.begin(), got.end(),
                                std::back_inserter(only_expected));
            const std::string key = !only_got.empty() ? only_got.front() : only_expected.front();
            T_FAIL("seed " + std::to_string(seed) + ", filter #" + std::to_string(i) + " under '" + prefix + "': " +
                   user_filter.dump() +
                   "\n    canonical: " + filter.text() + "\n    " + key +
                   (!only_got.empty() ? " was found, but the reference evaluation does not match it"
                                      : " was not found, but the reference evaluation matches it") +
                   "\n    document: " + values[key] + "\n    plugin found " + std::to_string(got.size()) +
                   " keys, the reference " + std::to_string(expected.size()));
        }
    }});
}

}  // namespace tote::conformance
