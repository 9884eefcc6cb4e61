// permissions.hpp — is a plugin file or directory safe to load code from? The one POSIX seam of discovery.
#ifndef TOTE_HOST_PERMISSIONS_HPP
#define TOTE_HOST_PERMISSIONS_HPP

#include <filesystem>
#include <string>

namespace tote::detail {

// "" if path (followed through symlinks) is owned by root or the current user and is neither group- nor
// world-writable; else why not ("is world-writable (mode 0777)"). Loading a library runs its code, so, as ssh does
// with keys, tote refuses files that someone else could have replaced. Always "" on Windows.
std::string unsafe_permissions(const std::filesystem::path& path);

}  // namespace tote::detail

#endif  // TOTE_HOST_PERMISSIONS_HPP
