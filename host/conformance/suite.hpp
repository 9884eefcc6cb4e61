// SPDX-License-Identifier: Apache-2.0
// suite.hpp — the conformance suite: one list of cases that every tote plugin must pass, each gated by the
// capabilities it needs (a plugin without them skips it). Framework-free on purpose: the Catch2 runner in this
// directory drives it for ctest, and the same cases can be run by any other driver.
//
// A case gets a Fixture: a fresh, empty store of the plugin under test, and ways to reopen it. It checks with
// the T_* macros below, which throw Failure with file, line and what was expected.
#ifndef TOTE_CONFORMANCE_SUITE_HPP
#define TOTE_CONFORMANCE_SUITE_HPP

#include <tote/tote.hpp>

#include <cstdint>
#include <functional>
#include <map>
#include <optional>
#include <sstream>
#include <string>
#include <vector>

namespace tote::conformance {

struct Failure {
    std::string message;
};

// Thrown by T_SKIP: the case does not apply to this plugin (reported as skipped, with the reason).
struct Skip {
    std::string reason;
};

[[noreturn]] void fail(const char* file, int line, const std::string& message);

// Printable forms of values in failure messages (strings are escaped and cut at 80 bytes).
std::string show(const std::string& s);
std::string show(std::string_view s);
std::string show(const char* s);
std::string show(bool b);
std::string show(Kind k);
std::string show(Status s);
std::string show(const std::vector<std::string>& v);
template <class T> std::string show(const T& v) {
    std::ostringstream out;
    out << v;
    return out.str();
}
template <class T> std::string show(const std::optional<T>& v) { return v ? show(*v) : "nullopt"; }

// What a run checks and how each case gets its store of its own: case i opens `base + "-case-" + i` with these
// options — or, for a server backend where one URL names one server, base itself with the isolating option
// (a table, a key prefix) set to "<its value or tote_check>_<pid>_case_<i>".
struct Target {
    const Host* host = nullptr;
    std::string scheme;
    std::vector<std::string> layers;            // stacked over every store of the run, outermost first ("cxor")
    std::string base;                           // a URL: "json:///tmp/tote-check-x/store", "cmem://check-4711"
                                                // (without the layers: the suite puts "cxor::" before it)
    std::map<std::string, std::string> options;  // plugin options as text (OpenOptions::options)
    std::string isolate_option;                  // "" (vary the URL), or the option that names a separate store
    // For a plugin without TOTE_CAP_WRITE, which cannot fill a store of its own: a store holding the suite's
    // fixture (fixture_entries(), written through a writable store by write_fixture() — `tote plugin fixture`),
    // opened read-only, with options, by every case. Cases then check what the plugin reads against the fixture.
    std::string fixture;
};

// The suite's fixture: a small fixed dataset (keys in nested prefixes, an empty value, every byte value, a value
// over 1 MiB, a UTF-8 key, keys that sort around '/') that the read-side cases check a store against. Valid in
// both prefix modes (no key is also a prefix).
const std::vector<std::pair<std::string, std::string>>& fixture_entries();
// Writes the fixture into store (one write per key).
void write_fixture(Store& store);

// The base URL for a target without settings: under temp_dir for file-based plugins, else a name unique to this
// process ("cmem://tote-check-4711").
std::string default_base(const PluginInfo& plugin, const std::string& scheme, const std::string& temp_dir);

class Fixture {
public:
    Fixture(const Target& target, size_t index);

    const std::string& url() const { return url_; }
    uint64_t capabilities() const { return caps_; }
    bool has(uint64_t cap) const { return (caps_ & cap) == cap; }

    // The case's store, created on first use — for a plugin without TOTE_CAP_WRITE, the Target's fixture store
    // (read-only), or a Skip naming --fixture if there is none.
    Store& store();
    // The case's store holding the fixture: store() with write_fixture() done on it, for a plugin that writes;
    // the fixture store itself for one that does not.
    Store& fixture_store();
    // A new handle on the same store (the old one stays open unless the case drops it).
    Store reopen(bool read_only = false) const;
    // Opens a store of the same plugin at another, new location (for "missing store" cases).
    Store open_other(const std::string& suffix, bool create, bool read_only = false) const;
    // Drops the store at that other location (Host::drop).
    void drop_other(const std::string& suffix) const;
    // True if the store serves the extension natively ("tote.read_range/1"); the host falls back otherwise.
    bool offers(const std::string& extension);

private:
    // The store of this case, or a sibling of it (suffix: "-missing", "-created").
    Store open(const std::string& suffix, bool create, bool read_only) const;
    // Where that store is: the URL, and the options to open it with.
    std::pair<std::string, OpenOptions> location(const std::string& suffix, bool create, bool read_only) const;

    const Target& target_;
    size_t index_;
    std::string url_;
    uint64_t caps_ = 0;
    std::optional<Store> store_;
    bool fixture_written_ = false;
};

struct Case {
    std::string name;
    uint64_t requires;  // TOTE_CAP_* bits; the case is skipped unless the plugin has all of them
    std::function<void(Fixture&)> run;
    uint64_t excludes = 0;  // TOTE_CAP_* bits; the case is skipped if the plugin has any (a mode it tests)
};

// Every case, in a stable order.
const std::vector<Case>& all_cases();

enum class Outcome { pass, fail, skip };

struct Result {
    Outcome outcome = Outcome::pass;
    std::string message;  // why it failed, or which capabilities it lacks
};

// Runs case number index of all_cases() against target, catching everything a case can throw.
Result run_case(const Target& target, size_t index);

// Registration, one function per cases_*.cpp file (explicit: static registrars vanish from static libraries).
void add_read_write_cases(std::vector<Case>& cases);
void add_conditional_cases(std::vector<Case>& cases);
void add_list_cases(std::vector<Case>& cases);
void add_remove_rename_cases(std::vector<Case>& cases);
void add_append_batch_cases(std::vector<Case>& cases);
void add_prefix_rule_cases(std::vector<Case>& cases);
void add_open_cases(std::vector<Case>& cases);
void add_concurrency_cases(std::vector<Case>& cases);
void add_lock_cases(std::vector<Case>& cases);
void add_range_append_cases(std::vector<Case>& cases);
void add_version_cases(std::vector<Case>& cases);
void add_expiry_cases(std::vector<Case>& cases);
void add_admin_cases(std::vector<Case>& cases);
void add_fixture_cases(std::vector<Case>& cases);
void add_query_cases(std::vector<Case>& cases);
void add_graph_cases(std::vector<Case>& cases);

// Helpers shared by cases.
std::string random_bytes(size_t n, uint32_t seed);
std::vector<std::string> keys_of(const std::vector<Entry>& entries);
// Runs fn(thread index) on n threads at once; rethrows the first failure as a Failure.
void on_threads(int n, const std::function<void(int)>& fn);

}  // namespace tote::conformance

#define T_FAIL(message) ::tote::conformance::fail(__FILE__, __LINE__, (message))
#define T_SKIP(reason) throw ::tote::conformance::Skip{(reason)}

#define T_CHECK(cond)                                               \
    do {                                                            \
        if (!(cond)) T_FAIL(std::string("expected ") + #cond);      \
    } while (0)

#define T_CHECK_EQ(a, b)                                                                                  \
    do {                                                                                                  \
        const auto t_a_ = (a);                                                                            \
        const auto t_b_ = (b);                                                                            \
        if (!(t_a_ == t_b_))                                                                              \
            T_FAIL(std::string("expected ") + #a + " == " + #b + "\n    left:  " +                        \
                   ::tote::conformance::show(t_a_) + "\n    right: " + ::tote::conformance::show(t_b_));  \
    } while (0)

#define T_CHECK_STATUS(expr, expected)                                                                      \
    do {                                                                                                    \
        try {                                                                                               \
            (void)(expr);                                                                                   \
        } catch (const ::tote::Error& t_e_) {                                                               \
            if (t_e_.status() != (expected))                                                                \
                T_FAIL(std::string(#expr) + ": expected status '" + ::tote::status_name(expected) +          \
                       "', got: " + t_e_.what());                                                           \
            break;                                                                                          \
        }                                                                                                   \
        T_FAIL(std::string(#expr) + ": expected status '" + ::tote::status_name(expected) + "', it succeeded"); \
    } while (0)

#endif  // TOTE_CONFORMANCE_SUITE_HPP
