// SPDX-License-Identifier: Apache-2.0
// process.hpp — runs a program as a child process for tests: feeds stdin, captures stdout and stderr (of any
// size, without deadlock), and can impose a file-size limit (a simulated full disk) or drop root privileges.
// process.cpp implements it with POSIX calls, process_windows.cpp with CreateProcessW (where the POSIX-only
// options are refused: tests that need them are tagged [posix]).
#ifndef TOTE_TEST_PROCESS_HPP
#define TOTE_TEST_PROCESS_HPP

#include <csignal>
#include <cstdint>
#include <map>
#include <optional>
#include <string>
#include <vector>

#ifdef _WIN32
#ifndef SIGKILL
#define SIGKILL 9  // POSIX's number, so that tests name it on Windows too (Background::kill: TerminateProcess)
#endif
#endif

namespace tote::test {

struct RunOptions {
    std::string stdin_data;
    std::map<std::string, std::string> env;  // the child's whole environment (PATH is added if absent)
    std::string cwd;                         // "" keeps the current directory
    std::optional<long long> file_size_limit;  // RLIMIT_FSIZE in bytes; SIGXFSZ is ignored so writes fail with EFBIG
    bool unprivileged = false;                 // if running as root, run the child as nobody (uid/gid 65534)
    bool stderr_is_terminal = false;           // the child's stderr is a pseudo-terminal (captured as err)
    // If set, the child runs in a new mount namespace with a tmpfs of private_tmpfs_size ("1m") mounted here; if
    // that is not allowed it exits with 126 and "cannot mount: <why>" on stderr.
    std::string private_tmpfs;
    std::string private_tmpfs_size = "1m";
};

struct RunResult {
    int exit_code = -1;  // -1 if killed by a signal
    int signal = 0;
    std::string out, err;
};

RunResult run(const std::vector<std::string>& argv, const RunOptions& options = {});

// A child process running in the background, its stdout captured through a pipe (its stderr is ours). For tests
// that kill processes mid-work or run several at once.
class Background {
public:
    explicit Background(const std::vector<std::string>& argv);
    ~Background();  // kills (SIGKILL) and reaps the child if it is still running
    Background(const Background&) = delete;
    Background& operator=(const Background&) = delete;

    // Reads what the child wrote to stdout within timeout_ms (0: only what is there now); appends to output().
    void drain(int timeout_ms = 0);
    void kill(int signal);
    // Waits for the child, drains stdout to the end; the exit code, or -signal if a signal ended it.
    int wait();
    const std::string& output() const { return output_; }

private:
#ifdef _WIN32
    intptr_t process_ = 0;  // the process's HANDLE
    intptr_t pipe_ = 0;     // the read end of its stdout pipe, a HANDLE
    bool killed_ = false;   // by kill(SIGKILL): wait() returns -SIGKILL, as on POSIX
#else
    int pid_ = -1;
    int fd_ = -1;
#endif
    int status_ = 0;
    bool reaped_ = false;
    std::string output_;
};

// A fresh directory under $TMPDIR (mode 0755, so an unprivileged child can enter it), removed when destroyed.
class TempDir {
public:
    TempDir();
    ~TempDir();
    TempDir(const TempDir&) = delete;
    TempDir& operator=(const TempDir&) = delete;
    const std::string& path() const { return path_; }
    std::string operator/(const std::string& name) const { return path_ + "/" + name; }

private:
    std::string path_;
};

std::string read_file(const std::string& path);
void write_file(const std::string& path, const std::string& data);
// Every file and directory under dir, relative, sorted (hidden ones included).
std::vector<std::string> tree(const std::string& dir);

}  // namespace tote::test

#endif  // TOTE_TEST_PROCESS_HPP
