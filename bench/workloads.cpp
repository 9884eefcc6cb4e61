// SPDX-License-Identifier: Apache-2.0
// workloads.cpp — each workload's tote variant and raw reference, run as alternating trials (bench.cpp).
//
// Stores a workload reads (random-get, list, copy) are built once, untimed, before its trials: the tote variant
// reads a store tote wrote, the raw variant a copy of it (two SQLite libraries must not hold one file at once:
// POSIX locks are per process). Trials that create many files use a fresh directory each; all of it is deleted
// at the end of the workload, and the next file-heavy workload waits a little (file creation right after mass
// deletion is slow on ext4 for a while).
#include "workloads.hpp"

#include "raw_files.hpp"
#include "raw_sqlite.hpp"

#include <dlfcn.h>
#include <fcntl.h>
#include <sys/wait.h>
#include <unistd.h>

#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <filesystem>
#include <optional>
#include <random>
#include <stdexcept>
#include <thread>

namespace tote::bench {

namespace {

namespace fs = std::filesystem;

Store open(const Env& env, const std::string& url, std::map<std::string, std::string> options = {}) {
    OpenOptions o;
    o.create = true;
    o.options = std::move(options);
    return env.host->open(url, o);
}

// The batch-put keys and values, made before the clock starts.
struct Data {
    std::vector<std::string> keys, values;
};

Data make_data(long count, long value_size) {
    Data d;
    d.keys.reserve(static_cast<size_t>(count));
    d.values.reserve(static_cast<size_t>(count));
    for (long i = 0; i < count; ++i) {
        d.keys.push_back(batch_key(i));
        d.values.push_back(random_value(static_cast<size_t>(value_size), static_cast<uint64_t>(i)));
    }
    return d;
}

// The same data as batches ready to hand to Store::write_batch, as an application holding its data would have.
std::vector<std::vector<BatchWrite>> make_batches(long count, long value_size, long batch_size) {
    std::vector<std::vector<BatchWrite>> batches;
    for (long i = 0; i < count; ++i) {
        if (i % batch_size == 0) batches.emplace_back().reserve(static_cast<size_t>(batch_size));
        batches.back().push_back({batch_key(i), random_value(static_cast<size_t>(value_size), static_cast<uint64_t>(i)), {}});
    }
    return batches;
}

int open_dir(const std::string& dir) {
    fs::create_directories(dir);
    int fd = ::open(dir.c_str(), O_RDONLY | O_DIRECTORY | O_CLOEXEC);
    if (fd < 0) throw std::runtime_error("cannot open " + dir);
    return fd;
}

// The store of batch_keys keys that random-get, list (json) and copy read, built through tote once — in a child
// process, like every trial, so that this process stays small and a trial's peak memory is its own.
std::string built_json_store(const Env& env) {
    const std::string dir = env.work_dir + "/read-json";
    if (!fs::exists(dir + "/k"))
        run_trial([] {},
                  [&] {
                      Data data = make_data(env.sizes.batch_keys, env.sizes.value_size);
                      Store s = open(env, "json://" + dir, {{"fsync", "false"}});
                      for (size_t i = 0; i < data.keys.size(); ++i) s.write(data.keys[i], data.values[i]);
                      return 0.0;
                  });
    return dir;
}

std::string built_sqlite_store(const Env& env, const std::string& name, long keys, long value_size) {
    const std::string path = env.work_dir + "/" + name + ".db";
    if (!fs::exists(path))
        run_trial([] {},
                  [&] {
                      Store s = open(env, "sqlite://" + path, {{"synchronous", "off"}});
                      std::vector<BatchWrite> batch;
                      for (long i = 0; i < keys; ++i) {
                          batch.push_back(
                              {batch_key(i), random_value(static_cast<size_t>(value_size), static_cast<uint64_t>(i)), {}});
                          if (batch.size() == 10000 || i + 1 == keys) {
                              s.write_batch(batch);
                              batch.clear();
                          }
                      }
                      return 0.0;
                  });
    return path;
}

// A copy of a database file for the raw reader (it must not share the file with the plugin's SQLite).
std::string raw_copy(const std::string& path) {
    const std::string copy = path + ".raw";
    if (!fs::exists(copy)) fs::copy_file(path, copy);
    return copy;
}

void pause_for_the_filesystem(const Env& env) {
    if (env.sizes.reps > 1) std::this_thread::sleep_for(std::chrono::seconds(20));
}

std::vector<long> random_indexes(long count, long range) {
    std::mt19937_64 rng(42);
    std::vector<long> out(static_cast<size_t>(count));
    for (long& i : out) i = static_cast<long>(rng() % static_cast<uint64_t>(range));
    return out;
}

// Runs argv and waits; throws unless it exits 0.
void run_command(const std::vector<std::string>& args) {
    std::vector<std::string> copy = args;
    std::vector<char*> argv;
    for (auto& a : copy) argv.push_back(a.data());
    argv.push_back(nullptr);
    pid_t pid = ::fork();
    if (pid == 0) {
        int null = ::open("/dev/null", O_WRONLY);
        ::dup2(null, 1);
        ::dup2(null, 2);
        ::execv(argv[0], argv.data());
        ::_exit(127);
    }
    int status = 0;
    ::waitpid(pid, &status, 0);
    if (!WIFEXITED(status) || WEXITSTATUS(status) != 0) throw std::runtime_error("command failed: " + args[0] + " " + args[1]);
}

}  // namespace

std::vector<Result> batch_put(const Env& env) {
    const Sizes& z = env.sizes;
    std::vector<Result> out;
    int trial = 0;
    // sqlite: one transaction per batch (tote: an atomic batch, tote.batch/1).
    {
        Data data;
        std::vector<std::vector<BatchWrite>> batches;
        Store store = Store(nullptr);
        out.push_back(compare(
            "batch-put", "sqlite", z.reps,
            [&] {
                const std::string path = env.work_dir + "/batch-" + std::to_string(++trial) + ".db";
                return run_trial(
                    [&] {
                        batches = make_batches(z.batch_keys, z.value_size, z.batch_size);
                        store = open(env, "sqlite://" + path);
                    },
                    [&] {
                        for (const auto& batch : batches) store.write_batch(batch);
                        return static_cast<double>(z.batch_keys);
                    });
            },
            [&] {
                const std::string path = env.work_dir + "/batch-raw-" + std::to_string(++trial) + ".db";
                std::unique_ptr<RawSqlite> db;
                return run_trial(
                    [&] {
                        data = make_data(z.batch_keys, z.value_size);
                        db = std::make_unique<RawSqlite>(path, "full");
                    },
                    [&] {
                        for (size_t i = 0; i < data.keys.size(); i += static_cast<size_t>(z.batch_size)) {
                            db->begin();
                            for (size_t j = i; j < std::min(data.keys.size(), i + static_cast<size_t>(z.batch_size)); ++j)
                                db->put(data.keys[j], data.values[j]);
                            db->commit();
                        }
                        return static_cast<double>(data.keys.size());
                    });
            }));
    }
    // json: plain writes, fsync off (tote: one write at a time; the json plugin has no atomic batch).
    {
        Data data;
        std::vector<std::vector<BatchWrite>> batches;
        Store store = Store(nullptr);
        out.push_back(compare(
            "batch-put", "json", z.reps,
            [&] {
                const std::string dir = fresh_dir(env.work_dir, "batch-json-" + std::to_string(++trial));
                return run_trial(
                    [&] {
                        batches = make_batches(z.batch_keys, z.value_size, z.batch_size);
                        store = open(env, "json://" + dir, {{"fsync", "false"}});
                    },
                    [&] {
                        for (const auto& batch : batches) store.write_batch(batch);
                        return static_cast<double>(z.batch_keys);
                    });
            },
            [&] {
                const std::string dir = fresh_dir(env.work_dir, "batch-json-raw-" + std::to_string(++trial));
                int dir_fd = -1;
                return run_trial(
                    [&] {
                        data = make_data(z.batch_keys, z.value_size);
                        dir_fd = open_dir(dir + "/k");
                    },
                    [&] {
                        for (size_t i = 0; i < data.keys.size(); ++i)
                            raw_files::put(dir_fd, data.keys[i].substr(2), data.values[i], false);
                        return static_cast<double>(data.keys.size());
                    });
            }));
        for (int t = 0; t <= trial; ++t) {
            remove_tree(env.work_dir + "/batch-json-" + std::to_string(t));
            remove_tree(env.work_dir + "/batch-json-raw-" + std::to_string(t));
        }
        pause_for_the_filesystem(env);
    }
    return out;
}

std::vector<Result> durable_put(const Env& env) {
    const Sizes& z = env.sizes;
    std::vector<Result> out;
    const std::string value = random_value(static_cast<size_t>(z.durable_value), 7);
    int trial = 0;
    Store store = Store(nullptr);
    out.push_back(compare(
        "durable-put", "sqlite", z.reps,
        [&] {
            const std::string path = env.work_dir + "/durable-" + std::to_string(++trial) + ".db";
            return run_trial([&] { store = open(env, "sqlite://" + path, {{"synchronous", "full"}}); },
                             [&] {
                                 for (long i = 0; i < z.durable_puts; ++i) store.write(batch_key(i), value);
                                 return static_cast<double>(z.durable_puts);
                             });
        },
        [&] {
            const std::string path = env.work_dir + "/durable-raw-" + std::to_string(++trial) + ".db";
            std::unique_ptr<RawSqlite> db;
            return run_trial([&] { db = std::make_unique<RawSqlite>(path, "full"); },
                             [&] {
                                 for (long i = 0; i < z.durable_puts; ++i) db->put(batch_key(i), value);
                                 return static_cast<double>(z.durable_puts);
                             });
        }));
    out.push_back(compare(
        "durable-put", "json", z.reps,
        [&] {
            const std::string dir = fresh_dir(env.work_dir, "durable-json-" + std::to_string(++trial));
            return run_trial([&] { store = open(env, "json://" + dir, {{"fsync", "true"}}); },
                             [&] {
                                 for (long i = 0; i < z.durable_puts; ++i) store.write(batch_key(i), value);
                                 return static_cast<double>(z.durable_puts);
                             });
        },
        [&] {
            const std::string dir = fresh_dir(env.work_dir, "durable-json-raw-" + std::to_string(++trial));
            int dir_fd = -1;
            return run_trial([&] { dir_fd = open_dir(dir + "/k"); },
                             [&] {
                                 for (long i = 0; i < z.durable_puts; ++i)
                                     raw_files::put(dir_fd, batch_key(i).substr(2), value, true);
                                 return static_cast<double>(z.durable_puts);
                             });
        }));
    return out;
}

std::vector<Result> random_get(const Env& env) {
    const Sizes& z = env.sizes;
    std::vector<Result> out;
    const std::vector<long> picks = random_indexes(z.gets, z.batch_keys);
    {
        const std::string path = built_sqlite_store(env, "read", z.batch_keys, z.value_size);
        const std::string raw_path = raw_copy(path);
        Store store = Store(nullptr);
        std::unique_ptr<RawSqlite> db;
        out.push_back(compare(
            "random-get", "sqlite", z.reps,
            [&] {
                return run_trial([&] { store = open(env, "sqlite://" + path); },
                                 [&] {
                                     size_t bytes = 0;
                                     for (long i : picks) bytes += store.read(batch_key(i)).size();
                                     return bytes == 0 ? 0.0 : static_cast<double>(picks.size());
                                 });
            },
            [&] {
                return run_trial([&] { db = std::make_unique<RawSqlite>(raw_path, "full"); },
                                 [&] {
                                     std::string value;
                                     size_t bytes = 0;
                                     for (long i : picks) {
                                         db->get(batch_key(i), value);
                                         bytes += value.size();
                                     }
                                     return bytes == 0 ? 0.0 : static_cast<double>(picks.size());
                                 });
            }));
    }
    {
        const std::string dir = built_json_store(env);
        Store store = Store(nullptr);
        int dir_fd = -1;
        out.push_back(compare(
            "random-get", "json", z.reps,
            [&] {
                return run_trial([&] { store = open(env, "json://" + dir); },
                                 [&] {
                                     size_t bytes = 0;
                                     for (long i : picks) bytes += store.read(batch_key(i)).size();
                                     return bytes == 0 ? 0.0 : static_cast<double>(picks.size());
                                 });
            },
            [&] {
                return run_trial([&] { dir_fd = open_dir(dir); },
                                 [&] {
                                     std::string value;
                                     size_t bytes = 0;
                                     for (long i : picks) {
                                         raw_files::get(dir_fd, batch_key(i), value);  // by its path from the root
                                         bytes += value.size();
                                     }
                                     return bytes == 0 ? 0.0 : static_cast<double>(picks.size());
                                 });
            }));
    }
    return out;
}

std::vector<Result> list(const Env& env) {
    const Sizes& z = env.sizes;
    std::vector<Result> out;
    {
        const std::string path = built_sqlite_store(env, "list", z.list_keys_sqlite, 16);
        const std::string raw_path = raw_copy(path);
        Store store = Store(nullptr);
        std::unique_ptr<RawSqlite> db;
        Result r = compare(
            "list", "sqlite", z.reps,
            [&] {
                return run_trial([&] { store = open(env, "sqlite://" + path); },
                                 [&] {
                                     long n = 0;
                                     store.list("", ListOptions{true, ""}, [&n](const Entry&) { return ++n > 0; });
                                     if (n != z.list_keys_sqlite) throw std::runtime_error("tote listed the wrong number of keys");
                                     return static_cast<double>(n);
                                 });
            },
            [&] {
                return run_trial([&] { db = std::make_unique<RawSqlite>(raw_path, "full"); },
                                 [&] { return static_cast<double>(db->count_keys("")); });
            });
        out.push_back(r);
    }
    {
        const std::string dir = built_json_store(env);  // list_keys_json keys: the batch-put store
        Store store = Store(nullptr);
        out.push_back(compare(
            "list", "json", z.reps,
            [&] {
                return run_trial([&] { store = open(env, "json://" + dir); },
                                 [&] {
                                     long n = 0;
                                     store.list("", ListOptions{true, ""}, [&n](const Entry&) { return ++n > 0; });
                                     return static_cast<double>(n);
                                 });
            },
            [&] { return run_trial([] {}, [&] { return static_cast<double>(raw_files::count_sorted(dir + "/k")); }); }));
    }
    return out;
}

std::vector<Result> copy(const Env& env) {
    const Sizes& z = env.sizes;
    const std::string source = built_json_store(env);
    int trial = 0;
    return {compare(
        "copy", "json->sqlite", z.reps,
        [&] {
            const std::string target = env.work_dir + "/copy-" + std::to_string(++trial) + ".db";
            return run_trial([] {},
                             [&] {
                                 run_command({env.tote_cli, "--plugin-dir", env.plugin_dir, "cp", "json://" + source,
                                              "sqlite://" + target});
                                 return static_cast<double>(z.batch_keys);
                             });
        },
        [&] {
            const std::string target = env.work_dir + "/copy-raw-" + std::to_string(++trial) + ".db";
            std::unique_ptr<RawSqlite> db;
            int dir_fd = -1;
            return run_trial(
                [&] {
                    db = std::make_unique<RawSqlite>(target, "full");
                    dir_fd = open_dir(source + "/k");
                },
                [&] {
                    // Read then insert, as tote cp does: list the keys in order, read each file, insert in batches.
                    std::vector<std::string> names;
                    for (const auto& e : fs::directory_iterator(source + "/k")) names.push_back(e.path().filename().string());
                    std::sort(names.begin(), names.end());
                    std::string value;
                    for (size_t i = 0; i < names.size(); i += static_cast<size_t>(z.batch_size)) {
                        db->begin();
                        for (size_t j = i; j < std::min(names.size(), i + static_cast<size_t>(z.batch_size)); ++j) {
                            raw_files::get(dir_fd, names[j], value);
                            db->put("k/" + names[j], value);
                        }
                        db->commit();
                    }
                    return static_cast<double>(names.size());
                });
        })};
}

std::vector<Result> call_overhead(const Env& env) {
    const Sizes& z = env.sizes;
    Store store = Store(nullptr);
    const tote_plugin* plugin = nullptr;
    tote_store* handle = nullptr;
    Result r = compare(
        "call-overhead", "null", z.reps,
        [&] {
            return run_trial([&] { store = open(env, "null://bench"); },
                             [&] {
                                 long found = 0;
                                 for (long i = 0; i < z.calls; ++i) found += store.stat("runs/gsm8k/result.json").has_value();
                                 return static_cast<double>(found);
                             });
        },
        [&] {
            return run_trial(
                [&] {
                    void* lib = ::dlopen(env.null_plugin.c_str(), RTLD_NOW | RTLD_LOCAL);
                    auto entry = reinterpret_cast<tote_plugin_entry_fn>(::dlsym(lib, TOTE_PLUGIN_ENTRY_NAME));
                    plugin = entry(TOTE_ABI_VERSION);
                    tote_open_params params{};
                    params.struct_size = sizeof params;
                    params.url = "null://bench";
                    params.location = "bench";
                    plugin->open(&params, nullptr, &handle);
                },
                [&] {
                    const char key[] = "runs/gsm8k/result.json";
                    long found = 0;
                    for (long i = 0; i < z.calls; ++i) {
                        tote_stat st{};
                        st.struct_size = sizeof st;
                        found += plugin->stat(handle, nullptr, key, sizeof key - 1, &st) == TOTE_OK;
                    }
                    return static_cast<double>(found);
                });
        });
    char note[96];
    std::snprintf(note, sizeof note, "%.1f ns per call through tote, %.1f ns bare", 1e9 / r.tote_ops_s, 1e9 / r.raw_ops_s);
    r.note = note;
    return {r};
}

// Sets an environment variable for the commands this process starts, and restores it when it goes.
class ScopedEnv {
public:
    ScopedEnv(const char* name, const std::string& value) : name_(name) {
        if (const char* old = std::getenv(name)) old_ = old;
        ::setenv(name, value.c_str(), 1);
    }
    ~ScopedEnv() {
        if (old_) ::setenv(name_, old_->c_str(), 1);
        else ::unsetenv(name_);
    }
    ScopedEnv(const ScopedEnv&) = delete;
    ScopedEnv& operator=(const ScopedEnv&) = delete;

private:
    const char* name_;
    std::optional<std::string> old_;
};

// Three measurements of plugin discovery, with plugin_files distinct plugins (copies of the null plugin, each
// serving its own scheme) in one directory:
//   cold   `tote plugins` with no registry cache (every file probed in the helper process), against a process
//          that dlopens the same files and calls each entry point;
//   warm   the same with the registry cache in place (nothing probed, nothing loaded);
//   get    `tote get` of a json key with those plugins installed, against `tote get` with only the first-party
//          plugins — the price a user pays for having many plugins (issue target: at most 1.2x, ratio >= 0.83).
// Each trial runs the command `per_trial` times; the registry cache lives in a private XDG_CACHE_HOME.
std::vector<Result> discovery(const Env& env) {
    const Sizes& z = env.sizes;
    const std::string dir = fresh_dir(env.work_dir, "plugins");
    fs::permissions(dir, fs::perms::owner_all | fs::perms::group_read | fs::perms::group_exec | fs::perms::others_read |
                             fs::perms::others_exec);
    std::vector<std::string> files;
    for (long i = 0; i < z.plugin_files; ++i) {
        char name[32];
        std::snprintf(name, sizeof name, "/null-%03ld.so", i);
        fs::copy_file(env.null_plugin, dir + name);
        files.push_back(dir + name);
    }
    const std::string cache_home = fresh_dir(env.work_dir, "cache");
    const std::string registry = cache_home + "/tote/registry.json";
    ScopedEnv cache_env("XDG_CACHE_HOME", cache_home);
    const std::string store = "json://" + fresh_dir(env.work_dir, "get-store");
    run_command({env.tote_cli, "put", store, "runs/result.json", "/dev/null"});
    constexpr int per_trial = 5;
    const std::string label = std::to_string(z.plugin_files) + " files";

    auto dlopen_all = [&] {
        return run_trial([] {},
                         [&] {
                             for (int n = 0; n < per_trial; ++n) {
                                 // A process that loads the same files and calls each entry point, and nothing else.
                                 pid_t pid = ::fork();
                                 if (pid == 0) {
                                     for (const std::string& f : files) {
                                         void* lib = ::dlopen(f.c_str(), RTLD_NOW | RTLD_LOCAL);
                                         if (!lib) ::_exit(1);
                                         auto entry = reinterpret_cast<tote_plugin_entry_fn>(::dlsym(lib, TOTE_PLUGIN_ENTRY_NAME));
                                         if (!entry || !entry(TOTE_ABI_VERSION)) ::_exit(1);
                                     }
                                     ::_exit(0);
                                 }
                                 int status = 0;
                                 ::waitpid(pid, &status, 0);
                             }
                             return static_cast<double>(per_trial);
                         });
    };
    auto tote_plugins = [&](bool cold) {
        return run_trial([] {},
                         [&] {
                             for (int n = 0; n < per_trial; ++n) {
                                 if (cold) ::unlink(registry.c_str());
                                 run_command({env.tote_cli, "--plugin-dir", dir, "plugins"});
                             }
                             return static_cast<double>(per_trial);
                         });
    };
    std::vector<Result> out;
    Result cold = compare("discovery", label + ", cold", z.reps, [&] { return tote_plugins(true); }, dlopen_all);
    char note[128];
    std::snprintf(note, sizeof note, "tote plugins, no cache: %.1f ms; dlopen alone: %.1f ms", 1e3 / cold.tote_ops_s,
                  1e3 / cold.raw_ops_s);
    cold.note = note;
    out.push_back(cold);

    run_command({env.tote_cli, "--plugin-dir", dir, "plugins"});  // fills the cache
    Result warm = compare("discovery", label + ", warm", z.reps, [&] { return tote_plugins(false); }, dlopen_all);
    std::snprintf(note, sizeof note, "tote plugins, cached: %.1f ms; dlopen alone: %.1f ms", 1e3 / warm.tote_ops_s,
                  1e3 / warm.raw_ops_s);
    warm.note = note;
    out.push_back(warm);

    auto get = [&](bool many) {
        return run_trial([] {},
                         [&] {
                             for (int n = 0; n < per_trial; ++n) {
                                 if (many) run_command({env.tote_cli, "--plugin-dir", dir, "get", store, "runs/result.json"});
                                 else run_command({env.tote_cli, "get", store, "runs/result.json"});
                             }
                             return static_cast<double>(per_trial);
                         });
    };
    Result with_many = compare("discovery", "tote get, " + label + " vs none, warm", z.reps, [&] { return get(true); },
                               [&] { return get(false); });
    std::snprintf(note, sizeof note, "tote get: %.1f ms with %ld plugins, %.1f ms without (%.2fx)",
                  1e3 / with_many.tote_ops_s, z.plugin_files, 1e3 / with_many.raw_ops_s,
                  with_many.raw_ops_s / with_many.tote_ops_s);
    with_many.note = note;
    out.push_back(with_many);
    remove_tree(dir);
    remove_tree(cache_home);
    return out;
}

}  // namespace tote::bench
