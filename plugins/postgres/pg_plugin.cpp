// SPDX-License-Identifier: Apache-2.0
// pg_plugin.cpp — the plugin's self-description (name, URL schemes, capabilities, options) and the exported entry
// point; tote/plugin.hpp generates the C function table from PgStore.
#include "pg_store.hpp"

#include <first_party.hpp>

#include <tote/plugin.hpp>

#ifndef TOTE_VERSION
#error "TOTE_VERSION must be defined by the build (the project version)"
#endif

namespace {

using namespace tote::postgres_plugin;

// Both spellings libpq accepts. The host hands the whole URL to open() untouched (TOTE_LOCATION_URL), and libpq
// reads it, query parameters (sslmode, sslrootcert, ...) included.
constexpr const char* kSchemes[] = {"postgres", "postgresql", nullptr};

// The option table shows defaults as text; these keep the text equal to the numbers open() actually uses.
constexpr const char* kDefaultPoolSizeText = "4";
constexpr const char* kDefaultConnectTimeoutText = "5000";
constexpr const char* kDefaultTimeoutText = "30000";
constexpr const char* kDefaultRetriesText = "3";
static_assert(tote::first_party::text_equals(kDefaultPoolSizeText, kDefaultPoolSize), "keep the two defaults in step");
static_assert(tote::first_party::text_equals(kDefaultConnectTimeoutText, kDefaultConnectTimeoutMs), "keep the two defaults in step");
static_assert(tote::first_party::text_equals(kDefaultTimeoutText, kDefaultTimeoutMs), "keep the two defaults in step");
static_assert(tote::first_party::text_equals(kDefaultRetriesText, kDefaultRetries), "keep the two defaults in step");

const tote_option_spec kOptions[] = {
    {kOptionTable, TOTE_TYPE_STRING, 0, kDefaultTable,
     "the table holding the store ([a-z_][a-z0-9_]*, at most 63 bytes): one table, one store"},
    {kOptionSchema, TOTE_TYPE_STRING, 0, kDefaultSchema, "the schema of the table (same rule as table)"},
    {kOptionPoolSize, TOTE_TYPE_INT, 0, kDefaultPoolSizeText,
     "connections to the server, shared by the threads using the store (1 to 64)"},
    {kOptionConnectTimeout, TOTE_TYPE_INT, 0, kDefaultConnectTimeoutText,
     "milliseconds to wait for a connection to be established"},
    {kOptionTimeout, TOTE_TYPE_INT, 0, kDefaultTimeoutText,
     "milliseconds a statement may take (statement_timeout) or wait for a pooled connection, then timeout"},
    {kOptionRetries, TOTE_TYPE_INT, 0, kDefaultRetriesText,
     "reconnect attempts (100 ms backoff, doubling) when the server cannot be reached or a connection is lost "
     "(0 to 10); only operations safe to repeat are repeated"},
    {nullptr, 0, 0, nullptr, nullptr},
};

// THREAD_SAFE: a store is a pool of connections guarded by a mutex; concurrent calls each take a connection.
constexpr uint64_t kCapabilities = TOTE_CAP_WRITE | TOTE_CAP_APPEND | TOTE_CAP_LIST | TOTE_CAP_RENAME |
                                   TOTE_CAP_CREATE_ONLY | TOTE_CAP_COMPARE_VERSION | TOTE_CAP_ATOMIC_BATCH |
                                   TOTE_CAP_THREAD_SAFE | TOTE_CAP_KEY_AND_PREFIX | TOTE_CAP_PERSISTENT |
                                   TOTE_CAP_EXPIRY;

}  // namespace

TOTE_PLUGIN_ENTRY(tote::postgres_plugin::PgStore,
                  (tote::plugin::Descriptor{"postgres", TOTE_VERSION, "Keys and values in a PostgreSQL table",
                                            kSchemes, kCapabilities, TOTE_LOCATION_URL, kOptions}))
