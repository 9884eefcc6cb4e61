// SPDX-License-Identifier: Apache-2.0
// redis_server.hpp — what the Redis plugin's tests share: a private redis-server started with
// tests/servers/redis.sh in a temporary directory and stopped when the guard goes (also when a test fails, and
// after resuming it if a test had frozen it with SIGSTOP), a sealed tote::Host, and redis-cli for poking the server
// from the side.
#ifndef TOTE_TEST_REDIS_SERVER_HPP
#define TOTE_TEST_REDIS_SERVER_HPP

#include "process.hpp"

#include <tote/tote.hpp>

#include <catch2/catch.hpp>

#include <signal.h>
#include <sys/types.h>

#include <chrono>
#include <map>
#include <memory>
#include <stdexcept>
#include <string>
#include <thread>
#include <vector>

namespace tote::test {

inline std::string trimmed(std::string text) {
    while (!text.empty() && (text.back() == '\n' || text.back() == ' ')) text.pop_back();
    return text;
}

class RedisServer {
public:
    // tls: TLS only (redis.sh start-tls): url() is rediss://, and tls_options() name the CA that signed it.
    explicit RedisServer(bool tls = false) : dir_(temp_ / "redis"), tls_(tls) {
        RunResult started = run({TOTE_REDIS_SH, tls ? "start-tls" : "start", dir_});
        if (started.exit_code != 0) {
            run({TOTE_REDIS_SH, "stop", dir_});
            throw std::runtime_error("redis.sh start failed: " + started.err);
        }
        url_ = trimmed(started.out);
        port_ = std::stoi(trimmed(read_file(dir_ + "/port")));
    }
    ~RedisServer() {
        resume();
        run({TOTE_REDIS_SH, "stop", dir_});
    }
    RedisServer(const RedisServer&) = delete;
    RedisServer& operator=(const RedisServer&) = delete;

    const std::string& url() const { return url_; }  // redis://:tote-secret@127.0.0.1:PORT/0 (rediss:// with TLS)
    // The store options that make a rediss:// connection trust this server's certificate.
    std::map<std::string, std::string> tls_options() const { return {{"tls_ca_file", dir_ + "/ca.pem"}}; }
    int port() const { return port_; }
    std::string address() const { return "127.0.0.1:" + std::to_string(port_); }
    const std::string& dir() const { return dir_; }

    // The server's process id (redis.pid is rewritten by every start).
    pid_t pid() const { return static_cast<pid_t>(std::stol(trimmed(read_file(dir_ + "/redis.pid")))); }

    // Stops it (SIGTERM, waits for the exit) and starts it again on the same port; its data survives (AOF).
    void restart() {
        resume();
        RunResult r = run({TOTE_REDIS_SH, "restart", dir_});
        if (r.exit_code != 0) throw std::runtime_error("redis.sh restart failed: " + r.err);
    }
    void stop() {
        resume();
        run({TOTE_REDIS_SH, "stop", dir_});
    }
    // Freezes the server (SIGSTOP): it still accepts TCP connections (the kernel does) but answers nothing.
    void pause() {
        ::kill(pid(), SIGSTOP);
        paused_ = true;
    }
    void resume() {
        if (paused_) ::kill(pid(), SIGCONT);
        paused_ = false;
    }
    // Kills the server outright (SIGKILL, frozen or not), as a crash would; restart() brings it back.
    void kill() {
        const pid_t victim = pid();
        ::kill(victim, SIGKILL);
        paused_ = false;
        for (int i = 0; i < 200 && ::kill(victim, 0) == 0; ++i) std::this_thread::sleep_for(std::chrono::milliseconds(10));
    }

    // redis-cli against this server, authenticated; returns its output (replies one per line).
    std::string cli(const std::vector<std::string>& args) const {
        RunResult r = run(cli_argv(args));
        if (r.exit_code != 0) throw std::runtime_error("redis-cli failed: " + r.err);
        return trimmed(r.out);
    }
    // The argv of that redis-cli, for a Background process.
    std::vector<std::string> cli_argv(const std::vector<std::string>& args) const {
        std::vector<std::string> argv = {"/bin/sh", "-c", "exec redis-cli \"$@\"", "redis-cli",
                                         "-p", std::to_string(port_), "-a", "tote-secret", "--no-auth-warning"};
        if (tls_) argv.insert(argv.end(), {"--tls", "--cacert", dir_ + "/ca.pem"});
        argv.insert(argv.end(), args.begin(), args.end());
        return argv;
    }

private:
    TempDir temp_;  // first: removed only after the server has stopped
    std::string dir_;
    bool tls_ = false;
    std::string url_;
    int port_ = 0;
    bool paused_ = false;
};

// A Host that sees only the build tree's plugins: no environment, no config, no installed plugins.
inline const Host& sealed_host() {
    static const Host host = [] {
        HostOptions options;
        options.plugin_dirs = {TOTE_PLUGIN_BUILD_DIR};
        options.use_environment = false;
        options.builtin_plugins = false;
        return Host(options);
    }();
    return host;
}

// Opens (by default creating) the store with these options on the server at url.
inline Store open_redis(const std::string& url, std::map<std::string, std::string> options = {}, bool create = true,
                        bool read_only = false) {
    OpenOptions open;
    open.create = create;
    open.read_only = read_only;
    open.options = std::move(options);
    return sealed_host().open(url, open);
}

// The status of what fn throws (Status::ok if it does not throw), and the message.
template <class Fn> std::pair<Status, std::string> outcome(Fn&& fn) {
    try {
        fn();
        return {Status::ok, ""};
    } catch (const Error& e) {
        return {e.status(), e.what()};
    }
}

// How long fn takes, in seconds.
template <class Fn> double seconds(Fn&& fn) {
    const auto start = std::chrono::steady_clock::now();
    fn();
    return std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
}

// The message with every copy of the URL taken out: what is left is what the plugin said (the host itself
// repeats the URL, password included, in its messages).
inline std::string without(std::string message, const std::string& url) {
    for (size_t at = message.find(url); at != std::string::npos; at = message.find(url)) message.erase(at, url.size());
    return message;
}

}  // namespace tote::test

#endif  // TOTE_TEST_REDIS_SERVER_HPP
