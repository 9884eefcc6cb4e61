// SPDX-License-Identifier: Apache-2.0
// bench_servers.hpp — private PostgreSQL and Redis servers for the workloads that need one (servers, query): started
// on loopback with tests/servers/*.sh, stopped when the Server goes, and kept off the benchmark's CPUs.
#ifndef TOTE_BENCH_SERVERS_HPP
#define TOTE_BENCH_SERVERS_HPP

#include <sched.h>
#include <unistd.h>

#include <cstdio>
#include <cstdlib>
#include <fstream>
#include <string>

namespace tote::bench {

// A server of kind name ("postgres", "redis"); up is false if it could not be started.
struct Server {
    std::string script, dir, url;
    int port = 0;
    bool up = false;

    Server(std::string name, const std::string& work_dir)
        : script(std::string(TOTE_SERVER_SCRIPTS) + "/" + name + ".sh"), dir(work_dir + "/server-" + name) {
        // With two or more CPUs, the server runs on the last one and the benchmark on the others (see
        // ClientCpus): client and server then never fight over a core, which otherwise makes the figures swing
        // by tens of percent from run to run on a small machine.
        const long cpus = ::sysconf(_SC_NPROCESSORS_ONLN);
        const std::string pin = cpus >= 2 ? "taskset -c " + std::to_string(cpus - 1) + " " : "";
        up = std::system((pin + script + " start " + dir + " >/dev/null 2>&1").c_str()) == 0;
        if (!up) return;
        std::ifstream(dir + "/url") >> url;
        std::ifstream(dir + "/port") >> port;
    }
    ~Server() {
        // A server that would not stop is left running: say so rather than leak it silently.
        if (up && std::system((script + " stop " + dir + " >/dev/null 2>&1").c_str()) != 0)
            std::fprintf(stderr, "tote-bench: could not stop the test server in %s\n", dir.c_str());
    }
};

// Keeps this process (and the trials it forks) off the server's CPU while it lives; restores the old mask after.
struct ClientCpus {
    cpu_set_t old{};
    bool pinned = false;
    ClientCpus() {
        const long cpus = ::sysconf(_SC_NPROCESSORS_ONLN);
        if (cpus < 2 || ::sched_getaffinity(0, sizeof old, &old) != 0) return;
        cpu_set_t mine;
        CPU_ZERO(&mine);
        for (long c = 0; c < cpus - 1; ++c) CPU_SET(static_cast<int>(c), &mine);
        pinned = ::sched_setaffinity(0, sizeof mine, &mine) == 0;
    }
    ~ClientCpus() {
        if (pinned) ::sched_setaffinity(0, sizeof old, &old);
    }
};

}  // namespace tote::bench

#endif  // TOTE_BENCH_SERVERS_HPP
