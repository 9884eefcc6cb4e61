// SPDX-License-Identifier: Apache-2.0
// lock.cpp — named locks (tote/lock.hpp), built in the host on create-only and compare-version writes, so every
// backend that offers them gets locks with no code of its own.
//
// A lock record is JSON under ".tote/locks/<name>": owner, host, pid, started_ns, expires_ns, plus the host's
// boot id and the process's start time where the OS tells them, which let a reader on the same host tell a dead
// holder from a live one even after the pid has been reused or the machine rebooted. Linux: /proc's start time in
// ticks since boot, and the boot id. Windows: the process's creation time (an absolute time, so a pid reused after
// a reboot has another one: no boot id needed), and whether the process is gone from a handle to it.
#include "key.hpp"
#include "store_impl.hpp"

#include <tote/lock.hpp>

#include <nlohmann/json.hpp>

#ifdef _WIN32
#include <windows.h>  // lean, and without min/max macros: cmake/ToteWindows.cmake
#else
#include <signal.h>
#include <unistd.h>
#endif

#include <cerrno>
#include <chrono>
#include <cstdlib>
#include <ctime>
#include <fstream>
#include <sstream>

namespace tote {

namespace {

const std::string kLockPrefix = ".tote/locks/";

std::string lock_key(std::string_view name) {
    detail::validate_key(name);
    return kLockPrefix + std::string(name);
}

int64_t now_ns() {
    return std::chrono::duration_cast<std::chrono::nanoseconds>(std::chrono::system_clock::now().time_since_epoch())
        .count();
}

std::string iso_time(int64_t ns) {
    std::time_t seconds = static_cast<std::time_t>(ns / 1000000000);
    std::tm tm{};
#ifdef _WIN32
    gmtime_s(&tm, &seconds);
#else
    gmtime_r(&seconds, &tm);
#endif
    char out[32];
    std::strftime(out, sizeof out, "%Y-%m-%dT%H:%M:%SZ", &tm);
    return out;
}

#ifdef _WIN32
// The creation time of process pid (100 ns units since 1601, as Windows keeps it), or -1 if unknown or gone.
int64_t process_start(int64_t pid) {
    HANDLE process = ::OpenProcess(PROCESS_QUERY_LIMITED_INFORMATION, FALSE, static_cast<DWORD>(pid));
    if (process == nullptr) return -1;
    FILETIME created, exited, kernel, user;
    const bool known = ::GetProcessTimes(process, &created, &exited, &kernel, &user) != 0;
    ::CloseHandle(process);
    if (!known) return -1;
    return static_cast<int64_t>((static_cast<uint64_t>(created.dwHighDateTime) << 32) | created.dwLowDateTime);
}
#else
// The start time of process pid (clock ticks since boot, /proc/<pid>/stat field 22), or -1 if unknown or gone.
int64_t process_start(int64_t pid) {
    std::ifstream in("/proc/" + std::to_string(pid) + "/stat");
    std::string text((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
    size_t close = text.rfind(')');  // the command name, field 2, may hold spaces and parentheses
    if (close == std::string::npos) return -1;
    std::istringstream fields(text.substr(close + 2));
    std::string field;
    for (int i = 3; i <= 22 && fields >> field; ++i)
        if (i == 22) return std::atoll(field.c_str());
    return -1;
}
#endif

std::string boot_id() {
#ifdef _WIN32
    return "";  // see the top of the file: the creation time alone tells a reused pid
#endif
    std::ifstream in("/proc/sys/kernel/random/boot_id");
    std::string id;
    std::getline(in, id);
    return id;
}

std::string host_name() {
#ifdef _WIN32
    // From the system, not %COMPUTERNAME%: a process started with an environment of its own (as tests and services
    // are) would otherwise name another host, and judge no lock of this one stale. NetBIOS names are ASCII.
    char name[MAX_COMPUTERNAME_LENGTH + 1] = {};
    DWORD size = sizeof name;
    return ::GetComputerNameA(name, &size) ? std::string(name, size) : std::string("unknown");
#else
    char name[256] = {};
    if (::gethostname(name, sizeof name - 1) != 0) return "unknown";
    return name;
#endif
}

int64_t own_pid() {
#ifdef _WIN32
    return static_cast<int64_t>(::GetCurrentProcessId());
#else
    return static_cast<int64_t>(::getpid());
#endif
}

// Whether process pid exists on this host (unknown counts as alive: never break a lock on a guess).
bool process_gone(int64_t pid) {
#ifdef _WIN32
    if (pid <= 0) return false;
    HANDLE process = ::OpenProcess(PROCESS_QUERY_LIMITED_INFORMATION, FALSE, static_cast<DWORD>(pid));
    if (process == nullptr) return ::GetLastError() == ERROR_INVALID_PARAMETER;  // no such process (denied: alive)
    DWORD code = 0;
    const bool exited = ::GetExitCodeProcess(process, &code) != 0 && code != STILL_ACTIVE;
    ::CloseHandle(process);
    return exited;  // a process object kept by another handle after its exit
#else
    return pid > 0 && ::kill(static_cast<pid_t>(pid), 0) != 0 && errno == ESRCH;
#endif
}

std::string make_record(const LockOptions& options, int64_t started_ns, std::string& owner) {
    const std::string host = host_name();
    owner = options.owner;
    if (owner.empty()) {
#ifdef _WIN32
        const char* user = std::getenv("USERNAME");
#else
        const char* user = std::getenv("USER");
#endif
        owner = std::string(user && *user ? user : "someone") + "@" + host + " pid " + std::to_string(own_pid());
    }
    nlohmann::json record = {{"owner", owner},
                             {"host", host},
                             {"pid", own_pid()},
                             {"started_ns", started_ns},
                             {"expires_ns", options.lease.count() > 0 ? now_ns() + options.lease.count() * 1000000 : 0}};
    if (std::string id = boot_id(); !id.empty()) record["boot_id"] = id;
    if (int64_t start = process_start(own_pid()); start >= 0) record["process_start"] = start;
    return record.dump(2, ' ', false, nlohmann::json::error_handler_t::replace) + "\n";
}

// The record's fields, and whether its holder is known to be gone.
LockInfo judge(const std::string& name, const std::string& text, uint64_t version) {
    LockInfo info;
    info.name = name;
    info.version = version;
    nlohmann::json record = nlohmann::json::parse(text, nullptr, false);
    if (!record.is_object()) {
        info.owner = "(unreadable lock record)";
        return info;  // not stale: nothing says its holder is gone
    }
    info.owner = record.value("owner", "");
    info.host = record.value("host", "");
    info.pid = record.value("pid", int64_t{0});
    info.started_ns = record.value("started_ns", int64_t{0});
    info.expires_ns = record.value("expires_ns", int64_t{0});
    if (info.expires_ns != 0 && now_ns() > info.expires_ns) {
        info.stale = true;
        info.stale_reason = "its lease expired at " + iso_time(info.expires_ns);
    } else if (info.host == host_name()) {
        const std::string recorded_boot = record.value("boot_id", ""), current_boot = boot_id();
        const int64_t recorded_start = record.value("process_start", int64_t{-1});
        if (!recorded_boot.empty() && !current_boot.empty() && recorded_boot != current_boot) {
            info.stale = true;
            info.stale_reason = "this host has rebooted since it was taken";
        } else if (process_gone(info.pid)) {
            info.stale = true;
            info.stale_reason = "process " + std::to_string(info.pid) + " on this host is gone";
        } else if (recorded_start >= 0 && process_start(info.pid) >= 0 && process_start(info.pid) != recorded_start) {
            info.stale = true;
            info.stale_reason = "process " + std::to_string(info.pid) + " on this host is gone (the pid is another process now)";
        }
    }
    return info;
}

std::string describe_holder(const LockInfo& info) {
    std::string out = info.owner;
    if (info.pid != 0 || !info.host.empty()) out += " (pid " + std::to_string(info.pid) + " on " + info.host + ")";
    if (info.started_ns != 0) out += " since " + iso_time(info.started_ns);
    if (info.expires_ns != 0) out += ", lease until " + iso_time(info.expires_ns);
    return out;
}

}  // namespace

// ---- Store's lock methods ---------------------------------------------------------------------------------------

Lock Store::lock(std::string_view name) { return lock(name, LockOptions{}); }

Lock Store::lock(std::string_view name, const LockOptions& options) {
    const std::string key = lock_key(name);
    const int64_t started = now_ns();
    std::string owner;
    const std::string record = make_record(options, started, owner);
    auto held = [&](uint64_t version) {
        LockInfo info = judge(std::string(name), record, version);
        return Lock(*this, key, version, info);
    };
    WriteOptions create_only;
    create_only.create_only = true;
    for (int attempt = 0; attempt < 8; ++attempt) {
        try {
            return held(detail::raw::write(*impl_, key, record, create_only));
        } catch (const Error& e) {
            if (e.status() != Status::already_exists) throw;
        }
        std::optional<LockInfo> current = lock_info(name);
        if (!current) continue;  // released meanwhile: try again
        const std::string what = "lock " + detail::quote(name) + " in " + impl_->url + " is held by " + describe_holder(*current);
        if (!current->stale) throw Error(Status::busy, "busy: " + what);
        if (!options.take_stale)
            throw Error(Status::busy, "busy: " + what + "; it is stale (" + current->stale_reason + "): break it with 'tote lock rm'");
        if (supports(TOTE_CAP_COMPARE_VERSION)) {
            // Take it over only if it is still the stale record we judged: of several processes doing this at once,
            // exactly one succeeds.
            WriteOptions still_stale;
            still_stale.if_version = current->version;
            try {
                return held(detail::raw::write(*impl_, key, record, still_stale));
            } catch (const Error& e) {
                if (e.status() != Status::precondition_failed) throw;
            }
        } else {
            detail::raw::remove(*impl_, key, false);  // without compare-version, a race here is possible
        }
    }
    throw Error(Status::busy, "busy: lock " + detail::quote(name) + " in " + impl_->url + " changed hands too often to take");
}

std::optional<LockInfo> Store::lock_info(std::string_view name) const {
    const std::string key = lock_key(name);
    Stat stat;
    try {
        const std::string record = detail::raw::read(*impl_, key, &stat);  // fills stat: read it before judging
        return judge(std::string(name), record, stat.version);
    } catch (const Error& e) {
        if (e.status() == Status::not_found) return std::nullopt;
        throw;
    }
}

bool Store::is_locked(std::string_view name) const {
    std::optional<LockInfo> info = lock_info(name);
    return info && !info->stale;
}

std::vector<LockInfo> Store::locks() const {
    std::vector<std::string> names;
    detail::raw::list(*impl_, kLockPrefix, ListOptions{true, ""}, [&](const Entry& e) {
        names.push_back(e.key.substr(kLockPrefix.size()));
        return true;
    });
    std::vector<LockInfo> out;
    for (const std::string& name : names)
        if (std::optional<LockInfo> info = lock_info(name)) out.push_back(std::move(*info));
    return out;
}

bool Store::break_lock(std::string_view name) { return detail::raw::remove(*impl_, lock_key(name), false); }

// ---- Lock -------------------------------------------------------------------------------------------------------

Lock::Lock(Store store, std::string key, uint64_t version, LockInfo info)
    : store_(std::move(store)), key_(std::move(key)), version_(version), info_(std::move(info)), held_(true) {}

Lock::Lock(Lock&& other) noexcept
    : store_(other.store_), key_(std::move(other.key_)), version_(other.version_), info_(std::move(other.info_)),
      held_(other.held_) {
    other.held_ = false;
}

Lock& Lock::operator=(Lock&& other) noexcept {
    if (this != &other) {
        try {
            release();
        } catch (...) {
            // As in the destructor: the lock we gave up is reclaimed by staleness at worst.
        }
        store_ = other.store_;
        key_ = std::move(other.key_);
        version_ = other.version_;
        info_ = std::move(other.info_);
        held_ = other.held_;
        other.held_ = false;
    }
    return *this;
}

Lock::~Lock() {
    try {
        release();
    } catch (...) {
        // Nowhere to report from a destructor; the record stays and is judged stale once this process is gone.
    }
}

void Lock::release() {
    if (!held_) return;
    held_ = false;
    // Remove the record only if it is still ours. (Between this check and the removal another process could take
    // it over as stale; that needs our lease to have expired, so use leases longer than a release takes.)
    std::optional<Stat> current = detail::raw::stat(*store_.impl_, key_);
    if (current && current->version == version_) detail::raw::remove(*store_.impl_, key_, false);
}

void Lock::renew(std::chrono::milliseconds lease) {
    if (!held_) throw Error(Status::conflict, "conflict: lock " + detail::quote(info_.name) + " is not held");
    LockOptions options;
    options.owner = info_.owner;
    options.lease = lease;
    std::string owner;
    const std::string record = make_record(options, info_.started_ns, owner);
    WriteOptions ours;
    ours.if_version = version_;
    try {
        version_ = detail::raw::write(*store_.impl_, key_, record, ours);
    } catch (const Error& e) {
        if (e.status() != Status::precondition_failed) throw;
        held_ = false;
        throw Error(Status::conflict, "conflict: lock " + detail::quote(info_.name) + " in " + store_.url() +
                                          " was taken over by another holder");
    }
    info_ = judge(info_.name, record, version_);
}

}  // namespace tote
