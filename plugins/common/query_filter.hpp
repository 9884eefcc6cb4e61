// SPDX-License-Identifier: Apache-2.0
// query_filter.hpp — the filter a plugin's "tote.query/1" receives, compiled with the shared filter library
// (host/query), for the first-party plugins that run queries natively (sqlite, postgres; they link tote_query).
#ifndef TOTE_PLUGINS_COMMON_QUERY_FILTER_HPP
#define TOTE_PLUGINS_COMMON_QUERY_FILTER_HPP

#include "filter.hpp"

#include <tote/plugin.hpp>

#include <string>
#include <string_view>

namespace tote::first_party {

// The tree of the canonical filter text; TOTE_INVALID_ARGUMENT if it is not a canonical filter (hosts check filters
// first, so this is a host's or a stranger's mistake).
inline query::Node compile_query_filter(std::string_view canonical_text) {
    try {
        return query::compile_text(canonical_text);
    } catch (const query::FilterError& e) {
        throw plugin::Error(TOTE_INVALID_ARGUMENT, std::string("query filter: ") + e.what());
    }
}

}  // namespace tote::first_party

#endif  // TOTE_PLUGINS_COMMON_QUERY_FILTER_HPP
