// SPDX-License-Identifier: Apache-2.0
// permissions_windows.cpp — file_facts() on Windows: type and times from std::filesystem, identity from the file's
// volume serial number and file index, and safety from its security descriptor, judged as the POSIX version
// judges owner and mode bits: the owner must be you, an administrator, SYSTEM or TrustedInstaller, and no
// access-control entry may let anyone else (Everyone, Authenticated Users, Users, Interactive, …) write it, replace
// its contents, or change who may. A missing (NULL) DACL lets everyone do everything: unsafe.
#include "permissions.hpp"

#include <windows.h>  // lean, and without min/max macros: cmake/ToteWindows.cmake
#include <aclapi.h>
#include <sddl.h>

#include <memory>
#include <vector>

namespace tote::detail {

namespace {

// The SID as text ("S-1-1-0"), with its account name where Windows knows one ("Everyone").
std::string describe(PSID sid) {
    std::string text = "an unknown account";
    LPSTR string_sid = nullptr;
    if (::ConvertSidToStringSidA(sid, &string_sid)) {
        text = string_sid;
        ::LocalFree(string_sid);
    }
    char name[256], domain[256];
    DWORD name_len = sizeof name, domain_len = sizeof domain;
    SID_NAME_USE use;
    if (::LookupAccountSidA(nullptr, sid, name, &name_len, domain, &domain_len, &use))
        text = (domain[0] != '\0' ? std::string(domain) + "\\" : std::string()) + name + " (" + text + ")";
    return text;
}

// The current process's user SID, copied (the token's buffer is freed).
std::vector<unsigned char> own_sid() {
    std::vector<unsigned char> out;
    HANDLE token = nullptr;
    if (!::OpenProcessToken(::GetCurrentProcess(), TOKEN_QUERY, &token)) return out;
    DWORD size = 0;
    ::GetTokenInformation(token, TokenUser, nullptr, 0, &size);
    std::vector<unsigned char> buffer(size);
    if (size > 0 && ::GetTokenInformation(token, TokenUser, buffer.data(), size, &size)) {
        PSID sid = reinterpret_cast<TOKEN_USER*>(buffer.data())->User.Sid;
        out.assign(static_cast<unsigned char*>(sid), static_cast<unsigned char*>(sid) + ::GetLengthSid(sid));
    }
    ::CloseHandle(token);
    return out;
}

bool is_well_known(PSID sid, WELL_KNOWN_SID_TYPE type) { return ::IsWellKnownSid(sid, type) != FALSE; }

// Owners that may own a plugin: whoever runs tote, and the accounts that already control the whole machine.
bool trusted_owner(PSID sid) {
    static const std::vector<unsigned char> me = own_sid();
    if (!me.empty() && ::EqualSid(sid, const_cast<unsigned char*>(me.data()))) return true;
    if (is_well_known(sid, WinBuiltinAdministratorsSid) || is_well_known(sid, WinLocalSystemSid)) return true;
    LPSTR text = nullptr;
    bool installer = false;
    if (::ConvertSidToStringSidA(sid, &text)) {  // NT SERVICE\TrustedInstaller, which owns what Windows installs
        installer = std::string(text) == "S-1-5-80-956008885-3418522649-1831038044-1853292631-2271478464";
        ::LocalFree(text);
    }
    return installer;
}

// Whether an allow entry for sid may write the file: the owner and the machine's own accounts may.
bool trusted_writer(PSID sid) {
    return trusted_owner(sid) || is_well_known(sid, WinCreatorOwnerSid) || is_well_known(sid, WinBuiltinAdministratorsSid);
}

// Why the file's security descriptor lets someone else replace it, or "".
std::string unsafe_descriptor(const std::filesystem::path& path) {
    PSID owner = nullptr;
    PACL dacl = nullptr;
    PSECURITY_DESCRIPTOR descriptor = nullptr;
    const DWORD rc = ::GetNamedSecurityInfoW(path.c_str(), SE_FILE_OBJECT,
                                             OWNER_SECURITY_INFORMATION | DACL_SECURITY_INFORMATION, &owner, nullptr,
                                             &dacl, nullptr, &descriptor);
    if (rc != ERROR_SUCCESS) return "cannot read its security descriptor (Windows error " + std::to_string(rc) + ")";
    std::unique_ptr<void, HLOCAL (*)(HLOCAL)> free_later(descriptor, &::LocalFree);
    if (owner == nullptr || !trusted_owner(owner))
        return "is owned by " + (owner ? describe(owner) : std::string("no one")) + ", neither you nor an administrator";
    if (dacl == nullptr) return "has no access control list (everyone may write it)";
    constexpr ACCESS_MASK kWrite = FILE_WRITE_DATA | FILE_APPEND_DATA | WRITE_DAC | WRITE_OWNER | DELETE |
                                   GENERIC_WRITE | GENERIC_ALL;
    for (DWORD i = 0; i < dacl->AceCount; ++i) {
        void* entry = nullptr;
        if (!::GetAce(dacl, i, &entry)) continue;
        const auto* header = static_cast<ACE_HEADER*>(entry);
        if (header->AceType != ACCESS_ALLOWED_ACE_TYPE || (header->AceFlags & INHERIT_ONLY_ACE)) continue;
        const auto* allow = static_cast<ACCESS_ALLOWED_ACE*>(entry);
        PSID who = const_cast<DWORD*>(&allow->SidStart);
        if ((allow->Mask & kWrite) != 0 && !trusted_writer(who))
            return "lets " + describe(who) + " write it (an access-control entry allows it)";
    }
    return "";
}

}  // namespace

FileFacts file_facts(const std::filesystem::path& path) {
    FileFacts facts;
    std::error_code ec;
    const std::filesystem::file_status status = std::filesystem::status(path, ec);
    if (ec || !std::filesystem::exists(status)) {
        facts.unsafe = "cannot stat: " + (ec ? ec.message() : std::string("no such file"));
        return facts;
    }
    facts.exists = true;
    facts.regular = std::filesystem::is_regular_file(status);
    facts.directory = std::filesystem::is_directory(status);
    if (facts.regular) {
        facts.size = std::filesystem::file_size(path, ec);
        facts.mtime_ns = static_cast<int64_t>(std::filesystem::last_write_time(path, ec).time_since_epoch().count());
    }
    // The file's identity, as device and inode are on POSIX: the volume's serial number and the file index (two
    // paths of one file — a link, a directory given twice — have the same). Opened for no access at all, shared
    // with everyone; directories need FILE_FLAG_BACKUP_SEMANTICS to be opened.
    HANDLE file = ::CreateFileW(path.c_str(), 0, FILE_SHARE_READ | FILE_SHARE_WRITE | FILE_SHARE_DELETE, nullptr,
                                OPEN_EXISTING, FILE_FLAG_BACKUP_SEMANTICS, nullptr);
    if (file != INVALID_HANDLE_VALUE) {
        BY_HANDLE_FILE_INFORMATION info;
        if (::GetFileInformationByHandle(file, &info)) {
            facts.dev = info.dwVolumeSerialNumber;
            facts.ino = (static_cast<uint64_t>(info.nFileIndexHigh) << 32) | info.nFileIndexLow;
        }
        ::CloseHandle(file);
    }
    if (facts.ino == 0) facts.unsafe = "cannot read its file identity (GetFileInformationByHandle)";
    if (facts.unsafe.empty()) facts.unsafe = unsafe_descriptor(path);
    return facts;
}

std::string unsafe_permissions(const std::filesystem::path& path) { return file_facts(path).unsafe; }

}  // namespace tote::detail
