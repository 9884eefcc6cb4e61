// SPDX-License-Identifier: Apache-2.0
// child_process.hpp — the CLI's one seam for running a child process: start this same program with some arguments
// and a pipe on which it reports, read that pipe line by line with a deadline, and reap the child. POSIX in
// child_process.cpp (fork, exec, poll), Windows in child_process_windows.cpp (over host/src/win_child.hpp).
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
    // Runs this program (the running tote binary) with args; the child finds its report pipe in the argument that
    // follows "--report-fd" (appended here): a file descriptor on POSIX, an inherited HANDLE's value on Windows
    // (in_child() makes either a descriptor). The child's stdout and stderr go to our stderr.
    explicit ChildProcess(const std::vector<std::string>& args);
    ~ChildProcess();  // kills and reaps the child if still running
    ChildProcess(const ChildProcess&) = delete;
    ChildProcess& operator=(const ChildProcess&) = delete;

    enum class Read { line, end, timeout };
    // The next report line (without '\n') by deadline; end once the child closed the pipe (exited or crashed).
    Read read_line(std::string& line, std::chrono::steady_clock::time_point deadline);

    // Kills the child (SIGKILL; TerminateProcess) if it is still running, reaps it, and describes how it ended:
    // "exited with status 3", "was killed by signal 11 (Segmentation fault)", "crashed (exception 0xC0000005:
    // access violation)". Empty for a clean exit with status 0.
    std::string finish();

    // True if the system supports this.
    static bool supported();

    // Called first thing in the child: prepares it (Windows: a crash ends it at once, with no dialog and no
    // debugger) and returns a writable file descriptor for the value given after --report-fd.
    static int in_child(long long value);

private:
#ifdef _WIN32
    void* process_ = nullptr;  // the tote::detail::WinChild doing the work (host/src/win_child.hpp)
#else
    int pid_ = -1;
    int fd_ = -1;
#endif
    std::string buffer_;
    std::optional<std::string> ending_;
};

}  // namespace tote::cli

#endif  // TOTE_CLI_CHILD_PROCESS_HPP
