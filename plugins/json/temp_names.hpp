// SPDX-License-Identifier: Apache-2.0
// temp_names.hpp — names for the JSON store's temporary files that say who is writing them, so that a later
// process can tell a crashed writer's leftover from a file still being written, and remove only the former.
//
// A name is "<boot>-<pid>-<start>-<random>": the first 16 hex digits of this boot's id
// (/proc/sys/kernel/random/boot_id), the writer's pid, its start time in clock ticks since boot (/proc/<pid>/stat
// field 22, which tells a reused pid from the original) and 16 random hex digits. The host's lock records identify
// their holders the same way (host/src/lock.cpp).
//
// Rationale: liveness by name is exact on one machine, where a flock-and-age test (the json plugin's only rule
// before 0.2) has a window between create and flock and had to wait a minute before reclaiming anything. A name
// from another boot (a reboot since, or another machine sharing the directory over NFS) cannot be judged by pid;
// for those the caller falls back to the flock each writer holds on its file, plus an age.
#ifndef TOTE_JSON_TEMP_NAMES_HPP
#define TOTE_JSON_TEMP_NAMES_HPP

#include <string>
#include <string_view>

namespace tote::json_plugin {

// A fresh name for a temporary file of this process (thread-safe; correct after fork).
std::string new_temp_name();

enum class Writer {
    alive,    // this boot, and the process that named the file still runs
    dead,     // this boot, and that process is gone (or its pid now belongs to another process)
    unknown,  // another boot or machine, or not a name new_temp_name() makes
};

// Judges the writer of a temporary file from its name (without any ".tote-tmp." prefix).
Writer writer_of(std::string_view name);

}  // namespace tote::json_plugin

#endif  // TOTE_JSON_TEMP_NAMES_HPP
