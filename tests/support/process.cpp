// SPDX-License-Identifier: Apache-2.0
// process.cpp — fork/exec with pipes and poll, for tests that run the tote CLI and other children.
#include "process.hpp"

#include <fcntl.h>
#include <grp.h>
#include <poll.h>
#include <signal.h>
#include <sched.h>
#include <sys/mount.h>
#include <sys/resource.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <cstdlib>
#include <cstring>
#include <filesystem>
#include <fstream>
#include <sstream>
#include <stdexcept>

namespace tote::test {

namespace {

[[noreturn]] void child_fail(const char* what) {
    dprintf(2, "test child: %s: %s\n", what, std::strerror(errno));
    _exit(127);
}

}  // namespace

RunResult run(const std::vector<std::string>& argv, const RunOptions& options) {
    int in[2], out[2], err[2];
    if (::pipe2(in, O_CLOEXEC) != 0 || ::pipe2(out, O_CLOEXEC) != 0 || ::pipe2(err, O_CLOEXEC) != 0)
        throw std::runtime_error("pipe failed");
    std::string tty;  // with stderr_is_terminal: the pty's slave side, opened by the child as its stderr
    if (options.stderr_is_terminal) {
        int master = ::posix_openpt(O_RDWR | O_NOCTTY | O_CLOEXEC);
        if (master < 0 || ::grantpt(master) != 0 || ::unlockpt(master) != 0) throw std::runtime_error("no pty");
        tty = ::ptsname(master);
        ::close(err[0]);
        ::close(err[1]);
        err[0] = master;
        err[1] = -1;
    }

    std::vector<std::string> env_strings;
    for (const auto& [k, v] : options.env) env_strings.push_back(k + "=" + v);
    if (!options.env.count("PATH")) env_strings.push_back("PATH=/usr/local/bin:/usr/bin:/bin");
    std::vector<char*> envp, args;
    for (auto& s : env_strings) envp.push_back(s.data());
    envp.push_back(nullptr);
    std::vector<std::string> argv_copy = argv;
    for (auto& s : argv_copy) args.push_back(s.data());
    args.push_back(nullptr);

    pid_t pid = ::fork();
    if (pid < 0) throw std::runtime_error("fork failed");
    if (pid == 0) {
        ::dup2(in[0], 0);
        ::dup2(out[1], 1);
        if (!tty.empty()) {
            int slave = ::open(tty.c_str(), O_RDWR | O_NOCTTY);
            if (slave < 0) child_fail("open pty");
            ::dup2(slave, 2);
        } else {
            ::dup2(err[1], 2);
        }
        if (!options.private_tmpfs.empty()) {
            const std::string size = "size=" + options.private_tmpfs_size;
            if (::unshare(CLONE_NEWNS) != 0 || ::mount("none", "/", nullptr, MS_REC | MS_PRIVATE, nullptr) != 0 ||
                ::mount("tmpfs", options.private_tmpfs.c_str(), "tmpfs", 0, size.c_str()) != 0) {
                dprintf(2, "cannot mount: %s\n", std::strerror(errno));
                _exit(126);
            }
        }
        if (!options.cwd.empty() && ::chdir(options.cwd.c_str()) != 0) child_fail("chdir");
        ::signal(SIGPIPE, SIG_DFL);
        if (options.file_size_limit) {
            ::signal(SIGXFSZ, SIG_IGN);
            struct rlimit limit;
            limit.rlim_cur = limit.rlim_max = static_cast<rlim_t>(*options.file_size_limit);
            if (::setrlimit(RLIMIT_FSIZE, &limit) != 0) child_fail("setrlimit");
        }
        if (options.unprivileged && ::geteuid() == 0) {
            if (::setgroups(0, nullptr) != 0 || ::setgid(65534) != 0 || ::setuid(65534) != 0) child_fail("drop privileges");
        }
        ::execve(args[0], args.data(), envp.data());
        child_fail("execve");
    }
    ::close(in[0]);
    ::close(out[1]);
    if (err[1] >= 0) ::close(err[1]);

    RunResult result;
    size_t written = 0;
    if (options.stdin_data.empty()) {
        ::close(in[1]);
        in[1] = -1;
    }
    int open_outputs = 2;
    char buffer[65536];
    while (open_outputs > 0 || in[1] >= 0) {
        struct pollfd fds[3];
        int n = 0;
        int out_at = -1, err_at = -1, in_at = -1;
        if (out[0] >= 0) fds[out_at = n++] = {out[0], POLLIN, 0};
        if (err[0] >= 0) fds[err_at = n++] = {err[0], POLLIN, 0};
        if (in[1] >= 0) fds[in_at = n++] = {in[1], POLLOUT, 0};
        if (::poll(fds, static_cast<nfds_t>(n), -1) < 0) {
            if (errno == EINTR) continue;
            throw std::runtime_error("poll failed");
        }
        auto drain = [&](int at, int& fd, std::string& into) {
            if (at < 0 || !(fds[at].revents & (POLLIN | POLLHUP | POLLERR))) return;
            ssize_t got = ::read(fd, buffer, sizeof buffer);
            if (got > 0) {
                into.append(buffer, static_cast<size_t>(got));
            } else if (got == 0 || errno != EINTR) {
                ::close(fd);
                fd = -1;
                --open_outputs;
            }
        };
        drain(out_at, out[0], result.out);
        drain(err_at, err[0], result.err);
        if (in_at >= 0 && (fds[in_at].revents & (POLLOUT | POLLERR | POLLHUP))) {
            ssize_t put = ::write(in[1], options.stdin_data.data() + written,
                                  std::min<size_t>(65536, options.stdin_data.size() - written));
            if (put > 0) written += static_cast<size_t>(put);
            if (put < 0 || written == options.stdin_data.size()) {
                ::close(in[1]);
                in[1] = -1;
            }
        }
    }
    int status = 0;
    while (::waitpid(pid, &status, 0) < 0 && errno == EINTR) {
    }
    if (WIFEXITED(status)) result.exit_code = WEXITSTATUS(status);
    if (WIFSIGNALED(status)) result.signal = WTERMSIG(status);
    return result;
}

Background::Background(const std::vector<std::string>& argv) {
    int out[2];
    if (::pipe2(out, O_CLOEXEC) != 0) throw std::runtime_error("pipe failed");
    std::vector<std::string> copy = argv;
    std::vector<char*> args;
    for (auto& s : copy) args.push_back(s.data());
    args.push_back(nullptr);
    pid_ = ::fork();
    if (pid_ < 0) throw std::runtime_error("fork failed");
    if (pid_ == 0) {
        ::dup2(out[1], 1);
        ::execv(args[0], args.data());
        child_fail("execv");
    }
    ::close(out[1]);
    fd_ = out[0];
}

Background::~Background() {
    if (!reaped_) {
        kill(SIGKILL);
        wait();
    }
    if (fd_ >= 0) ::close(fd_);
}

void Background::drain(int timeout_ms) {
    char buffer[65536];
    for (int wait_ms = timeout_ms; fd_ >= 0;) {
        struct pollfd p = {fd_, POLLIN, 0};
        int ready = ::poll(&p, 1, wait_ms);
        if (ready < 0 && errno == EINTR) continue;
        if (ready <= 0) return;
        ssize_t n = ::read(fd_, buffer, sizeof buffer);
        if (n > 0) {
            output_.append(buffer, static_cast<size_t>(n));
            wait_ms = 0;  // take what else is there, without waiting again
        } else if (n == 0 || errno != EINTR) {
            ::close(fd_);
            fd_ = -1;
        }
    }
}

void Background::kill(int signal) {
    if (!reaped_) ::kill(pid_, signal);
}

int Background::wait() {
    while (fd_ >= 0) drain(-1);
    if (!reaped_) {
        while (::waitpid(pid_, &status_, 0) < 0 && errno == EINTR) {
        }
        reaped_ = true;
    }
    return WIFSIGNALED(status_) ? -WTERMSIG(status_) : WEXITSTATUS(status_);
}

}  // namespace tote::test
