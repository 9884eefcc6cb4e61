// SPDX-License-Identifier: Apache-2.0
// child_process.cpp — fork/exec of the running tote binary with a report pipe (POSIX; Windows: child_process_windows.cpp).
#include "child_process.hpp"

#include "cli_context.hpp"

#include <boost/dll/runtime_symbol_info.hpp>

#include <fcntl.h>
#include <poll.h>
#include <signal.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>

namespace tote::cli {

bool ChildProcess::supported() { return true; }

int ChildProcess::in_child(long long value) { return static_cast<int>(value); }

ChildProcess::ChildProcess(const std::vector<std::string>& args) {
    std::error_code ec;
    const std::string self = boost::dll::program_location(ec).string();
    if (ec) throw CliError{exit_failure, "cannot find the running tote binary: " + ec.message()};
    int pipe_fds[2];
    if (::pipe(pipe_fds) != 0) throw CliError{exit_failure, std::string("pipe: ") + std::strerror(errno)};
    // The write end becomes descriptor 3 in the child: the one descriptor it inherits besides 0, 1 and 2.
    std::vector<std::string> argv_strings = {self};
    argv_strings.insert(argv_strings.end(), args.begin(), args.end());
    argv_strings.push_back("--report-fd");
    argv_strings.push_back("3");
    std::vector<char*> argv;
    for (auto& s : argv_strings) argv.push_back(s.data());
    argv.push_back(nullptr);

    pid_ = ::fork();
    if (pid_ < 0) throw CliError{exit_failure, std::string("fork: ") + std::strerror(errno)};
    if (pid_ == 0) {
        ::dup2(pipe_fds[1], 3);
        ::dup2(2, 1);  // the plugin's chatter goes to stderr; stdout stays ours for results
        for (int fd = 4; fd < 1024; ++fd) ::close(fd);
        if (pipe_fds[0] != 3) ::close(pipe_fds[0]);
        ::execv(self.c_str(), argv.data());
        ::_exit(127);
    }
    ::close(pipe_fds[1]);
    fd_ = pipe_fds[0];
    ::fcntl(fd_, F_SETFD, FD_CLOEXEC);
}

ChildProcess::~ChildProcess() {
    finish();
    if (fd_ >= 0) ::close(fd_);
}

ChildProcess::Read ChildProcess::read_line(std::string& line, std::chrono::steady_clock::time_point deadline) {
    for (;;) {
        size_t newline = buffer_.find('\n');
        if (newline != std::string::npos) {
            line = buffer_.substr(0, newline);
            buffer_.erase(0, newline + 1);
            return Read::line;
        }
        if (fd_ < 0) return Read::end;
        // Rounded up: poll() must not wake before the deadline, so that a timeout means the deadline has passed
        // (the caller tells the check's deadline from a case's timeout by comparing with the clock).
        const auto now = std::chrono::steady_clock::now();
        if (now >= deadline) return Read::timeout;
        const auto left = std::chrono::ceil<std::chrono::milliseconds>(deadline - now);
        struct pollfd p = {fd_, POLLIN, 0};
        int ready = ::poll(&p, 1, static_cast<int>(std::min<long long>(left.count(), 1000 * 60 * 60)));
        if (ready < 0 && errno == EINTR) continue;
        if (ready == 0) continue;  // re-check the deadline
        char chunk[4096];
        ssize_t n = ::read(fd_, chunk, sizeof chunk);
        if (n > 0) {
            buffer_.append(chunk, static_cast<size_t>(n));
        } else if (n == 0 || errno != EINTR) {
            ::close(fd_);
            fd_ = -1;
        }
    }
}

std::string ChildProcess::finish() {
    if (ending_) return *ending_;
    if (pid_ <= 0) return "";
    int status = 0;
    pid_t done = ::waitpid(pid_, &status, WNOHANG);
    if (done == 0) {
        ::kill(pid_, SIGKILL);
        while (::waitpid(pid_, &status, 0) < 0 && errno == EINTR) {
        }
    }
    if (WIFSIGNALED(status))
        ending_ = "was killed by signal " + std::to_string(WTERMSIG(status)) + " (" + strsignal(WTERMSIG(status)) + ")";
    else if (WIFEXITED(status) && WEXITSTATUS(status) != 0)
        ending_ = "exited with status " + std::to_string(WEXITSTATUS(status));
    else
        ending_ = "";
    pid_ = -1;
    return *ending_;
}


}  // namespace tote::cli
