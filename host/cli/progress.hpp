// SPDX-License-Identifier: Apache-2.0
// progress.hpp — a progress bar on stderr for long work, drawn only when stderr is a terminal and redrawn at
// most ten times a second.
#ifndef TOTE_CLI_PROGRESS_HPP
#define TOTE_CLI_PROGRESS_HPP

#include <chrono>
#include <cstdint>
#include <string>

namespace tote::cli {

class Progress {
public:
    // total: items expected (0 if unknown: then a count without a bar). what: "keys".
    Progress(uint64_t total, std::string what);
    ~Progress();

    static bool stderr_is_terminal();
    bool enabled() const { return enabled_; }
    void update(uint64_t done, uint64_t bytes);
    void finish();  // erase the bar

private:
    bool enabled_;
    uint64_t total_;
    std::string what_;
    bool drawn_ = false;
    std::chrono::steady_clock::time_point last_{};
};

}  // namespace tote::cli

#endif  // TOTE_CLI_PROGRESS_HPP
