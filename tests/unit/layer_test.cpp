// SPDX-License-Identifier: Apache-2.0
// layer_test.cpp — layers (tote/ext/layer.h) through the public API, with the pure-C test layer cxor (which
// stores values XORed with a byte) over the pure-C plugin cmem and over json: URLs and config, what a layered
// store offers, nesting, options and their errors, and that the bytes below really are the layer's.
#include "config.hpp"
#include "url.hpp"

#include <tote/tote.hpp>

#include <catch2/catch.hpp>

#include <portable.hpp>

#include <unistd.h>

#include <filesystem>
#include <fstream>

namespace fs = std::filesystem;

namespace {

tote::HostOptions sealed(const std::string& config = "") {
    tote::HostOptions options;
    options.plugin_dirs = {TOTE_TEST_CMEM_DIR, TOTE_TEST_CLAYER_DIR, TOTE_PLUGIN_BUILD_DIR};
    options.use_environment = false;
    options.builtin_plugins = false;
    if (!config.empty()) options.config_file = config;
    return options;
}

tote::OpenOptions creating() {
    tote::OpenOptions options;
    options.create = true;
    return options;
}

std::string error_of(const std::function<void()>& fn) {
    try {
        fn();
    } catch (const tote::Error& e) {
        return e.what();
    }
    return "(no error)";
}

std::string xored(std::string bytes, unsigned char key) {
    for (char& c : bytes) c = static_cast<char>(static_cast<unsigned char>(c) ^ key);
    return bytes;
}

bool has(const std::string& text, const std::string& part) { return text.find(part) != std::string::npos; }

struct TempDir {
    fs::path path;
    TempDir() {
        path = tote::test::make_temp_dir("tote-layer-test-");
    }
    ~TempDir() {
        std::error_code ec;
        fs::remove_all(path, ec);
    }
};

}  // namespace

TEST_CASE("URLs chain layers before the scheme with '::', outermost first") {
    const auto url = tote::detail::parse_url("ZSTD::cache::sqlite:///srv/evals.db");
    CHECK(url.layers == std::vector<std::string>{"zstd", "cache"});
    CHECK(url.scheme == "sqlite");
    CHECK(url.location == "/srv/evals.db");
    // Only the part before "://" holds layers: a location may contain "::".
    const auto v6 = tote::detail::parse_url("postgres://[::1]/db");
    CHECK(v6.layers.empty());
    CHECK(v6.location == "[::1]/db");
    CHECK(has(error_of([] { tote::detail::parse_url("::json:///x"); }), "bad layer name ''"));
    CHECK(has(error_of([] { tote::detail::parse_url("z_1::json:///x"); }), "bad layer name 'z_1'"));
}

TEST_CASE("a layer is listed as a layer, not as a scheme, and named where it is misused") {
    tote::Host host(sealed());
    const auto schemes = host.schemes();
    CHECK(std::find(schemes.begin(), schemes.end(), "cxor") == schemes.end());
    bool listed = false;
    for (const tote::PluginInfo& p : host.plugins())
        if (p.name == "cxor") listed = tote::is_layer(p);
    CHECK(listed);
    CHECK(has(error_of([&] { host.open("cxor://x"); }), "'cxor' is a layer: stack it over a store"));
    const std::string unknown = error_of([&] { host.open("nope::cmem://x"); });
    CHECK(has(unknown, "unknown layer: nope (known layers: "));
    CHECK(has(unknown, "cxor"));
    CHECK(has(error_of([&] { host.open("cmem::cmem://x"); }), "'cmem' is a storage backend, not a layer"));
}

TEST_CASE("a layered store transforms what it stores, and offers only what the store below offers") {
    tote::Host host(sealed());
    const std::string name = "cmem://layer-test-" + std::to_string(::getpid());
    tote::Store layered = host.open("cxor::" + name, creating());
    tote::Store bare = host.open(name);
    CHECK(layered.url() == "cxor::" + name);
    CHECK(layered.layers() == std::vector<std::string>{"cxor"});
    CHECK(layered.plugin().name == "cmem");
    CHECK(host.resolve("cxor::" + name) == "cxor::" + name);

    layered.write("k", "hello");
    CHECK(bare.read("k") == xored("hello", 90));
    CHECK(layered.read("k") == "hello");
    layered.append("k", " world");
    CHECK(layered.read("k") == "hello world");
    CHECK(layered.read_range("k", 6, 3) == "wor");
    layered.write_batch({{"a", "1", {}}, {"b/c", "2", {}}});
    CHECK(bare.read("b/c") == xored("2", 90));
    CHECK(layered.list("", tote::ListOptions{}).size() == 3);  // a, b/, k

    // cmem's modes come through; capabilities are those both have.
    CHECK(layered.capabilities() == tote::layered_capabilities(layered.capabilities(), bare.capabilities()));
    CHECK((layered.capabilities() & ~bare.capabilities()) == 0);
    CHECK(layered.supports(TOTE_CAP_KEY_AND_PREFIX) == bare.supports(TOTE_CAP_KEY_AND_PREFIX));
    // Extensions: only where both offer them (cxor offers no queries; cmem's admin is used as it is).
    CHECK_FALSE(layered.offers("tote.query/1"));
    CHECK_FALSE(layered.offers("tote.layer/1"));
    CHECK(layered.offers("tote.batch/1") == bare.offers("tote.batch/1"));
    CHECK(layered.offers("tote.admin/1") == bare.offers("tote.admin/1"));
}

TEST_CASE("layers nest, each over the one below") {
    TempDir dir;
    const std::string config = (dir.path / "tote.toml").string();
    std::ofstream(config) << "[stores.twice]\n"
                             "url = \"cxor::json://" + (dir.path / "s").string() + "\"\n"
                             "layers = [{ name = \"cxor\", key = 3 }]\n";
    tote::Host host(sealed(config));
    tote::Store twice = host.open("twice", creating());
    CHECK(twice.url() == "cxor::cxor::json://" + (dir.path / "s").string());
    CHECK(twice.layers() == std::vector<std::string>{"cxor", "cxor"});
    twice.write("k", "abc");
    CHECK(twice.read("k") == "abc");
    CHECK(host.open("json://" + (dir.path / "s").string()).read("k") == xored("abc", 90 ^ 3));
    CHECK(host.open("cxor::json://" + (dir.path / "s").string()).read("k") == xored("abc", 3));
}

TEST_CASE("a layer's options are checked, with the config's file and line") {
    TempDir dir;
    const std::string config = (dir.path / "tote.toml").string();
    std::ofstream(config) << "[stores.bad]\n"
                             "url = \"json://" + (dir.path / "s").string() + "\"\n"
                             "layers = [\n"
                             "  { name = \"cxor\", colour = \"red\" },\n"
                             "]\n"
                             "[stores.range]\n"
                             "url = \"json://" + (dir.path / "s").string() + "\"\n"
                             "layers = [{ name = \"cxor\", key = 300 }]\n"
                             "[stores.unknown]\n"
                             "url = \"json://" + (dir.path / "s").string() + "\"\n"
                             "layers = [{ name = \"gzip\" }]\n";
    tote::Host host(sealed(config));
    const std::string bad = error_of([&] { host.open("bad", creating()); });
    CHECK(has(bad, config + ":4:"));
    CHECK(has(bad, "layer 'cxor' of store 'bad': unknown option 'colour' for the cxor layer (accepted: key)"));
    const std::string range = error_of([&] { host.open("range", creating()); });
    CHECK(has(range, "open layer 'cxor' over"));
    CHECK(has(range, "option 'key' must be from 1 to 255"));
    const std::string unknown = error_of([&] { host.open("unknown", creating()); });
    CHECK(has(unknown, config + ":11:"));
    CHECK(has(unknown, "unknown layer: gzip"));
}

TEST_CASE("a layer's option values are checked before the store below is opened or created") {
    TempDir dir;
    const std::string config = (dir.path / "tote.toml").string();
    std::ofstream(config) << "[stores.level]\n"
                             "url = \"sqlite://" + (dir.path / "level.db").string() + "\"\n"
                             "layers = [\n"
                             "  { name = \"cache\" },\n"
                             "  { name = \"zstd\", level = 0 },\n"
                             "]\n"
                             "[stores.dictionary]\n"
                             "url = \"json://" + (dir.path / "dictionary").string() + "\"\n"
                             "layers = [{ name = \"zstd\", dictionary_file = \"" + (dir.path / "none.dict").string() + "\" }]\n"
                             "[stores.plain]\n"
                             "url = \"json://" + (dir.path / "plain").string() + "\"\n"
                             "layers = [{ name = \"cache\" }]\n";
    tote::Host host(sealed(config));
    // tote.layer/1's check_options: the layer's own line, the option, and no store left behind.
    const std::string level = error_of([&] { host.open("level", creating()); });
    CHECK(has(level, config + ":5:"));
    CHECK(has(level, "store 'level': open layer 'zstd' over"));
    CHECK(has(level, "option 'level' must be from"));
    CHECK_FALSE(fs::exists(dir.path / "level.db"));
    const std::string dictionary = error_of([&] { host.open("dictionary", creating()); });
    CHECK(has(dictionary, config + ":9:"));
    CHECK(has(dictionary, "cannot read the dictionary file " + (dir.path / "none.dict").string()));
    CHECK_FALSE(fs::exists(dir.path / "dictionary"));
    // Layers given to open() are checked the same way, and named as the open's, not as a line of the config.
    tote::OpenOptions faulty = creating();
    faulty.layers = {{"fault", {{"fail_op", "explode"}}}};
    const std::string op = error_of([&] { host.open("json://" + (dir.path / "faulty").string(), faulty); });
    CHECK(has(op, "open layer 'fault' over json://" + (dir.path / "faulty").string() + ": "));
    CHECK(has(op, "option 'fail_op' must be one of"));
    CHECK_FALSE(fs::exists(dir.path / "faulty"));
    const std::string on_config = error_of([&] { host.open("plain", faulty); });
    CHECK(has(on_config, "store 'plain': open layer 'fault' over cache::json://"));
    CHECK_FALSE(has(on_config, config + ":"));
    // A dictionary "file" that is a directory is a bad value too, said so.
    tote::OpenOptions dir_dictionary = creating();
    dir_dictionary.layers = {{"zstd", {{"dictionary_file", dir.path.string()}}}};
    const std::string is_dir = error_of([&] { host.open("json://" + (dir.path / "d").string(), dir_dictionary); });
    CHECK(has(is_dir, "invalid argument: "));
    CHECK(has(is_dir, "cannot read the dictionary file " + dir.path.string() + ": it is a directory"));
    // A layer whose table ends at open_layer (cxor, as tote.layer/1 was first released) still opens and still
    // refuses a bad value, only once the store below is open.
    tote::OpenOptions keyed = creating();
    keyed.layers = {{"cxor", {{"key", "0"}}}};
    CHECK(has(error_of([&] { host.open("json://" + (dir.path / "late").string(), keyed); }),
              "option 'key' must be from 1 to 255"));
    keyed.layers = {{"cxor", {{"key", "7"}}}};
    tote::Store fine = host.open("json://" + (dir.path / "late").string(), keyed);
    fine.write("k", "v");
    CHECK(fine.read("k") == "v");
}

TEST_CASE("the config's layers entry is checked when the file is read") {
    auto error = [](const std::string& text) {
        try {
            tote::detail::parse_config(text, "/etc/tote/config.toml");
        } catch (const tote::Error& e) {
            return std::string(e.what());
        }
        return std::string("(accepted)");
    };
    CHECK(has(error("[stores.a]\nurl = \"json:///x\"\nlayers = \"zstd\"\n"), "config.toml:3:"));
    CHECK(has(error("[stores.a]\nurl = \"json:///x\"\nlayers = \"zstd\"\n"), "[stores.a].layers must be an array of tables"));
    CHECK(has(error("[stores.a]\nurl = \"json:///x\"\nlayers = [{ level = 3 }]\n"), "a layer without a name"));
    CHECK(has(error("[stores.a]\nurl = \"json:///x\"\nlayers = [{ name = \"Z!\" }]\n"), "bad layer name 'Z!'"));
    CHECK(has(error("[stores.a]\nurl = \"json:///x\"\nlayers = [{ name = \"z\", x = [1] }]\n"),
              "option 'x' of layer 'z' of store 'a' must be a string"));
    const auto config = tote::detail::parse_config(
        "[stores.a]\nurl = \"json:///x\"\nlayers = [{ name = \"zstd\", level = 3 }, { name = \"cache\" }]\n",
        "/etc/tote/config.toml");
    const auto& layers = config.stores.at("a").layers;
    REQUIRE(layers.size() == 2);
    CHECK(layers[0].name == "zstd");
    CHECK(layers[0].options.at(0).name == "level");
    CHECK(layers[0].options.at(0).int_value == 3);
    CHECK(layers[1].name == "cache");
}

TEST_CASE("a read-only stack sends no write, and dropping a layered store drops the store below") {
    TempDir dir;
    tote::Host host(sealed());
    const std::string url = "json://" + (dir.path / "s").string();
    host.open("cxor::" + url, creating()).write("k", "v");
    tote::OpenOptions read_only;
    read_only.read_only = true;
    tote::Store ro = host.open("cxor::" + url, read_only);
    CHECK(ro.read("k") == "v");
    CHECK(ro.read_only());
    CHECK(has(error_of([&] { ro.write("k", "w"); }), "read-only"));
    host.drop("cxor::" + url);
    CHECK(!fs::exists(dir.path / "s"));
}
