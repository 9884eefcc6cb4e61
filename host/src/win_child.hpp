// SPDX-License-Identifier: Apache-2.0
// win_child.hpp — (Windows only) a child process that reports to its parent on a pipe: CreateProcessW with the
// write end of an anonymous pipe inherited and its HANDLE value on the command line (after "--report-fd"), the
// read end read line by line against a deadline, TerminateProcess for a child that overstays. Used by the plugin
// probe (host/src/probe.cpp) and by `tote plugin check`'s workers (host/cli/child_process_windows.cpp, which
// compiles this file into the CLI too: it is internal to libtote).
#ifndef TOTE_HOST_WIN_CHILD_HPP
#define TOTE_HOST_WIN_CHILD_HPP
#ifdef _WIN32

#include <chrono>
#include <optional>
#include <string>
#include <vector>

namespace tote::detail {

class WinChild {
public:
    enum class Output { to_stderr, discarded };  // where the child's stdout and stderr go
    // Runs program with the arguments before, then "--report-fd" and the pipe's handle value, then after (UTF-8).
    // Only the pipe's write end and our stderr are inherited. Throws std::runtime_error if it cannot start.
    WinChild(const std::wstring& program, const std::vector<std::string>& before, const std::vector<std::string>& after,
             Output output);
    ~WinChild();  // terminates and closes the child if it still runs
    WinChild(const WinChild&) = delete;
    WinChild& operator=(const WinChild&) = delete;

    enum class Read { line, end, timeout };
    // The next report line (without '\n') by deadline; end once the child closed the pipe (exited or crashed).
    Read read_line(std::string& line, std::chrono::steady_clock::time_point deadline);
    // Terminates the child if it still runs and says how it ended: "" (exit status 0), "exited with status 7",
    // "crashed (exception 0xC0000005: access violation)", or "was killed" (by this call).
    std::string finish();

    // In the child: prepares it (a crash ends it at once, with no dialog or debugger of Windows' error reporting)
    // and returns a writable C runtime descriptor for the handle value given after --report-fd, or -1.
    static int adopt_report(long long value);

private:
    void* process_ = nullptr;  // HANDLE
    void* pipe_ = nullptr;     // HANDLE: the report pipe's read end
    std::string buffer_;
    std::optional<std::string> ending_;
};

}  // namespace tote::detail

#endif  // _WIN32
#endif  // TOTE_HOST_WIN_CHILD_HPP
