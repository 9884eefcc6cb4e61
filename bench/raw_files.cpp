// SPDX-License-Identifier: Apache-2.0
// raw_files.cpp — the bare POSIX reference (see raw_files.hpp).
#include "raw_files.hpp"

#include <dirent.h>
#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <algorithm>
#include <stdexcept>
#include <vector>

namespace tote::bench::raw_files {

namespace {
[[noreturn]] void fail(const std::string& what) { throw std::runtime_error(what); }
}  // namespace

void put(int dir_fd, const std::string& name, std::string_view value, bool durable) {
    const std::string temp = ".tmp-" + name;
    int fd = ::openat(dir_fd, temp.c_str(), O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0644);
    if (fd < 0) fail("open " + temp);
    if (::write(fd, value.data(), value.size()) != static_cast<ssize_t>(value.size())) fail("write " + temp);
    if (durable && ::fdatasync(fd) != 0) fail("fdatasync");
    ::close(fd);
    if (::renameat(dir_fd, temp.c_str(), dir_fd, name.c_str()) != 0) fail("rename " + name);
    if (durable && ::fsync(dir_fd) != 0) fail("fsync dir");
}

void get(int dir_fd, const std::string& name, std::string& out) {
    int fd = ::openat(dir_fd, name.c_str(), O_RDONLY | O_CLOEXEC);
    if (fd < 0) fail("open " + name);
    struct stat st;
    if (::fstat(fd, &st) != 0) fail("fstat " + name);
    out.resize(static_cast<size_t>(st.st_size));
    if (::read(fd, out.data(), out.size()) != static_cast<ssize_t>(out.size())) fail("read " + name);
    ::close(fd);
}

long count_sorted(const std::string& dir) {
    DIR* d = ::opendir(dir.c_str());
    if (d == nullptr) fail("opendir " + dir);
    std::vector<std::string> names;
    while (struct dirent* e = ::readdir(d))
        if (e->d_name[0] != '.') names.emplace_back(e->d_name);
    ::closedir(d);
    std::sort(names.begin(), names.end());
    return static_cast<long>(names.size());
}

}  // namespace tote::bench::raw_files
