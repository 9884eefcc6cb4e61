// SPDX-License-Identifier: Apache-2.0
// suite.cpp — the case list, the fixture, and the helpers behind the T_* macros.
#include "suite.hpp"

#include <unistd.h>

#include <cstdio>
#include <random>
#include <thread>

namespace tote::conformance {

void fail(const char* file, int line, const std::string& message) {
    std::string where = file;
    size_t slash = where.rfind('/');
    if (slash != std::string::npos) where = where.substr(slash + 1);
    throw Failure{where + ":" + std::to_string(line) + ": " + message};
}

std::string show(std::string_view s) {
    std::string out = "\"";
    for (size_t i = 0; i < s.size() && i < 80; ++i) {
        unsigned char c = static_cast<unsigned char>(s[i]);
        if (c >= 0x20 && c < 0x7F && c != '"' && c != '\\') {
            out += static_cast<char>(c);
        } else {
            char buf[8];
            std::snprintf(buf, sizeof buf, "\\x%02X", c);
            out += buf;
        }
    }
    out += "\"";
    if (s.size() > 80) out += "... (" + std::to_string(s.size()) + " bytes)";
    return out;
}
std::string show(const std::string& s) { return show(std::string_view(s)); }
std::string show(const char* s) { return show(std::string_view(s)); }
std::string show(bool b) { return b ? "true" : "false"; }
std::string show(Kind k) { return k == Kind::key ? "key" : "prefix"; }
std::string show(Status s) { return status_name(s); }
std::string show(const std::vector<std::string>& v) {
    std::string out = "[";
    for (size_t i = 0; i < v.size(); ++i) out += (i ? ", " : "") + show(v[i]);
    return out + "]";
}

std::string default_base(const PluginInfo& plugin, const std::string& scheme, const std::string& temp_dir) {
    if (plugin.location_kind == TOTE_LOCATION_PATH) return scheme + "://" + temp_dir + "/store";
    return scheme + "://tote-check-" + std::to_string(::getpid());
}

Fixture::Fixture(const Target& target, size_t index)
    : target_(target), index_(index),
      url_(target.isolate_option.empty() ? target.base + "-case-" + std::to_string(index) : target.base) {
    for (const PluginInfo& p : target_.host->plugins())
        for (const std::string& s : p.schemes)
            if (s == target_.scheme && !is_layer(p)) caps_ = p.capabilities;
    for (auto layer = target_.layers.rbegin(); layer != target_.layers.rend(); ++layer)
        for (const PluginInfo& p : target_.host->plugins())
            for (const std::string& s : p.schemes)
                if (s == *layer && is_layer(p)) caps_ = layered_capabilities(p.capabilities, caps_);
    for (const std::string& layer : target_.layers) url_ = layer + "::" + url_;
}

std::pair<std::string, OpenOptions> Fixture::location(const std::string& suffix, bool create, bool read_only) const {
    OpenOptions options;
    options.create = create;
    options.read_only = read_only;
    options.options = target_.options;
    if (suffix.empty() && !has(TOTE_CAP_WRITE) && !target_.fixture.empty()) {
        // A plugin that cannot write: the case's store is the fixture store, never created, always read-only.
        options.create = false;
        options.read_only = true;
        return {target_.fixture, options};
    }
    if (target_.isolate_option.empty()) return {url_ + suffix, options};
    // One server: the case's own store is a separate table or prefix, named by the isolating option.
    // A tag of this run (the process id) keeps the names of one run apart from those of an earlier run on the
    // same server (on plugins that cannot drop a store).
    std::string name = options.options.count(target_.isolate_option) ? options.options[target_.isolate_option] : "tote_check";
    name += "_" + std::to_string(::getpid()) + "_case_" + std::to_string(index_);
    for (char c : suffix) name += (c == '-' ? '_' : c);
    options.options[target_.isolate_option] = name;
    return {url_, options};
}

Store Fixture::open(const std::string& suffix, bool create, bool read_only) const {
    const auto [url, options] = location(suffix, create, read_only);
    return target_.host->open(url, options);
}

void Fixture::drop_other(const std::string& suffix) const {
    const auto [url, options] = location(suffix, false, false);
    target_.host->drop(url, options);
}

bool Fixture::offers(const std::string& extension) { return store().offers(extension); }

Store& Fixture::store() {
    if (!store_ && !has(TOTE_CAP_WRITE) && target_.fixture.empty())
        T_SKIP("the plugin cannot write, so this case needs a store holding the suite's fixture (tote plugin "
               "check --fixture URL; write one with tote plugin fixture)");
    if (!store_) store_ = open("", true, false);  // the fixture store, read-only, for a plugin that cannot write
    return *store_;
}

Store& Fixture::fixture_store() {
    Store& s = store();
    if (has(TOTE_CAP_WRITE)) {
        if (!fixture_written_) write_fixture(s);
        fixture_written_ = true;
        return s;
    }
    // A store the user named: say so plainly if it is not the fixture at all.
    const std::optional<std::string> marker = s.try_read(fixture_entries().front().first);
    if (marker != fixture_entries().front().second)
        T_FAIL("the fixture store " + target_.fixture + " does not hold the suite's fixture (its key '" +
               fixture_entries().front().first + "' is " + (marker ? show(*marker) : std::string("missing")) +
               "); write it with tote plugin fixture");
    return s;
}

Store Fixture::reopen(bool read_only) const { return open("", false, read_only); }

Store Fixture::open_other(const std::string& suffix, bool create, bool read_only) const {
    return open(suffix, create, read_only);
}

std::string random_bytes(size_t n, uint32_t seed) {
    std::mt19937 rng(seed);
    std::string out(n, '\0');
    for (char& c : out) c = static_cast<char>(rng() & 0xFF);
    return out;
}

void on_threads(int n, const std::function<void(int)>& fn) {
    std::vector<std::thread> threads;
    std::vector<std::string> errors(static_cast<size_t>(n));
    for (int t = 0; t < n; ++t)
        threads.emplace_back([&, t] {
            try {
                fn(t);
            } catch (const Failure& e) {
                errors[static_cast<size_t>(t)] = e.message;
            } catch (const std::exception& e) {
                errors[static_cast<size_t>(t)] = e.what();
            }
        });
    for (auto& th : threads) th.join();
    for (const auto& e : errors)
        if (!e.empty()) T_FAIL("in a thread: " + e);
}

std::vector<std::string> keys_of(const std::vector<Entry>& entries) {
    std::vector<std::string> keys;
    for (const Entry& e : entries) keys.push_back(e.key);
    return keys;
}

Result run_case(const Target& target, size_t index) {
    const Case& c = all_cases().at(index);
    Fixture fixture(target, index);
    const uint64_t missing = c.requires & ~fixture.capabilities();
    auto names = [](uint64_t caps) {
        std::string out;
        for (const auto& name : capability_names(caps)) out += (out.empty() ? "" : ", ") + name;
        return out;
    };
    if (missing != 0) return Result{Outcome::skip, "plugin lacks " + names(missing)};
    if (const uint64_t present = c.excludes & fixture.capabilities())
        return Result{Outcome::skip, "tests the other mode: plugin declares " + names(present)};
    try {
        c.run(fixture);
        return Result{Outcome::pass, ""};
    } catch (const Skip& e) {
        return Result{Outcome::skip, e.reason};
    } catch (const Failure& e) {
        return Result{Outcome::fail, e.message};
    } catch (const std::exception& e) {
        return Result{Outcome::fail, std::string("unexpected exception: ") + e.what()};
    } catch (...) {
        return Result{Outcome::fail, "unexpected exception of unknown type"};
    }
}

const std::vector<Case>& all_cases() {
    static const std::vector<Case> cases = [] {
        std::vector<Case> out;
        add_open_cases(out);
        add_read_write_cases(out);
        add_conditional_cases(out);
        add_list_cases(out);
        add_remove_rename_cases(out);
        add_append_batch_cases(out);
        add_prefix_rule_cases(out);
        add_concurrency_cases(out);
        add_lock_cases(out);
        add_range_append_cases(out);
        add_version_cases(out);
        add_expiry_cases(out);
        add_admin_cases(out);
        add_fixture_cases(out);
        add_query_cases(out);
        add_graph_cases(out);
        return out;
    }();
    return cases;
}

}  // namespace tote::conformance
