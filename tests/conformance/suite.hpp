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
#include <optional>
#include <sstream>
#include <string>
#include <vector>

namespace tote::conformance {

struct Failure {
    std::string message;
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

class Fixture {
public:
    // location: where this case's store lives ("<tmp>/case-7" for path plugins, "<name>-7" for others).
    Fixture(const Host& host, std::string scheme, std::string location);

    const std::string& url() const { return url_; }
    uint64_t capabilities() const { return caps_; }
    bool has(uint64_t cap) const { return (caps_ & cap) == cap; }

    // The case's store, created on first use.
    Store& store();
    // A new handle on the same store (the old one stays open unless the case drops it).
    Store reopen(bool read_only = false) const;
    // Opens a store of the same plugin at another, new location (for "missing store" cases).
    Store open_other(const std::string& suffix, bool create, bool read_only = false) const;

private:
    const Host& host_;
    std::string scheme_, location_, url_;
    uint64_t caps_ = 0;
    std::optional<Store> store_;
};

struct Case {
    std::string name;
    uint64_t requires;  // TOTE_CAP_* bits; the case is skipped unless the plugin has all of them
    std::function<void(Fixture&)> run;
};

// Every case, in a stable order.
const std::vector<Case>& all_cases();

// Registration, one function per cases_*.cpp file (explicit: static registrars vanish from static libraries).
void add_read_write_cases(std::vector<Case>& cases);
void add_conditional_cases(std::vector<Case>& cases);
void add_list_cases(std::vector<Case>& cases);
void add_remove_rename_cases(std::vector<Case>& cases);
void add_append_batch_cases(std::vector<Case>& cases);
void add_prefix_rule_cases(std::vector<Case>& cases);
void add_open_cases(std::vector<Case>& cases);
void add_concurrency_cases(std::vector<Case>& cases);

// Helpers shared by cases.
std::string random_bytes(size_t n, uint32_t seed);
std::vector<std::string> keys_of(const std::vector<Entry>& entries);

}  // namespace tote::conformance

#define T_FAIL(message) ::tote::conformance::fail(__FILE__, __LINE__, (message))

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
