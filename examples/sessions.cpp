// SPDX-License-Identifier: Apache-2.0
// sessions.cpp — the store of an evaluation framework, on any backend:
//
//   experiments/<experiment>/meta.json                                  what the experiment is
//   experiments/<experiment>/evaluations/<evaluation>/results/<item>.json  one document per item: score, error
//
// and what such a framework asks of it: which results failed (a score of false or 0), which hit an error, which
// items a resumed run can skip (done without error), retrying the errored ones (a write that succeeds only if
// nobody rewrote the result meanwhile), and a named lock that marks a run as active, so that a run that died is
// told apart from one still going.
//
//   tote-example-sessions URL [OPTION=VALUE...]      e.g. sqlite://evals.db, json://evals, postgresql://…/db table=evals
//
// It prints what it does, checks every answer (exit 1 if one is wrong), and removes what it wrote.
#include <tote/json.hpp>
#include <tote/tote.hpp>

#include <sys/wait.h>
#include <unistd.h>

#include <cstdio>
#include <cstdlib>
#include <iostream>
#include <set>
#include <string>
#include <vector>

namespace {

int failures = 0;

void expect(bool ok, const std::string& what) {
    std::cout << (ok ? "  ok    " : "  WRONG ") << what << "\n";
    if (!ok) ++failures;
}

std::vector<std::string> keys(const std::vector<tote::Match>& matches) {
    std::vector<std::string> out;
    for (const tote::Match& m : matches) out.push_back(m.key);
    return out;
}

std::string item_key(const std::string& results, int item) {
    char name[32];
    std::snprintf(name, sizeof name, "%03d.json", item);
    return results + "/" + name;
}

}  // namespace

int main(int argc, char** argv) {
    // tote-example-sessions [--die-holding LOCK] URL [OPTION=VALUE...]; --die-holding is the interrupted run below.
    std::vector<std::string> args(argv + 1, argv + argc);
    std::string die_holding;
    if (args.size() >= 2 && args[0] == "--die-holding") {
        die_holding = args[1];
        args.erase(args.begin(), args.begin() + 2);
    }
    if (args.empty()) {
        std::cerr << "usage: tote-example-sessions URL [OPTION=VALUE...]\n";
        return 2;
    }
    const std::string url = args[0];
    tote::OpenOptions open;
    open.create = true;
    for (size_t i = 1; i < args.size(); ++i) {
        const size_t eq = args[i].find('=');
        if (eq == std::string::npos) {
            std::cerr << "tote-example-sessions: an option is NAME=VALUE, not '" << args[i] << "'\n";
            return 2;
        }
        open.options[args[i].substr(0, eq)] = args[i].substr(eq + 1);
    }
    if (!die_holding.empty()) {
        // The interrupted run: take the lock, then die without releasing it (as a killed process would).
        tote::Host host;
        tote::Store store = host.open(url, open);
        tote::Lock run = store.lock(die_holding);
        std::_Exit(0);
    }
    try {
        tote::Host host;
        tote::Store store = host.open(url, open);
        // Everything under one experiment named after this process, so that runs never meet.
        const std::string experiment = "experiments/gsm8k-" + std::to_string(::getpid());
        const std::string results = experiment + "/evaluations/baseline/results";
        std::cout << "store " << store.url() << ", experiment " << experiment << "\n";

        tote::write_json(store, experiment + "/meta.json",
                         {{"task", "gsm8k"}, {"model", "baseline"}, {"items", 20}, {"created", "2026-12-02"}});

        // A run: the lock says it is active while it lasts.
        {
            tote::Lock run = store.lock(experiment + "/run");
            expect(store.is_locked(experiment + "/run"), "the run's lock is held while it runs");
            for (int item = 0; item < 20; ++item) {
                nlohmann::json result = {{"item", item}, {"answer", std::to_string(item * 7)}};
                if (item % 7 == 3) {
                    result["error"] = "timeout after 30 s";  // no score: the item did not finish
                } else {
                    result["error"] = nullptr;
                    // Scores as graders write them: booleans from exact match, numbers from partial credit.
                    if (item % 2 == 0)
                        result["score"] = item % 4 != 0;
                    else
                        result["score"] = item % 5 == 0 ? 0 : 0.5 + item / 100.0;
                }
                tote::write_json(store, item_key(results, item), result);
            }
        }
        expect(!store.is_locked(experiment + "/run"), "the lock is gone once the run ends (an active run holds it)");

        const tote::FindOptions all{true, "", 0};
        const auto failed = store.find(results, tote::field("score").eq(false) || tote::field("score").eq(0), all);
        std::cout << failed.size() << " failed results:";
        for (const auto& m : failed) std::cout << " " << m.document()["item"];
        std::cout << "\n";
        expect(keys(failed) == std::vector<std::string>{item_key(results, 0), item_key(results, 4),
                                                         item_key(results, 5), item_key(results, 8),
                                                         item_key(results, 12), item_key(results, 15),
                                                         item_key(results, 16)},
               "failed: a score of false (exact match) or 0 (no credit)");

        const auto errored = store.find(results, tote::Filter::parse(R"({"error": {"$ne": null}})"), all);
        expect(keys(errored) == std::vector<std::string>{item_key(results, 3), item_key(results, 10),
                                                          item_key(results, 17)},
               "errored: an error that is not null (3 items timed out)");

        // Resuming: the items done without error are skipped; the rest run again.
        std::set<int> done;
        for (const auto& m : store.find(results, tote::field("error").eq(nullptr), all))
            done.insert(m.document()["item"].get<int>());
        expect(done.size() == 17, "resume: 17 items are done and are skipped");

        // Retrying the errored ones, each written only if nobody rewrote it since it was read.
        for (const auto& m : errored) {
            tote::Stat seen;
            nlohmann::json result = tote::read_json(store, m.key, &seen);
            result["error"] = nullptr;
            result["score"] = true;
            result["attempts"] = 2;
            tote::WriteOptions unchanged;
            unchanged.if_version = seen.version;
            tote::write_json(store, m.key, result, -1, unchanged);
        }
        expect(store.find(results, tote::Filter::parse(R"({"error": {"$ne": null}})"), all).empty(),
               "after the retry no result has an error");
        expect(store.find(results, tote::field("attempts").gte(2), all).size() == 3,
               "the retried results say so ({\"attempts\": {\"$gte\": 2}})");

        // A stale write is refused: someone read item 3, the retry rewrote it, their write must not win.
        tote::WriteOptions stale;
        stale.if_version = 1;  // not the version it is at
        try {
            tote::write_json(store, item_key(results, 3), {{"item", 3}, {"score", false}}, -1, stale);
            expect(false, "a write at a stale version is refused");
        } catch (const tote::Error& e) {
            expect(e.status() == tote::Status::precondition_failed, "a write at a stale version is refused");
        }

        // An interrupted run: a process takes the run's lock and dies without releasing it. Its lock record is
        // still there, but its holder is gone: the lock is stale, the run is known to be interrupted, and the next
        // run takes the lock over.
        expect(store.locks().empty(), "no lock is left behind by a run that ended");
        const pid_t child = ::fork();
        if (child == 0) {
            std::vector<std::string> child_args = {argv[0], "--die-holding", experiment + "/run"};
            child_args.insert(child_args.end(), args.begin(), args.end());
            std::vector<char*> child_argv;
            for (std::string& a : child_args) child_argv.push_back(a.data());
            child_argv.push_back(nullptr);
            ::execv(argv[0], child_argv.data());
            std::_Exit(127);
        }
        int status = 0;
        ::waitpid(child, &status, 0);
        const std::optional<tote::LockInfo> left = store.lock_info(experiment + "/run");
        expect(left && left->pid == child, "a run that died leaves its lock record, naming its process");
        expect(left && left->stale && !store.is_locked(experiment + "/run"),
               "the record is stale: the run is interrupted, not active (" + (left ? left->stale_reason : "") + ")");
        {
            tote::Lock resumed = store.lock(experiment + "/run");  // takes the stale lock over
            expect(store.lock_info(experiment + "/run")->pid == ::getpid(), "the next run takes the lock over");
        }

        store.remove(experiment, true);
        expect(store.list(experiment, tote::ListOptions{true, ""}).empty(), "the experiment is removed");
    } catch (const std::exception& e) {
        std::cerr << "tote-example-sessions: " << e.what() << "\n";
        return 1;
    }
    if (failures) std::cout << failures << " answer(s) wrong\n";
    return failures ? 1 : 0;
}
