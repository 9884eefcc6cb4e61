// SPDX-License-Identifier: Apache-2.0
// conversations.cpp — the store of a conversation (agent) framework, on any backend:
//
//   conversations/<id>/meta.json               what the conversation is
//   conversations/<id>/conversation.jsonl      its steps, one JSON line each, appended as they happen
//   conversations/<id>/runs/<type>/<run>.json  what was run over it (a grader, a judge, a summariser)
//
// and what such a framework needs: each step appended exactly once even when the writer retries (an append that
// succeeds only at the size the writer last saw), the steps read incrementally by a reader that remembers where it
// stopped (a ranged read from that offset, never the whole log again), and the runs found by query.
//
//   tote-example-conversations URL [OPTION=VALUE...]
//
// It prints what it does, checks every answer (exit 1 if one is wrong), and removes what it wrote.
#include <tote/json.hpp>
#include <tote/tote.hpp>

#include <unistd.h>

#include <iostream>
#include <sstream>
#include <string>
#include <vector>

namespace {

int failures = 0;

void expect(bool ok, const std::string& what) {
    std::cout << (ok ? "  ok    " : "  WRONG ") << what << "\n";
    if (!ok) ++failures;
}

// The complete lines of text, and how many bytes they took (a partial last line is left for the next read).
std::vector<nlohmann::json> lines_of(const std::string& text, uint64_t& consumed) {
    std::vector<nlohmann::json> out;
    size_t start = 0;
    for (size_t end; (end = text.find('\n', start)) != std::string::npos; start = end + 1)
        out.push_back(nlohmann::json::parse(text.substr(start, end - start)));
    consumed = start;
    return out;
}

// A reader that follows the conversation: it keeps the offset it reached and reads only what came after.
struct Follower {
    const tote::Store& store;
    std::string key;
    uint64_t offset = 0;
    std::vector<nlohmann::json> steps;

    size_t poll() {
        tote::Stat whole;
        const std::string fresh = store.read_range(key, offset, UINT64_MAX, &whole);
        uint64_t consumed = 0;
        const std::vector<nlohmann::json> got = lines_of(fresh, consumed);
        offset += consumed;
        steps.insert(steps.end(), got.begin(), got.end());
        return got.size();
    }
};

}  // namespace

int main(int argc, char** argv) {
    if (argc < 2) {
        std::cerr << "usage: tote-example-conversations URL [OPTION=VALUE...]\n";
        return 2;
    }
    tote::OpenOptions open;
    open.create = true;
    for (int i = 2; i < argc; ++i) {
        const std::string option = argv[i];
        const size_t eq = option.find('=');
        if (eq == std::string::npos) {
            std::cerr << "tote-example-conversations: an option is NAME=VALUE, not '" << option << "'\n";
            return 2;
        }
        open.options[option.substr(0, eq)] = option.substr(eq + 1);
    }
    try {
        tote::Host host;
        tote::Store store = host.open(argv[1], open);
        const std::string conversation = "conversations/c" + std::to_string(::getpid());
        const std::string log = conversation + "/conversation.jsonl";
        std::cout << "store " << store.url() << ", conversation " << conversation << "\n";

        tote::write_json(store, conversation + "/meta.json",
                         {{"title", "unit conversion"}, {"agent", "helper-v2"}, {"created", "2026-12-02T10:00:00Z"}});

        // The writer appends each step at the size it last saw, so that a retry of a step that did land (the
        // answer was lost, say) is refused instead of written twice.
        Follower reader{store, log, 0, {}};
        uint64_t size = 0;
        const std::vector<nlohmann::json> steps = {
            {{"role", "user"}, {"content", "How many grams in 3 ounces?"}},
            {{"role", "assistant"}, {"content", "About 85 grams.", }, {"tool_calls", nlohmann::json::array()}},
            {{"role", "user"}, {"content", "And in 10 ounces?"}},
            {{"role", "assistant"}, {"content", "About 283.5 grams."}},
        };
        for (size_t i = 0; i < steps.size(); ++i) {
            const std::string line = steps[i].dump() + "\n";
            tote::AppendOptions at;
            at.if_size = size;
            const tote::AppendResult landed = store.append(log, line, at);
            expect(landed.offset == size, "step " + std::to_string(i) + " lands at offset " + std::to_string(size));
            if (i == 1) {
                // The writer retries step 1 as if its answer had been lost: refused, the step is there once.
                try {
                    store.append(log, line, at);
                    expect(false, "a retried step is refused");
                } catch (const tote::Error& e) {
                    expect(e.status() == tote::Status::precondition_failed, "a retried step is refused (exactly once)");
                }
            }
            size = landed.offset + line.size();
            if (i % 2 == 1) reader.poll();  // the reader keeps up as the conversation goes
        }
        expect(reader.steps == steps, "the reader saw every step once, in order, reading only what was new");
        expect(reader.offset == size, "the reader's offset is the log's size");
        expect(reader.poll() == 0, "nothing new: an empty read");

        // Runs over the conversation, found by query.
        tote::write_json(store, conversation + "/runs/judge/r1.json",
                         {{"type", "judge"}, {"score", 0.9}, {"verdict", "correct"}, {"steps", 4}});
        tote::write_json(store, conversation + "/runs/judge/r2.json",
                         {{"type", "judge"}, {"score", 0.4}, {"verdict", "imprecise"}, {"error", nullptr}});
        tote::write_json(store, conversation + "/runs/summary/r1.json",
                         {{"type", "summary"}, {"text", "grams from ounces"}, {"error", "model overloaded"}});
        const tote::FindOptions all{true, "", 0};
        const auto low = store.find(conversation + "/runs/judge", tote::field("score").lt(0.5), all);
        expect(low.size() == 1 && low[0].key == conversation + "/runs/judge/r2.json",
               "judge runs scoring below 0.5: r2");
        const auto failed = store.find(conversation + "/runs", tote::Filter::parse(R"({"error": {"$ne": null}})"), all);
        expect(failed.size() == 2, "runs with an error that is not null, or none at all: " + std::to_string(failed.size()));
        const auto errors = store.find(conversation + "/runs",
                                       tote::field("error").exists() && tote::field("error").ne(nullptr), all);
        expect(errors.size() == 1 && errors[0].document()["type"] == "summary", "runs that hit an error: the summary");
        const auto one_level = store.find(conversation + "/runs", tote::Filter(), tote::FindOptions{});
        expect(one_level.empty(), "one level under runs/ holds only the run types, no documents");

        store.remove(conversation, true);
        expect(store.list(conversation, tote::ListOptions{true, ""}).empty(), "the conversation is removed");
    } catch (const std::exception& e) {
        std::cerr << "tote-example-conversations: " << e.what() << "\n";
        return 1;
    }
    if (failures) std::cout << failures << " answer(s) wrong\n";
    return failures ? 1 : 0;
}
