// SPDX-License-Identifier: Apache-2.0
// probe.cpp — runs tote-plugin-probe (host/probe/main.cpp) and reads what it reports, with a deadline per file.
// POSIX: posix_spawn, a pipe on descriptor 3, poll. Windows: CreateProcessW through WinChild, the pipe's handle
// given as "--report-fd N". The helper's stdout and stderr (what a plugin prints while loaded) are discarded.
#include "probe.hpp"

#include "plugin_json.hpp"
#include "win_child.hpp"

#include <tote/error.hpp>

#ifndef _WIN32
#include <fcntl.h>
#include <poll.h>
#include <signal.h>
#include <spawn.h>
#include <sys/wait.h>
#include <unistd.h>
#endif

#include <cerrno>
#include <cstring>
#include <memory>
#include <stdexcept>

#ifndef _WIN32
extern char** environ;
#endif

namespace tote::detail {

bool probing_supported() { return true; }

namespace {

using Clock = std::chrono::steady_clock;

#ifdef _WIN32

// One running helper (Windows): a WinChild whose output goes to NUL, told its report pipe by "--report-fd N"
// before the usual arguments.
class Helper {
public:
    Helper(const std::filesystem::path& program, const std::vector<std::filesystem::path>& files, size_t from,
           uint32_t host_abi) {
        std::vector<std::string> args = {std::to_string(host_abi)};
        for (size_t i = from; i < files.size(); ++i) args.push_back(files[i].u8string());
        try {
            child_ = std::make_unique<WinChild>(program.wstring(), std::vector<std::string>{}, args,
                                                WinChild::Output::discarded);
        } catch (const std::runtime_error& e) {
            throw Error(Status::internal, "cannot run the plugin probe helper " + program.string() + ": " + e.what());
        }
    }
    enum class Read { line, end, timeout };
    Read read_line(std::string& line, Clock::time_point deadline) {
        switch (child_->read_line(line, deadline)) {
        case WinChild::Read::line: return Read::line;
        case WinChild::Read::timeout: return Read::timeout;
        case WinChild::Read::end: break;
        }
        return Read::end;
    }
    // As the POSIX helper says it: "exited with status 7", "killed", or for a crash the exception alone
    // ("exception 0xC0000005: access violation"), which the caller puts after "crashed when loaded: ".
    std::string finish() {
        const std::string ending = child_->finish();
        if (ending == "was killed") return "killed";
        if (ending.rfind("crashed (", 0) == 0 && ending.back() == ')') return ending.substr(9, ending.size() - 10);
        return ending;
    }

private:
    std::unique_ptr<WinChild> child_;
};

#else

// One running helper: its pid and the read end of its report pipe.
class Helper {
public:
    Helper(const std::filesystem::path& program, const std::vector<std::filesystem::path>& files, size_t from,
           uint32_t host_abi) {
        int fds[2];
        if (::pipe2(fds, O_CLOEXEC) != 0) throw Error(Status::internal, std::string("pipe: ") + std::strerror(errno));
        // The write end must not already be descriptor 3 (dup2 onto itself would leave it close-on-exec).
        const int write_end = ::fcntl(fds[1], F_DUPFD_CLOEXEC, 10);
        ::close(fds[1]);
        fd_ = fds[0];
        std::vector<std::string> args = {program.string(), std::to_string(host_abi)};
        for (size_t i = from; i < files.size(); ++i) args.push_back(files[i].string());
        std::vector<char*> argv;
        for (std::string& a : args) argv.push_back(a.data());
        argv.push_back(nullptr);
        posix_spawn_file_actions_t actions;
        posix_spawn_file_actions_init(&actions);
        posix_spawn_file_actions_adddup2(&actions, write_end, 3);
        posix_spawn_file_actions_addopen(&actions, 1, "/dev/null", O_WRONLY, 0);
        posix_spawn_file_actions_addopen(&actions, 2, "/dev/null", O_WRONLY, 0);
        const int rc = ::posix_spawn(&pid_, program.c_str(), &actions, nullptr, argv.data(), environ);
        posix_spawn_file_actions_destroy(&actions);
        ::close(write_end);
        if (rc != 0) {
            ::close(fd_);
            fd_ = -1;
            pid_ = -1;
            throw Error(Status::internal, "cannot run the plugin probe helper " + program.string() + ": " +
                                              std::strerror(rc));
        }
    }
    ~Helper() {
        finish();
        if (fd_ >= 0) ::close(fd_);
    }
    Helper(const Helper&) = delete;
    Helper& operator=(const Helper&) = delete;

    enum class Read { line, end, timeout };
    Read read_line(std::string& line, Clock::time_point deadline) {
        for (;;) {
            const size_t newline = buffer_.find('\n');
            if (newline != std::string::npos) {
                line = buffer_.substr(0, newline);
                buffer_.erase(0, newline + 1);
                return Read::line;
            }
            if (fd_ < 0) return Read::end;
            const auto left = std::chrono::duration_cast<std::chrono::milliseconds>(deadline - Clock::now()).count();
            if (left <= 0) return Read::timeout;
            struct pollfd p = {fd_, POLLIN, 0};
            const int ready = ::poll(&p, 1, static_cast<int>(left));
            if (ready <= 0) continue;  // EINTR, or time to look at the deadline again
            char chunk[8192];
            const ssize_t n = ::read(fd_, chunk, sizeof chunk);
            if (n > 0) {
                buffer_.append(chunk, static_cast<size_t>(n));
            } else if (n == 0 || errno != EINTR) {
                ::close(fd_);
                fd_ = -1;
            }
        }
    }

    // Kills the helper if it still runs, reaps it, and says how it ended ("" for a clean exit).
    std::string finish() {
        if (pid_ <= 0) return ending_;
        int status = 0;
        if (::waitpid(pid_, &status, WNOHANG) == 0) {
            ::kill(pid_, SIGKILL);
            while (::waitpid(pid_, &status, 0) < 0 && errno == EINTR) {
            }
        }
        pid_ = -1;
        if (WIFSIGNALED(status))
            ending_ = "killed by signal " + std::to_string(WTERMSIG(status)) + " (" + strsignal(WTERMSIG(status)) + ")";
        else if (WIFEXITED(status) && WEXITSTATUS(status) != 0)
            ending_ = "exited with status " + std::to_string(WEXITSTATUS(status));
        return ending_;
    }

private:
    pid_t pid_ = -1;
    int fd_ = -1;
    std::string buffer_;
    std::string ending_;
};

#endif

std::string seconds_text(std::chrono::milliseconds d) {
    const double s = static_cast<double>(d.count()) / 1000.0;
    char out[32];
    std::snprintf(out, sizeof out, "%g s", s);
    return out;
}

}  // namespace

std::vector<ProbeOutcome> probe_files(const std::filesystem::path& program, const std::vector<std::filesystem::path>& files,
                                      uint32_t host_abi, std::chrono::milliseconds deadline) {
    std::vector<ProbeOutcome> out(files.size());
    std::vector<bool> done(files.size(), false);
    size_t next = 0;
    while (next < files.size()) {
        Helper helper(program, files, next, host_abi);
        std::optional<size_t> current;  // the file the helper said it is probing
        bool reported_any = false;
        Clock::time_point until = Clock::now() + deadline;
        bool finished = false;
        for (std::string line;;) {
            const Helper::Read got = helper.read_line(line, until);
            if (got == Helper::Read::line) {
                reported_any = true;
                if (line == "done") {
                    finished = true;
                    break;
                }
                if (line.rfind("probe ", 0) == 0) {
                    current = next + std::stoul(line.substr(6));
                    until = Clock::now() + deadline;
                    continue;
                }
                const nlohmann::json result = nlohmann::json::parse(line, nullptr, false);
                if (!result.is_object() || !result.contains("i")) continue;
                const size_t i = next + result["i"].get<size_t>();
                if (i >= files.size()) continue;
                try {
                    if (result.contains("info")) {
                        out[i].info = plugin_info_from_json(result["info"]);
                        out[i].info->path = files[i];
                    } else {
                        out[i].refusal = result.value("refused", "refused by the probe");
                    }
                } catch (const nlohmann::json::exception& e) {
                    out[i].refusal = std::string("the probe's report is unreadable: ") + e.what();
                }
                done[i] = true;
                current.reset();
                continue;
            }
            // The helper ended, or stalled, with no result for the file it was on.
            const bool timed_out = got == Helper::Read::timeout;
            const std::string ending = helper.finish();
            if (!reported_any && !timed_out) {
                throw Error(Status::internal, "the plugin probe helper " + program.string() + " did not run (" +
                                                  (ending.empty() ? "it reported nothing" : ending) + ")");
            }
            const size_t culprit = current.value_or(next);
            const char* where = " (in the helper process that probes plugin files: nothing else was affected)";
            if (timed_out)
                out[culprit].refusal = "hung when loaded: still running after " + seconds_text(deadline) +
                                       " (in the helper process that probes plugin files, which was killed)";
            else if (ending.rfind("exited", 0) == 0)
                out[culprit].refusal = "exited when loaded: " + ending + where;
            else
                out[culprit].refusal = "crashed when loaded: " + (ending.empty() ? std::string("gave no answer") : ending) + where;
            done[culprit] = true;
            break;
        }
        if (finished) break;
        // Go on after the last file that has an outcome.
        while (next < files.size() && done[next]) ++next;
    }
    for (size_t i = 0; i < files.size(); ++i)
        if (!done[i] && !out[i].info && out[i].refusal.empty()) out[i].refusal = "the probe gave no answer for it";
    return out;
}

}  // namespace tote::detail
