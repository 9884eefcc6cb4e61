// SPDX-License-Identifier: Apache-2.0
// tls_test.cpp — TLS for the postgres plugin: libpq's own URL parameters (sslmode, sslrootcert, ...) reach libpq
// untouched, the plugin's connections are then encrypted, and a certificate that is not trusted or names another
// host is refused as permission denied, at once (retrying cannot help), with libpq's reason.
#include "pg_server.hpp"

#include <catch2/catch.hpp>

using tote::Status;
using tote::test::error_of;
using tote::test::open_pg;
using tote::test::PgServer;
using tote::test::Session;

namespace {

bool contains(const std::string& text, const std::string& part) { return text.find(part) != std::string::npos; }

std::string with_host(std::string url, const std::string& host) {
    url.replace(url.find("127.0.0.1"), 9, host);
    return url;
}

}  // namespace

TEST_CASE("sslmode=verify-full with the server's CA: the store works, and its connections are encrypted") {
    PgServer server(true);
    const std::string url = server.url() + "?sslmode=verify-full&sslrootcert=" + server.files() + "/ca.pem";
    tote::Store store = open_pg(url, {{"table", "secure"}});
    const std::string value("tls\0bytes", 9);
    store.write("k", value);
    CHECK(store.read("k") == value);
    // The plugin's pooled connection is still open: the server says whether it uses TLS.
    Session admin(server);
    CHECK(admin.exec("SELECT count(*) FROM pg_stat_ssl s JOIN pg_stat_activity a USING (pid) "
                     "WHERE a.usename = 'tote' AND s.ssl") != "0");
    CHECK(admin.exec("SELECT count(*) FROM pg_stat_ssl s JOIN pg_stat_activity a USING (pid) "
                     "WHERE a.usename = 'tote' AND NOT s.ssl") == "0");
    // The DNS name in the certificate verifies as well as its IP address.
    tote::Store by_name = open_pg(with_host(url, "localhost"), {{"table", "secure"}}, false);
    CHECK(by_name.read("k") == value);
}

TEST_CASE("an untrusted certificate or one for another host is permission denied, without retries") {
    PgServer server(true);
    const std::string base = server.url() + "?sslmode=verify-full&sslrootcert=" + server.files();
    const auto untrusted = error_of([&] { open_pg(base + "/other-ca.pem", {{"retries", "10"}}); });
    INFO(untrusted.what());
    CHECK(untrusted.status() == Status::permission_denied);
    CHECK(contains(untrusted.what(), "certificate verify failed"));
    CHECK(!contains(untrusted.what(), "attempts"));  // refused at once, not after 10 retries
    CHECK(!contains(untrusted.what(), "tote-secret"));

    const auto wrong_host = error_of([&] { open_pg(with_host(base + "/ca.pem", "127.0.0.2"), {}); });
    INFO(wrong_host.what());
    CHECK(wrong_host.status() == Status::permission_denied);
    CHECK(contains(wrong_host.what(), "does not match host name"));

    const auto no_file = error_of([&] { open_pg(base + "/missing.pem", {}); });
    INFO(no_file.what());
    CHECK(no_file.status() == Status::invalid_argument);
    CHECK(contains(no_file.what(), "missing.pem"));
}

TEST_CASE("sslmode=require against a server without TLS fails; sslmode=disable against one with TLS works") {
    PgServer plain;
    const auto refused = error_of([&] { open_pg(plain.url() + "?sslmode=require", {{"retries", "0"}}); });
    INFO(refused.what());
    CHECK(refused.status() == Status::unavailable);
    CHECK(contains(refused.what(), "SSL"));

    PgServer tls(true);
    tote::Store store = open_pg(tls.url() + "?sslmode=disable", {});
    store.write("k", "v");
    Session admin(tls);
    CHECK(admin.exec("SELECT count(*) FROM pg_stat_ssl s JOIN pg_stat_activity a USING (pid) "
                     "WHERE a.usename = 'tote' AND s.ssl") == "0");
}
