// SPDX-License-Identifier: Apache-2.0
// progress.cpp — the terminal progress bar.
#include "progress.hpp"

#include "cli_output.hpp"

#include <unistd.h>

#include <cstdio>

namespace tote::cli {

bool Progress::stderr_is_terminal() { return ::isatty(STDERR_FILENO) == 1; }

Progress::Progress(uint64_t total, std::string what)
    : enabled_(stderr_is_terminal()), total_(total), what_(std::move(what)) {}

Progress::~Progress() { finish(); }

void Progress::update(uint64_t done, uint64_t bytes) {
    if (!enabled_) return;
    auto now = std::chrono::steady_clock::now();
    if (drawn_ && now - last_ < std::chrono::milliseconds(100) && done != total_) return;
    last_ = now;
    char line[160];
    if (total_ > 0) {
        const int width = 30;
        int filled = static_cast<int>(done >= total_ ? width : width * done / total_);
        std::string bar(static_cast<size_t>(filled), '#');
        bar.append(static_cast<size_t>(width - filled), '.');
        std::snprintf(line, sizeof line, "\r[%s] %3d%% %llu/%llu %s, %s", bar.c_str(),
                      static_cast<int>(done >= total_ ? 100 : 100 * done / total_),
                      static_cast<unsigned long long>(done), static_cast<unsigned long long>(total_),
                      what_.c_str(), format_bytes(bytes).c_str());
    } else {
        std::snprintf(line, sizeof line, "\r%llu %s, %s", static_cast<unsigned long long>(done), what_.c_str(),
                      format_bytes(bytes).c_str());
    }
    std::fputs(line, stderr);
    std::fputs("\x1b[K", stderr);  // clear the rest of the line
    std::fflush(stderr);
    drawn_ = true;
}

void Progress::finish() {
    if (enabled_ && drawn_) {
        std::fputs("\r\x1b[K", stderr);
        std::fflush(stderr);
    }
    drawn_ = false;
}

}  // namespace tote::cli
