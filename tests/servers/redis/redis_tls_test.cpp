// SPDX-License-Identifier: Apache-2.0
// redis_tls_test.cpp — rediss://: the Redis plugin over TLS against a private TLS-only server (redis.sh start-tls,
// with its own CA): data goes through, the certificate is verified (chain and name), client certificates work,
// and every way of getting TLS wrong is refused by name. The conformance suite also runs over TLS
// (conformance.rediss, ../CMakeLists.txt).
#include "redis_server.hpp"

using tote::test::open_redis;
using tote::test::outcome;
using tote::test::RedisServer;

namespace {

bool has(const std::string& text, const std::string& part) { return text.find(part) != std::string::npos; }

std::string with_host(const std::string& url, const std::string& host) {
    std::string out = url;
    out.replace(out.find("127.0.0.1"), 9, host);
    return out;
}

std::string big_value() {
    std::string value(10u << 20, '\0');
    for (size_t i = 0; i < value.size(); ++i) value[i] = static_cast<char>((i * 131 + i / 4096) & 0xFF);
    return value;
}

}  // namespace

TEST_CASE("rediss:// carries every operation over TLS, large values and a restart included") {
    RedisServer server(true);
    REQUIRE(server.url().rfind("rediss://", 0) == 0);
    tote::Store store = open_redis(server.url(), server.tls_options());
    store.write("a/one", std::string("bin\0ary", 7));
    CHECK(store.read("a/one") == std::string("bin\0ary", 7));
    store.append("log", "1\n");
    store.append("log", "2\n");
    CHECK(store.read("log") == "1\n2\n");
    const std::string big = big_value();  // many TLS records each way
    store.write("big", big);
    CHECK(store.read("big") == big);
    std::vector<std::string> keys;
    for (const tote::Entry& e : store.list("", tote::ListOptions{true, ""})) keys.push_back(e.key);
    CHECK(keys == std::vector<std::string>{"a/one", "big", "log"});
    CHECK(server.cli({"GET", "tote:v:log"}) == "1\n2");  // the same store as a TLS redis-cli sees it

    // The pool's connections die with the server; new ones make a new handshake.
    server.restart();
    CHECK(store.read("log") == "1\n2\n");
    store.write("after", "restart");
    CHECK(store.read("after") == "restart");
}

TEST_CASE("rediss:// verifies the server's certificate: its chain and the host it names") {
    RedisServer server(true);
    // Signed by a CA that is not trusted (the system's CAs do not know the test CA either).
    auto untrusted = outcome([&] { open_redis(server.url(), {{"tls_ca_file", server.dir() + "/other-ca.pem"}}); });
    CHECK(untrusted.first == tote::Status::permission_denied);
    INFO(untrusted.second);
    CHECK(has(untrusted.second, "certificate"));
    CHECK(has(untrusted.second, server.address()));
    CHECK(!has(untrusted.second, "tote-secret"));
    CHECK(outcome([&] { open_redis(server.url()); }).first == tote::Status::permission_denied);

    // Trusted, but for 127.0.0.1 and localhost only: the same server reached as 127.0.0.2 is refused.
    auto wrong_name = outcome([&] { open_redis(with_host(server.url(), "127.0.0.2"), server.tls_options()); });
    INFO(wrong_name.second);
    CHECK(wrong_name.first == tote::Status::permission_denied);
    CHECK(has(wrong_name.second, "mismatch"));

    // The DNS name in the certificate works as well as its IP address.
    tote::Store by_name = open_redis(with_host(server.url(), "localhost"), server.tls_options());
    by_name.write("k", "v");
    CHECK(by_name.read("k") == "v");
}

TEST_CASE("a client certificate is presented when given") {
    RedisServer server(true);
    auto options = server.tls_options();
    options["tls_cert_file"] = server.dir() + "/client.pem";
    options["tls_key_file"] = server.dir() + "/client.key";
    tote::Store store = open_redis(server.url(), options);
    store.write("k", "v");
    CHECK(store.read("k") == "v");

    // A key that does not belong to the certificate, and a key without a certificate, are refused at open.
    options["tls_key_file"] = server.dir() + "/server.key";
    auto mismatched = outcome([&] { open_redis(server.url(), options); });
    CHECK(mismatched.first == tote::Status::invalid_argument);
    CHECK(has(mismatched.second, "tls_key_file"));
    auto key_only = outcome([&] {
        open_redis(server.url(), {{"tls_ca_file", server.dir() + "/ca.pem"}, {"tls_key_file", server.dir() + "/client.key"}});
    });
    CHECK(key_only.first == tote::Status::invalid_argument);
    CHECK(has(key_only.second, "tls_cert_file"));
}

TEST_CASE("TLS mistakes are refused by name: missing files, TLS options without TLS, the wrong kind of port") {
    RedisServer tls_server(true);
    auto missing = outcome([&] { open_redis(tls_server.url(), {{"tls_ca_file", "/nonexistent/ca.pem"}}); });
    CHECK(missing.first == tote::Status::invalid_argument);
    CHECK(has(missing.second, "tls_ca_file"));
    CHECK(has(missing.second, "/nonexistent/ca.pem"));
    auto not_a_cert = outcome([&] { open_redis(tls_server.url(), {{"tls_ca_file", tls_server.dir() + "/port"}}); });
    CHECK(not_a_cert.first == tote::Status::invalid_argument);

    // TLS options on a redis:// URL would not encrypt anything: refused, not ignored.
    RedisServer plain_server;
    auto not_tls = outcome([&] { open_redis(plain_server.url(), tls_server.tls_options()); });
    CHECK(not_tls.first == tote::Status::invalid_argument);
    CHECK(has(not_tls.second, "rediss://"));

    // TLS to a plain port: a plain Redis waits for the end of a "command" that never comes, so the handshake
    // times out (connect_timeout_ms), and the message says what is likely wrong.
    std::string tls_to_plain = plain_server.url();
    tls_to_plain.replace(0, 5, "rediss");
    auto options = tls_server.tls_options();
    options["connect_timeout_ms"] = "500";
    auto first = outcome([&] { open_redis(tls_to_plain, options); });
    INFO(first.second);
    CHECK(first.first == tote::Status::timeout);
    CHECK(has(first.second, "TLS port"));
    // Plain to a TLS port: the server drops the connection.
    std::string plain_to_tls = tls_server.url();
    plain_to_tls.replace(0, 6, "redis");
    CHECK(outcome([&] { open_redis(plain_to_tls); }).first == tote::Status::unavailable);
}
