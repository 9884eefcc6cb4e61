// SPDX-License-Identifier: Apache-2.0
// redis_plugin.cpp — the plugin's self-description (name, URL schemes, capabilities, options, the durability it
// offers) and the exported entry point; tote/plugin.hpp generates the C function table from RedisStore.
#include "redis_store.hpp"

#include <first_party.hpp>

#include <tote/plugin.hpp>

#ifndef TOTE_VERSION
#error "TOTE_VERSION must be defined by the build (the project version)"
#endif

namespace {

using namespace tote::redis_plugin;

// rediss: the same over TLS (redis_tls.hpp).
constexpr const char* kSchemes[] = {"redis", "rediss", nullptr};

// The option table shows defaults as text; these keep the text equal to the numbers open() uses.
static_assert(tote::first_party::text_equals(kDefaultPoolSizeText, kDefaultPoolSize), "keep the two defaults in step");
static_assert(tote::first_party::text_equals(kDefaultConnectTimeoutText, kDefaultConnectTimeoutMs), "keep the two defaults in step");
static_assert(tote::first_party::text_equals(kDefaultTimeoutText, kDefaultTimeoutMs), "keep the two defaults in step");
static_assert(tote::first_party::text_equals(kDefaultRetriesText, kDefaultRetries), "keep the two defaults in step");

const tote_option_spec kOptions[] = {
    {kOptionPrefix, TOTE_TYPE_STRING, 0, kDefaultPrefix,
     "the store: all its Redis keys are named <prefix>:...; 1-200 characters from A-Z a-z 0-9 _ . -"},
    {kOptionPoolSize, TOTE_TYPE_INT, 0, kDefaultPoolSizeText,
     "connections to the server, shared by the threads using the store (1-64)"},
    {kOptionConnectTimeout, TOTE_TYPE_INT, 0, kDefaultConnectTimeoutText,
     "milliseconds to wait for a connection to the server to be made"},
    {kOptionTimeout, TOTE_TYPE_INT, 0, kDefaultTimeoutText,
     "milliseconds to wait for any reply (or for a free connection) before failing with timeout"},
    {kOptionRetries, TOTE_TYPE_INT, 0, kDefaultRetriesText,
     "reconnect attempts (100 ms, then doubling) for operations safe to repeat after a lost connection (0-20)"},
    {kOptionTlsCaFile, TOTE_TYPE_STRING, 0, "",
     "rediss:// only: PEM file of the CA certificates that may sign the server's certificate (default: the "
     "system's); the certificate must also name the URL's host"},
    {kOptionTlsCertFile, TOTE_TYPE_STRING, 0, "",
     "rediss:// only: PEM client certificate, for servers that require one (tls-auth-clients)"},
    {kOptionTlsKeyFile, TOTE_TYPE_STRING, 0, "",
     "rediss:// only: PEM private key of tls_cert_file (default: read from tls_cert_file)"},
    {nullptr, 0, 0, nullptr, nullptr},
};

// Thread-safe: a store's connections are a pool guarded by a mutex, each used by one thread at a time.
constexpr uint64_t kCapabilities = TOTE_CAP_WRITE | TOTE_CAP_APPEND | TOTE_CAP_LIST | TOTE_CAP_RENAME |
                                   TOTE_CAP_CREATE_ONLY | TOTE_CAP_COMPARE_VERSION | TOTE_CAP_ATOMIC_BATCH |
                                   TOTE_CAP_THREAD_SAFE | TOTE_CAP_KEY_AND_PREFIX | TOTE_CAP_PERSISTENT |
                                   TOTE_CAP_EXPIRY;

// The durability statement, in one line (README.md says more).
constexpr const char* kDescription =
    "Keys and values on a Redis server; a write returns once the server has applied it in memory, and whether it "
    "survives a server crash depends on the server's persistence (AOF, RDB snapshots, replication): tote adds no "
    "fsync of its own";

}  // namespace

TOTE_PLUGIN_ENTRY(tote::redis_plugin::RedisStore,
                  (tote::plugin::Descriptor{"redis", TOTE_VERSION, kDescription, kSchemes, kCapabilities,
                                            TOTE_LOCATION_URL, kOptions}))
