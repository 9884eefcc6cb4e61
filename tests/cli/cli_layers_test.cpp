// SPDX-License-Identifier: Apache-2.0
// cli_layers_test.cpp — layers from the command line: URLs and config entries, `tote plugins`, `tote verify` finding
// what the checksum layer catches, zstd reading values written without it, the fault layer driving `tote cp`'s
// error path, `tote --metrics` and the Prometheus file, and `tote plugin check` of a layer.
#include "cli.hpp"

#include <nlohmann/json.hpp>

#include <catch2/catch.hpp>

#include <filesystem>
#include <fstream>
#include <set>

using tote::test::Cli;

namespace {

bool has(const std::string& text, const std::string& part) { return text.find(part) != std::string::npos; }

void write_text(const std::string& path, const std::string& text) { std::ofstream(path, std::ios::binary) << text; }

std::string read_text(const std::string& path) {
    std::ifstream in(path, std::ios::binary);
    return std::string(std::istreambuf_iterator<char>(in), {});
}

}  // namespace

TEST_CASE("tote plugins lists the layers apart from the backends") {
    Cli tote;
    auto text = tote({"plugins"});
    REQUIRE(text.exit_code == 0);
    const size_t layers_at = text.out.find("layers (stacked over a store");
    REQUIRE(layers_at != std::string::npos);
    const std::string built = TOTE_TEST_LAYERS;  // the layers of this build, ','-separated (no zstd on Windows)
    for (const char* layer : {"checksum", "zstd", "cache", "metrics", "fault"})
        if (has("," + built + ",", "," + std::string(layer) + ","))
            CHECK(text.out.find("\n" + std::string(layer) + " ", layers_at) != std::string::npos);
    CHECK(text.out.find("json ") < layers_at);
    const auto listed = nlohmann::json::parse(tote({"plugins", "--json"}).out);
    std::set<std::string> names;
    for (const auto& layer : listed["layers"]) names.insert(layer["name"].get<std::string>());
    CHECK(names.count("checksum") == 1);
    for (const auto& plugin : listed["plugins"]) CHECK(plugin["name"] != "zstd");
}

TEST_CASE("a value damaged below the checksum layer reads as corrupt, and tote verify lists it") {
    Cli tote;
    const std::string url = "checksum::json://" + tote.path("s");
    REQUIRE(tote({"put", url, "runs/a"}, "{\"score\": 0.5}").exit_code == 0);
    REQUIRE(tote({"put", url, "runs/b"}, "{\"score\": 0.7}").exit_code == 0);
    REQUIRE(tote({"append", url, "runs/b"}, "\n").exit_code == 0);
    CHECK(tote({"get", url, "runs/b"}).out == "{\"score\": 0.7}\n");
    CHECK(tote({"stat", url, "runs/b"}).out.find("size:     15 ") != std::string::npos);
    auto clean = tote({"verify", url});
    CHECK(clean.exit_code == 0);
    CHECK(clean.out == "2 values checked, 0 damaged\n");

    std::string stored = read_text(tote.path("s/runs/a"));
    REQUIRE(stored.size() > 20);
    stored[14] = static_cast<char>(stored[14] ^ 0x01);  // one bit of the data
    write_text(tote.path("s/runs/a"), stored);
    auto get = tote({"get", url, "runs/a"});
    CHECK(get.exit_code == 1);
    CHECK(get.out.empty());  // never the wrong bytes
    CHECK(has(get.err, "checksum: the value of 'runs/a' is damaged (frame at byte 0: checksum mismatch)"));
    auto verify = tote({"verify", url});
    CHECK(verify.exit_code == 1);
    CHECK(has(verify.out, "damaged runs/a: "));
    CHECK(!has(verify.out, "damaged runs/b"));
    CHECK(has(verify.out, "2 values checked, 1 damaged"));
    // Cut short: also caught.
    write_text(tote.path("s/runs/b"), read_text(tote.path("s/runs/b")).substr(0, 30));
    CHECK(has(tote({"get", url, "runs/b"}).err, "frame at byte 0: its length runs past the end"));
}

TEST_CASE("the zstd layer stores less, reads values written without it, and keeps appends appends", "[zstd]") {
    Cli tote;
    const std::string bare = "sqlite://" + tote.path("s.db");
    const std::string zstd = "zstd::" + bare;
    REQUIRE(tote({"put", bare, "old"}, "written without the layer").exit_code == 0);
    CHECK(tote({"get", zstd, "old"}).out == "written without the layer");
    REQUIRE(tote({"append", zstd, "old"}, ", then appended through it").exit_code == 0);
    CHECK(tote({"get", zstd, "old"}).out == "written without the layer, then appended through it");
    std::string record;
    for (int i = 0; i < 200; ++i) record += "{\"task\": \"gsm8k\", \"sample\": " + std::to_string(i) + ", \"passed\": true}\n";
    REQUIRE(tote({"put", zstd, "runs/r1.jsonl"}, record).exit_code == 0);
    CHECK(tote({"get", zstd, "runs/r1.jsonl"}).out == record);
    CHECK(has(tote({"stat", zstd, "runs/r1.jsonl"}).out, "size:     " + std::to_string(record.size()) + " "));
    const std::string stored = tote({"get", bare, "runs/r1.jsonl"}).out;
    CHECK(stored.size() * 5 < record.size());
    CHECK(stored.compare(0, 4, "\x28\xB5\x2F\xFD") == 0);
}

TEST_CASE("layers from the config, and their errors with file and line", "[zstd]") {
    Cli tote;
    write_text(tote.path("tote.toml"), "[stores.evals]\n"
                                       "url = \"json://" + tote.path("e") + "\"\n"
                                       "layers = [{ name = \"zstd\", level = 9 }, { name = \"checksum\" }]\n"
                                       "[stores.typo]\n"
                                       "url = \"json://" + tote.path("t") + "\"\n"
                                       "layers = [{ name = \"zstd\", levl = 9 }]\n"
                                       "[stores.nope]\n"
                                       "url = \"json://" + tote.path("n") + "\"\n"
                                       "layers = [{ name = \"gzip\" }]\n");
    const std::string config = tote.path("tote.toml");
    REQUIRE(tote({"--config", config, "put", "evals", "k"}, "value").exit_code == 0);
    CHECK(tote({"--config", config, "get", "evals", "k"}).out == "value");
    // zstd over checksum: the file holds a checksummed frame of zstd's frame.
    const std::string stored = read_text(tote.path("e/k"));
    CHECK(stored.compare(0, 4, "TCK1") == 0);
    CHECK(stored.compare(12, 4, "\x28\xB5\x2F\xFD") == 0);
    auto typo = tote({"--config", config, "get", "typo", "k"});
    CHECK(typo.exit_code == 2);
    CHECK(has(typo.err, config + ":6:"));
    CHECK(has(typo.err, "unknown option 'levl' for the zstd layer (accepted: level, dictionary_file)"));
    auto nope = tote({"--config", config, "get", "nope", "k"});
    CHECK(nope.exit_code == 2);
    CHECK(has(nope.err, config + ":9:"));
    CHECK(has(nope.err, "unknown layer: gzip"));
    auto url = tote({"get", "gzip::json://" + tote.path("e"), "k"});
    CHECK(url.exit_code == 2);
    CHECK(has(url.err, "unknown layer: gzip (known layers: cache, checksum, fault, metrics, zstd)"));
}

TEST_CASE("the fault layer drives tote cp's error path: the failing key is named, the rest arrive") {
    const std::string scheme = GENERATE(from_range(tote::test::file_schemes()));
    Cli tote;
    const std::string src = tote::test::store_url(scheme, tote.home(), "src");
    for (const char* key : {"a", "b", "c", "d"}) REQUIRE(tote({"put", src, key}, key).exit_code == 0);
    write_text(tote.path("tote.toml"), "[stores.flaky]\n"
                                       "url = " + tote::test::toml_string(src) + "\n"
                                       "layers = [{ name = \"fault\", fail_op = \"read\", fail_nth = 2, "
                                       "fail_status = \"io\" }]\n");
    auto cp = tote({"--config", tote.path("tote.toml"), "cp", "flaky", "sqlite://" + tote.path("dst.db")});
    CHECK(cp.exit_code == 1);
    CHECK(has(cp.err, "fault: injected failure of read #2 ('b')"));
    CHECK(tote({"ls", "-r", "sqlite://" + tote.path("dst.db")}).out == "a\nc\nd\n");
    // A short read below the checksum layer is caught, never passed on as the value.
    write_text(tote.path("torn.toml"), "[stores.torn]\n"
                                       "url = " + tote::test::toml_string("json://" + tote.path("c")) + "\n"
                                       "layers = [{ name = \"checksum\" }, { name = \"fault\", truncate_reads = 25 }]\n");
    REQUIRE(tote({"put", "checksum::json://" + tote.path("c"), "k"}, "a value of some length").exit_code == 0);
    auto torn = tote({"--config", tote.path("torn.toml"), "get", "torn", "k"});
    CHECK(torn.exit_code == 1);
    CHECK(torn.out.empty());
    CHECK(has(torn.err, "damaged"));
}

TEST_CASE("tote --metrics prints each store's counts; the metrics layer writes Prometheus text") {
    Cli tote;
    // As tote names the store (its URL with the path as the system writes it), and as Prometheus quotes it.
    const std::string url = "sqlite://" + tote::test::native(tote.path("m.db"));
    std::string label = url;
    for (size_t at = 0; (at = label.find('\\', at)) != std::string::npos; at += 2) label.insert(at, 1, '\\');
    REQUIRE(tote({"put", url, "k"}, "12345").exit_code == 0);
    auto get = tote({"--metrics", "get", url, "k"});
    CHECK(get.exit_code == 0);
    CHECK(get.out == "12345");
    CHECK(has(get.err, "metrics of metrics::" + url));
    CHECK(has(get.err, "  read                1          0              5 "));
    auto missing = tote({"--metrics", "get", url, "nope"});
    CHECK(missing.exit_code == 3);
    CHECK(has(missing.err, "not_found 1"));
    const std::string prom = tote.path("tote.prom");
    write_text(tote.path("tote.toml"), "[stores.m]\nurl = " + tote::test::toml_string(url) + "\n"
                                       "layers = [{ name = \"metrics\", prometheus_file = " + tote::test::toml_string(prom) + " }]\n");
    REQUIRE(tote({"--config", tote.path("tote.toml"), "get", "m", "k"}).exit_code == 0);
    const std::string text = read_text(prom);
    CHECK(has(text, "# TYPE tote_operations_total counter"));
    CHECK(has(text, "tote_operations_total{store=\"metrics::" + label + "\",op=\"read\"} 1\n"));
    CHECK(has(text, "tote_operation_bytes_total{store=\"metrics::" + label + "\",op=\"read\"} 5\n"));
    CHECK(has(text, "tote_operation_seconds_bucket{store=\"metrics::" + label + "\",op=\"read\",le=\"+Inf\"} 1\n"));
}

TEST_CASE("the cache layer serves what the store holds, also after another process wrote") {
    Cli tote;
    const std::string url = "sqlite://" + tote.path("c.db");
    REQUIRE(tote({"put", "cache::" + url, "k"}, "one").exit_code == 0);
    CHECK(tote({"get", "cache::" + url, "k"}).out == "one");
    REQUIRE(tote({"put", url, "k"}, "two").exit_code == 0);
    CHECK(tote({"get", "cache::" + url, "k"}).out == "two");
}

TEST_CASE("tote plugin check runs the suite on a layer stacked over a backend") {
    Cli tote;
    auto check = tote({"--plugin-dir", TOTE_TEST_CMEM_DIR, "plugin", "check", "checksum", "--over", "cmem"});
    INFO(check.out << check.err);
    CHECK(check.exit_code == 0);
    CHECK(has(check.out, "scheme checksum::cmem, stores at checksum::cmem://"));
    CHECK(has(check.out, " 0 failed"));
    auto nothing = tote({"plugin", "check", "checksum", "--over", "nope"});
    CHECK(nothing.exit_code == 2);
    CHECK(has(nothing.err, "no backend plugin serves the scheme 'nope'"));
    auto backend = tote({"plugin", "check", "json", "--over", "sqlite"});
    CHECK(backend.exit_code == 2);
    CHECK(has(backend.err, "json is a storage backend, not a layer: --over"));
}

TEST_CASE("zstd stores standard frames, and small values with a trained dictionary", "[zstd]") {
    Cli tote;
    // Standard frames: the zstd command decompresses a stored value.
    const std::string bare = "json://" + tote.path("z");
    REQUIRE(tote({"put", "zstd::" + bare, "k"}, "a value, compressed").exit_code == 0);
    write_text(tote.path("k.zst"), tote({"get", bare, "k"}).out);
    auto unzstd = tote::test::run({"/usr/bin/zstd", "-q", "-d", "-c", tote.path("k.zst")});
    CHECK(unzstd.exit_code == 0);
    CHECK(unzstd.out == "a value, compressed");

    // A dictionary trained with `zstd --train` on records like the ones stored, taken from a store as the README
    // says: copied into a json store (a file per value), then trained on its directory.
    std::filesystem::create_directories(tote.path("written"));
    auto record = [](int i) {
        return "{\"task\": \"gsm8k\", \"model\": \"llama-3-8b\", \"sample\": " + std::to_string(i) +
               ", \"prompt\": \"Question: Natalia sold clips to " + std::to_string(i % 97) +
               " of her friends in April, and then she sold half as many clips in May.\", \"passed\": " +
               (i % 3 ? "true" : "false") + ", \"scores\": {\"exact_match\": " + std::to_string(i % 2) + "}}";
    };
    for (int i = 0; i < 300; ++i) write_text(tote.path("written/" + std::to_string(i)), record(i));
    const std::string results = "sqlite://" + tote.path("results.db");
    REQUIRE(tote({"cp", "json://" + tote.path("written"), results}).exit_code == 0);
    REQUIRE(tote({"cp", results, "json://" + tote.path("samples")}).exit_code == 0);
    auto train = tote::test::run({"/usr/bin/zstd", "-q", "--train", "-r", tote.path("samples"), "-o", tote.path("evals.zdict")});
    INFO(train.err);
    REQUIRE(train.exit_code == 0);
    write_text(tote.path("tote.toml"), "[stores.dict]\nurl = \"" + bare + "\"\n"
                                       "layers = [{ name = \"zstd\", dictionary_file = \"" + tote.path("evals.zdict") + "\" }]\n"
                                       "[stores.bad]\nurl = \"" + bare + "\"\n"
                                       "layers = [{ name = \"zstd\", dictionary_file = \"" + tote.path("tote.toml") + "\" }]\n");
    const std::string config = tote.path("tote.toml");
    REQUIRE(tote({"--config", config, "put", "dict", "r"}, record(1000)).exit_code == 0);
    REQUIRE(tote({"put", "zstd::" + bare, "plain"}, record(1000)).exit_code == 0);
    CHECK(tote({"--config", config, "get", "dict", "r"}).out == record(1000));
    CHECK(tote({"--config", config, "get", "dict", "plain"}).out == record(1000));  // frames without one still read
    CHECK(tote({"get", bare, "r"}).out.size() * 2 < tote({"get", bare, "plain"}).out.size());
    auto without = tote({"get", "zstd::" + bare, "r"});
    CHECK(without.exit_code == 1);
    CHECK(has(without.err, "was compressed with dictionary "));
    CHECK(has(without.err, "has none (option dictionary_file)"));
    auto bad = tote({"--config", config, "get", "bad", "r"});
    CHECK(bad.exit_code == 2);
    CHECK(has(bad.err, "is not a zstd dictionary"));
}
