// SPDX-License-Identifier: Apache-2.0
// closed_sets_test.cpp — the closed sets of the ABI (status codes, capability bits) are written once, as the
// X-macro lists TOTE_STATUS_LIST and TOTE_CAPABILITY_LIST in tote_plugin.h; everything else is generated from them
// (tote::Status, status names, capability names) or checked against them here: the tables of docs/abi.md, the
// status-to-exit-code table of docs/cli.md (against the CLI's own mapping), and the host's names.
#include "cli_context.hpp"

#include <tote/tote.hpp>

#include <catch2/catch.hpp>

#include <fstream>
#include <sstream>
#include <string>
#include <vector>

namespace {

std::string read_doc(const std::string& name) {
    std::ifstream in(std::string(TOTE_SOURCE_DIR) + "/docs/" + name);
    REQUIRE(in);
    std::ostringstream text;
    text << in.rdbuf();
    return text.str();
}

// The lines of text that start with start.
std::vector<std::string> rows_starting(const std::string& text, const std::string& start) {
    std::vector<std::string> rows;
    std::istringstream in(text);
    for (std::string line; std::getline(in, line);)
        if (line.rfind(start, 0) == 0) rows.push_back(line);
    return rows;
}

bool has_row(const std::vector<std::string>& rows, const std::string& row_start) {
    for (const std::string& row : rows)
        if (row.rfind(row_start, 0) == 0) return true;
    return false;
}

}  // namespace

TEST_CASE("docs/abi.md lists every status code and capability bit as tote_plugin.h defines them") {
    const std::string abi = read_doc("abi.md");
    const std::vector<std::string> status_rows = rows_starting(abi, "| `TOTE_") ;
    size_t statuses = 0, capabilities = 0;
#define TOTE_CHECK_STATUS_(NAME, name, value, minor, text)                                                       \
    {                                                                                                            \
        const std::string row = "| `TOTE_" #NAME "` | " + std::to_string(value) + " | " + std::string(text) +    \
                                " | 1." + std::to_string(minor) + " |";                                          \
        INFO(row);                                                                                               \
        CHECK(has_row(status_rows, row));                                                                        \
        CHECK(std::string(tote::status_name(tote::Status::name)) == text);                                       \
        CHECK(std::string(tote::status_id(tote::Status::name)) == #name);                                        \
        ++statuses;                                                                                              \
    }
    TOTE_STATUS_LIST(TOTE_CHECK_STATUS_)
#undef TOTE_CHECK_STATUS_
#define TOTE_CHECK_CAP_(NAME, bit, minor, text)                                                                   \
    {                                                                                                            \
        const std::string row = "| `TOTE_CAP_" #NAME "` | " + std::to_string(bit) + " | " + std::string(text) +  \
                                " | 1." + std::to_string(minor) + " |";                                          \
        INFO(row);                                                                                               \
        CHECK(has_row(status_rows, row));                                                                        \
        CHECK(tote::capability_names(TOTE_CAP_##NAME) == std::vector<std::string>{text});                        \
        ++capabilities;                                                                                          \
    }
    TOTE_CAPABILITY_LIST(TOTE_CHECK_CAP_)
#undef TOTE_CHECK_CAP_
    // Nothing in the tables that the lists do not have.
    CHECK(rows_starting(abi, "| `TOTE_CAP_").size() == capabilities);
    CHECK(status_rows.size() == statuses + capabilities);
    CHECK(tote::known_capabilities(TOTE_ABI_MINOR) == (uint64_t{1} << capabilities) - 1);
}

TEST_CASE("docs/cli.md gives every status the exit code the CLI uses") {
    const std::string cli = read_doc("cli.md");
    const std::vector<std::string> rows = rows_starting(cli, "| `");
    size_t statuses = 0;
#define TOTE_CHECK_EXIT_(NAME, name, value, minor, text)                                                        \
    {                                                                                                           \
        const std::string row = "| `" #name "` | " + std::to_string(tote::cli::exit_code_for(tote::Status::name)) + \
                                " |";                                                                           \
        INFO(row);                                                                                              \
        CHECK(has_row(rows, row));                                                                              \
        ++statuses;                                                                                             \
    }
    TOTE_STATUS_LIST(TOTE_CHECK_EXIT_)
#undef TOTE_CHECK_EXIT_
    CHECK(statuses == TOTE_STATUS_MAX + 1);
}
