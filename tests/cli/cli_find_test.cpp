// SPDX-License-Identifier: Apache-2.0
// cli_find_test.cpp — `tote find`: the keys whose values match a filter, --json lines, --count, --limit, one level
// or -r, and the errors (an invalid filter names its fault, exit 2; a missing store, exit 3), on json and sqlite.
#include "cli.hpp"

#include <catch2/catch.hpp>
#include <nlohmann/json.hpp>

using tote::test::Cli;

namespace {

bool contains(const std::string& text, const std::string& part) { return text.find(part) != std::string::npos; }

// A store holding four results, a log line and a nested document.
std::string filled(Cli& tote, const std::string& scheme) {
    const std::string url = tote::test::store_url(scheme, tote.home(), "evals");
    const std::vector<std::pair<std::string, std::string>> values = {
        {"runs/1.json", R"({"item": 1, "score": 1, "error": null})"},
        {"runs/2.json", R"({"item": 2, "score": 0, "error": "timeout"})"},
        {"runs/3.json", "{\n  \"item\": 3,\n  \"score\": false\n}\n"},
        {"runs/4.json", R"({"item": 4, "score": 0.5, "error": null, "z": 1, "a": 2})"},
        {"runs/log.txt", "score: 0"},
        {"runs/sub/5.json", R"({"item": 5, "score": 0})"},
    };
    for (const auto& [key, value] : values) REQUIRE(tote({"put", url, key}, value).exit_code == 0);
    return url;
}

}  // namespace

TEST_CASE("find prints the matching keys, one level or recursive") {
    const std::string scheme = GENERATE(as<std::string>{}, "json", "sqlite");
    INFO(scheme);
    Cli tote;
    const std::string url = filled(tote, scheme);
    const std::string failed = R"({"$or": [{"score": false}, {"score": 0}]})";
    auto r = tote({"find", url, "runs", "--where", failed});
    INFO(r.err);
    REQUIRE(r.exit_code == 0);
    CHECK(r.out == "runs/2.json\nruns/3.json\n");
    CHECK(tote({"find", url, "runs", "-r", "-w", failed}).out == "runs/2.json\nruns/3.json\nruns/sub/5.json\n");
    CHECK(tote({"find", url, "runs", "-r", "-w", failed, "--limit", "1"}).out == "runs/2.json\n");
    CHECK(tote({"find", url, "runs", "-r", "-w", failed, "--count"}).out == "3\n");
    // Without --where: every document (not the log line).
    CHECK(tote({"find", url, "runs", "--count"}).out == "4\n");
    CHECK(tote({"find", url, "runs", "-w", R"({"error": {"$exists": true, "$ne": null}})"}).out == "runs/2.json\n");
    CHECK(tote({"find", url, "runs", "-w", R"({"nothing": 1})"}).out.empty());
    CHECK(tote({"find", url, "-r", "-w", R"({"item": 5})"}).out == "runs/sub/5.json\n");
}

TEST_CASE("find --json prints one line per match with the document as stored") {
    Cli tote;
    const std::string url = filled(tote, "sqlite");
    auto r = tote({"find", url, "runs", "--json", "-w", R"({"item": {"$in": [3, 4]}})"});
    REQUIRE(r.exit_code == 0);
    // The document as stored, line breaks turned into spaces; numbers keep their text.
    CHECK(r.out == "{\"key\":\"runs/3.json\",\"value\":{   \"item\": 3,   \"score\": false } }\n"
                   "{\"key\":\"runs/4.json\",\"value\":{\"item\": 4, \"score\": 0.5, \"error\": null, \"z\": 1, \"a\": 2}}\n");
    REQUIRE(tote({"put", url, "big/1", "-"}, R"({"n": 18446744073709551616, "f": 1.0e2})").exit_code == 0);
    CHECK(tote({"find", url, "big", "--json"}).out ==
          "{\"key\":\"big/1\",\"value\":{\"n\": 18446744073709551616, \"f\": 1.0e2}}\n");
    for (size_t start = 0, end; (end = r.out.find('\n', start)) != std::string::npos; start = end + 1)
        CHECK(nlohmann::json::parse(r.out.substr(start, end - start)).contains("value"));
}

TEST_CASE("find: an invalid filter is exit 2 naming its fault, before the store is opened") {
    Cli tote;
    auto bad = tote({"find", "json://" + tote.home() + "/nowhere", "--where", R"({"score": {"$gtt": 1}})"});
    CHECK(bad.exit_code == 2);
    CHECK(contains(bad.err, "invalid filter: unknown operator \"$gtt\" at \"score\""));
    auto not_json = tote({"find", "json://" + tote.home() + "/nowhere", "--where", "{\"score\": "});
    CHECK(not_json.exit_code == 2);
    CHECK(contains(not_json.err, "invalid filter: not JSON: parse error at line 1, column"));
    auto wrong = tote({"find", "json://" + tote.home() + "/nowhere", "--where", R"({"model": {"$in": 3}})"});
    CHECK(wrong.exit_code == 2);
    CHECK(contains(wrong.err, "$in at \"model\" needs an array, not 3"));
    CHECK(tote({"find", "json://" + tote.home() + "/nowhere", "--json", "--count"}).exit_code == 2);
    CHECK(tote({"find", "json://" + tote.home() + "/nowhere", "-n", "-1"}).exit_code == 2);
    CHECK(tote({"find", "json://" + tote.home() + "/nowhere", "--where", R"({"$or": [1]})"}).err.find(
              "$or holds filters (JSON objects), not 1") != std::string::npos);
    auto missing = tote({"find", "json://" + tote.home() + "/nowhere"});
    CHECK(missing.exit_code == 3);
    CHECK(contains(missing.err, "nowhere"));
}

TEST_CASE("find is documented, and completed") {
    Cli tote;
    auto help = tote({"find", "--help"});
    CHECK(help.exit_code == 0);
    CHECK(contains(help.out, "--where"));
    CHECK(contains(help.out, "docs/queries.md"));
    CHECK(contains(tote({"complete", "commands"}).out, "find\n"));
    CHECK(contains(tote::test::read_file(TOTE_SOURCE_DIR "/docs/cli.md"), "| `tote find STORE [PREFIX] [--where FILTER]"));
}
