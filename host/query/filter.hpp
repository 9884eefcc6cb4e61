// SPDX-License-Identifier: Apache-2.0
// filter.hpp — the filter language of "tote.query/1" (sdk/include/tote/ext/query.h has the specification): a
// user's filter checked and rewritten into the canonical form plugins receive, and the canonical form compiled
// into a tree that evaluate.hpp runs and the sqlite and postgres plugins translate into SQL.
//
// A static library (tote_query) shared by libtote and the first-party plugins, so that the host and a plugin that
// falls back on evaluating a value itself can never disagree about what a filter means.
#ifndef TOTE_QUERY_FILTER_HPP
#define TOTE_QUERY_FILTER_HPP

#include <nlohmann/json.hpp>

#include <cstdint>
#include <stdexcept>
#include <string>
#include <string_view>
#include <vector>

namespace tote::query {

// An invalid filter; what() names the offending part.
class FilterError : public std::invalid_argument {
public:
    using std::invalid_argument::invalid_argument;
};

enum class Op { eq, lt, lte, gt, gte, in, exists, contains };

// One path segment: an array index (index >= 0) or an object member name (index == -1).
struct Segment {
    std::string name;
    int32_t index = -1;
};

struct Node {
    enum class Type { all, any, negate, condition } type = Type::all;
    std::vector<Node> children;  // all (every one holds; none: true), any (one holds), negate (exactly one)
    std::vector<Segment> path;   // condition
    Op op = Op::eq;
    nlohmann::json arg;          // condition's operand
};

// A user's filter text (a JSON object) in canonical form; FilterError if it is not a valid filter.
nlohmann::json canonicalize_text(std::string_view filter_text);
// The same for a filter already parsed.
nlohmann::json canonicalize(const nlohmann::json& filter);
// The tree of a filter in canonical form; FilterError if it is not canonical.
Node compile(const nlohmann::json& canonical);
// The same from the canonical form's JSON text (what a plugin receives); FilterError if it is not JSON either.
Node compile_text(std::string_view canonical_text);
// The segments of a dotted path ("turns.0.role"); FilterError naming it if a segment is empty.
std::vector<Segment> split_path(std::string_view dotted);
// The segment a canonical path element names: an index when it is 1-9 digits without a leading zero.
Segment segment(std::string name);
// The dotted form of a path, for messages.
std::string dotted(const std::vector<Segment>& path);
// "$eq", "$lt", ...
const char* op_name(Op op);

}  // namespace tote::query

#endif  // TOTE_QUERY_FILTER_HPP
