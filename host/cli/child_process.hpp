// SPDX-License-Identifier: Apache-2.0
// child_process.hpp — the CLI's one seam for running a child process (POSIX): start this same program with some
// arguments and a pipe on which it reports, read that pipe line by line with a deadline, and reap the child.
// Used by `tote plugin check` to run untrusted plugin code where a crash, a hang or an exit() cannot take the CLI
// down.
#ifndef TOTE_CLI_CHILD_PROCESS_HPP
#define TOTE_CLI_CHILD_PROCESS_HPP

#include <chrono>
#include <optional>
#include <string>
#include <vector>

namespace tote::cli {

class ChildProcess {
public:
    // Runs this program (the running tote binary) with args; the child finds its report pipe's descriptor in
    // the argument that follows "--report-fd" (appended here). The child's stdout and stderr go to our stderr.
    explicit ChildProcess(const std::vector<std::string>& args);
    ~ChildProcess();  // kills and reaps the child if still running
    ChildProcess(const ChildProcess&) = delete;
    ChildProcess& operator=(const ChildProcess&) = delete;

    enum class Read { line, end, timeout };
    // The next report line (without '\n') by deadline; end once the child closed the pipe (exited or crashed).
    Read read_line(std::string& line, std::chrono::steady_clock::time_point deadline);

    // Kills the child (SIGKILL) if it is still running, reaps it, and describes how it ended: "exited with
    // status 3", "was killed by signal 11 (Segmentation fault)". Empty for a clean exit with status 0.
    std::string finish();

    // True if the system supports this (POSIX).
    static bool supported();

private:
    int pid_ = -1;
    int fd_ = -1;
    std::string buffer_;
    std::optional<std::string> ending_;
};

}  // namespace tote::cli

#endif  // TOTE_CLI_CHILD_PROCESS_HPP
