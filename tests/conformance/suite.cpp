// suite.cpp — the case list, the fixture, and the helpers behind the T_* macros.
#include "suite.hpp"

#include <cstdio>
#include <random>

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

Fixture::Fixture(const Host& host, std::string scheme, std::string location)
    : host_(host), scheme_(std::move(scheme)), location_(std::move(location)), url_(scheme_ + "://" + location_) {
    for (const PluginInfo& p : host_.plugins())
        for (const std::string& s : p.schemes)
            if (s == scheme_) caps_ = p.capabilities;
}

Store& Fixture::store() {
    if (!store_) store_ = host_.open(url_, OpenOptions{true, false});
    return *store_;
}

Store Fixture::reopen(bool read_only) const { return host_.open(url_, OpenOptions{false, read_only}); }

Store Fixture::open_other(const std::string& suffix, bool create, bool read_only) const {
    return host_.open(url_ + suffix, OpenOptions{create, read_only});
}

std::string random_bytes(size_t n, uint32_t seed) {
    std::mt19937 rng(seed);
    std::string out(n, '\0');
    for (char& c : out) c = static_cast<char>(rng() & 0xFF);
    return out;
}

std::vector<std::string> keys_of(const std::vector<Entry>& entries) {
    std::vector<std::string> keys;
    for (const Entry& e : entries) keys.push_back(e.key);
    return keys;
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
        return out;
    }();
    return cases;
}

}  // namespace tote::conformance
