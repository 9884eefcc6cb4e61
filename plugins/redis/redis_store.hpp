// SPDX-License-Identifier: Apache-2.0
// redis_store.hpp — RedisStore, one open tote store on a Redis server: the class that TOTE_PLUGIN_ENTRY turns into
// the C function table (see tote/plugin.hpp for the method contracts).
//
// open() (redis_open.cpp) parses the URL and options, connects, and checks or creates the store's marker; the
// operations are in redis_store.cpp, the Lua scripts they run (and the data model) in redis_scripts.cpp, the
// connections and the retry policy in redis_pool.hpp.
#ifndef TOTE_REDIS_STORE_HPP
#define TOTE_REDIS_STORE_HPP

#include "redis_pool.hpp"
#include "redis_scripts.hpp"

#include <tote/plugin.hpp>

#include <cstdint>
#include <memory>
#include <string>
#include <string_view>
#include <vector>

namespace tote::redis_plugin {

// Option names and defaults, shared by the option table in redis_plugin.cpp and the parsing in open(). Each
// default is kept both as a number and as the text the option table shows; redis_plugin.cpp checks they agree.
inline constexpr const char* kOptionPrefix = "prefix";
inline constexpr const char* kDefaultPrefix = "tote";
inline constexpr const char* kOptionPoolSize = "pool_size";
inline constexpr int64_t kDefaultPoolSize = 4;
inline constexpr const char* kDefaultPoolSizeText = "4";
inline constexpr int64_t kMaxPoolSize = 64;
inline constexpr const char* kOptionConnectTimeout = "connect_timeout_ms";
inline constexpr int64_t kDefaultConnectTimeoutMs = 5000;
inline constexpr const char* kDefaultConnectTimeoutText = "5000";
inline constexpr const char* kOptionTimeout = "timeout_ms";
inline constexpr int64_t kDefaultTimeoutMs = 10000;
inline constexpr const char* kDefaultTimeoutText = "10000";
inline constexpr const char* kOptionRetries = "retries";
inline constexpr int64_t kDefaultRetries = 3;
inline constexpr const char* kDefaultRetriesText = "3";
inline constexpr int64_t kMaxRetries = 20;
inline constexpr int64_t kMaxTimeoutMs = 3600 * 1000;  // an hour: anything longer is a typo, not a deadline
inline constexpr size_t kMaxPrefixLength = 200;
// rediss:// only (redis_tls.hpp); empty by default.
inline constexpr const char* kOptionTlsCaFile = "tls_ca_file";
inline constexpr const char* kOptionTlsCertFile = "tls_cert_file";
inline constexpr const char* kOptionTlsKeyFile = "tls_key_file";

class RedisStore {
public:
    static constexpr bool batch_removes = true;  // write_batch() takes remove ops (ABI 1.1)
    static std::unique_ptr<RedisStore> open(const plugin::OpenParams& params);

    void read(std::string_view key, plugin::ValueSink& sink, plugin::Stat* stat);
    void read_range(std::string_view key, uint64_t offset, uint64_t length, plugin::ValueSink& sink,
                    plugin::Stat* stat);
    plugin::Stat stat(std::string_view key);
    uint64_t write(const plugin::WriteOp& op);
    void remove(std::string_view key, bool recursive);
    plugin::AppendResult append(const plugin::AppendOp& op);
    void list(const plugin::ListParams& params, plugin::EntrySink& out);
    void rename(std::string_view from, std::string_view to, bool replace);
    void write_batch(const std::vector<plugin::WriteOp>& ops, size_t& failed_index);

    // tote.admin/1 (redis_admin.cpp): drop deletes every key of the store (its marker first, so that writers stop),
    // in chunks; info describes the server and the store.
    static void drop(const plugin::OpenParams& params);
    std::string info();

    // Public only for std::make_unique; open() is the way in. first is the connection open() checked the store
    // with; it becomes the pool's first.
    RedisStore(ConnectSettings settings, size_t pool_size, int retries, Scripts scripts, std::string prefix,
               bool read_only, std::unique_ptr<Connection> first);

private:
    std::string value_key(std::string_view key) const;  // P:v:<key>
    std::string meta_key(std::string_view key) const;   // P:m:<key>
    std::string refused(const char* op) const;          // context for error replies: "the server at H:P refused ..."
    void check_writable() const;
    [[noreturn]] void store_gone() const;
    // Removes every key of the index in [min, max], a chunk per script; returns how many still existed.
    int64_t remove_range(const std::string& min, const std::string& max);
    bool any_expiring();  // P:expiry is not empty

    Pool pool_;
    const Scripts scripts_;
    const std::string prefix_;  // the option's value, for messages
    const std::string base_;    // prefix_ + ':', the start of every Redis key of this store
    const std::string index_;   // P:index
    const std::string seq_;     // P:seq
    const std::string marker_;  // P:store
    const std::string expiry_;  // P:expiry
    const bool read_only_;
};

}  // namespace tote::redis_plugin

#endif  // TOTE_REDIS_STORE_HPP
