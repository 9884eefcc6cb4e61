// SPDX-License-Identifier: Apache-2.0
// plugin_readmes_test.cpp — every first-party plugin's README.md has the same capability table, one row per
// capability bit of TOTE_CAPABILITY_LIST and per extension the host knows, saying "yes" exactly when the built
// plugin declares or serves it. A plugin that gains or loses one without its README saying so fails here.
#include "loader.hpp"

#include <tote/tote.hpp>

#include <catch2/catch.hpp>

#include <portable.hpp>

#include <algorithm>
#include <filesystem>
#include <fstream>
#include <sstream>

namespace {

std::string read_text(const std::filesystem::path& path) {
    std::ifstream in(path);
    REQUIRE(in);
    std::ostringstream text;
    text << in.rdbuf();
    return text.str();
}

// "yes" or "no" from the table row whose first cell starts with `name`, or "" if there is no such row.
std::string row_answer(const std::string& readme, const std::string& name) {
    std::istringstream in(readme);
    for (std::string line; std::getline(in, line);) {
        if (line.rfind("| `" + name + "`", 0) != 0) continue;
        const size_t second = line.find('|', 1);
        const size_t third = line.find('|', second + 1);
        if (second == std::string::npos || third == std::string::npos) return "";
        std::string cell = line.substr(second + 1, third - second - 1);
        cell.erase(std::remove(cell.begin(), cell.end(), ' '), cell.end());
        return cell;
    }
    return "";
}

}  // namespace

TEST_CASE("each first-party plugin's README table matches what the plugin declares") {
    const std::vector<std::string> extensions = {TOTE_EXT_BATCH, TOTE_EXT_READ_RANGE, TOTE_EXT_APPEND,
                                                 TOTE_EXT_ADMIN, TOTE_EXT_LIST_BATCH};
    std::vector<std::string> checked;
    for (const auto& entry : std::filesystem::directory_iterator(TOTE_PLUGIN_BUILD_DIR)) {
        if (entry.path().extension() != tote::test::plugin_suffix()) continue;
        const tote::detail::LoadResult loaded = tote::detail::load_plugin(entry.path());
        REQUIRE(loaded.plugin);
        const tote::PluginInfo& info = loaded.plugin->info;
        const std::string readme =
            read_text(std::filesystem::path(TOTE_SOURCE_DIR) / "plugins" / info.name / "README.md");
        INFO(info.name << "'s README.md");
#define TOTE_README_CAP_(NAME, bit, minor, text)                                                    \
        {                                                                                           \
            INFO("TOTE_CAP_" #NAME);                                                                \
            CHECK(row_answer(readme, "TOTE_CAP_" #NAME) ==                                          \
                  ((info.capabilities & TOTE_CAP_##NAME) ? "yes" : "no"));                          \
        }
        TOTE_CAPABILITY_LIST(TOTE_README_CAP_)
#undef TOTE_README_CAP_
        for (const std::string& id : extensions) {
            INFO(id);
            const bool served = std::find(info.extensions.begin(), info.extensions.end(), id) != info.extensions.end();
            CHECK(row_answer(readme, id) == (served ? "yes" : "no"));
        }
        checked.push_back(info.name);
    }
    INFO("checked: " << checked.size());
    CHECK(std::find(checked.begin(), checked.end(), "sqlite") != checked.end());
#ifndef _WIN32
    CHECK(std::find(checked.begin(), checked.end(), "json") != checked.end());  // not built for Windows yet
#endif
}
