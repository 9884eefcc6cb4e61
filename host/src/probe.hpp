// SPDX-License-Identifier: Apache-2.0
// probe.hpp — describing plugin files from a helper process (tote-plugin-probe), so that code that crashes, hangs
// or exits when a library is loaded takes down the helper, never the application.
#ifndef TOTE_HOST_PROBE_HPP
#define TOTE_HOST_PROBE_HPP

#include <tote/plugin_info.hpp>

#include <chrono>
#include <filesystem>
#include <optional>
#include <string>
#include <vector>

namespace tote::detail {

// What probing one file found: a usable plugin's description, or why it was refused.
struct ProbeOutcome {
    std::optional<PluginInfo> info;
    std::string refusal;
};

// True where helper processes can be run (POSIX).
bool probing_supported();

// Probes files in order with the helper at program, each allowed `deadline` to report; a helper that dies or hangs
// on a file is replaced by a new one for the files after it. One outcome per file. Throws Error(internal) if the
// helper cannot be run at all (missing, not executable).
std::vector<ProbeOutcome> probe_files(const std::filesystem::path& program, const std::vector<std::filesystem::path>& files,
                                      uint32_t host_abi, std::chrono::milliseconds deadline);

}  // namespace tote::detail

#endif  // TOTE_HOST_PROBE_HPP
