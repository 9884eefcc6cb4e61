// SPDX-License-Identifier: Apache-2.0
// store_lock.cpp — mutex + flock commit lock of a JSON store (see store_lock.hpp for why).
#include "store_lock.hpp"

#include <fcntl.h>
#include <sys/file.h>

#include <cerrno>

namespace tote::json_plugin {

StoreLock::Guard::Guard(StoreLock& lock) : lock_(lock), held_(lock.mutex_) {
    if (!lock_.file_) {
        Fd fd(::openat(lock_.root_fd_, ".tote-lock", O_RDWR | O_CREAT | O_CLOEXEC, 0666));
        if (!fd) throw_errno("cannot create lock file", lock_.root_ + "/.tote-lock", errno);
        lock_.file_ = std::move(fd);
    }
    while (::flock(lock_.file_.get(), LOCK_EX) != 0) {
        if (errno != EINTR) throw_errno("cannot lock", lock_.root_ + "/.tote-lock", errno);
    }
}

StoreLock::Guard::~Guard() { ::flock(lock_.file_.get(), LOCK_UN); }

}  // namespace tote::json_plugin
