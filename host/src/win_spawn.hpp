// SPDX-License-Identifier: Apache-2.0
// win_spawn.hpp — what starting a child process with CreateProcessW needs: UTF-8 to UTF-16, one argument quoted
// for a Windows command line, the attribute list that lets the child inherit only the handles named, and the call
// itself, tried again on Wine's transient start-up failure. Shared by
// the host's worker processes (win_child.cpp) and the tests' child processes (tests/support/process_windows.cpp).
// Header-only, Windows only.
#ifndef TOTE_WIN_SPAWN_HPP
#define TOTE_WIN_SPAWN_HPP
#ifdef _WIN32

#include <windows.h>

#include <string>
#include <utility>
#include <vector>

namespace tote::detail {

inline std::wstring widen(const std::string& utf8) {
    if (utf8.empty()) return L"";
    const int n = ::MultiByteToWideChar(CP_UTF8, 0, utf8.data(), static_cast<int>(utf8.size()), nullptr, 0);
    std::wstring out(static_cast<size_t>(n), L'\0');
    ::MultiByteToWideChar(CP_UTF8, 0, utf8.data(), static_cast<int>(utf8.size()), out.data(), n);
    return out;
}

// One argument quoted as the C runtime's command-line parser reads it back (backslashes are literal except before
// a double quote, where they and the quote are escaped).
inline std::wstring quoted(const std::wstring& arg) {
    if (!arg.empty() && arg.find_first_of(L" \t\n\v\"") == std::wstring::npos) return arg;
    std::wstring out = L"\"";
    size_t backslashes = 0;
    for (wchar_t c : arg) {
        if (c == L'\\') {
            ++backslashes;
            continue;
        }
        if (c == L'"') out.append(backslashes * 2 + 1, L'\\');
        else out.append(backslashes, L'\\');
        backslashes = 0;
        out.push_back(c);
    }
    out.append(backslashes * 2, L'\\');
    out.push_back(L'"');
    return out;
}

// A PROC_THREAD_ATTRIBUTE_HANDLE_LIST for STARTUPINFOEXW::lpAttributeList: with it (and bInheritHandles TRUE,
// EXTENDED_STARTUPINFO_PRESENT), the child inherits exactly these handles, each of which must be inheritable, and
// no other handle the parent holds. ok() is false if Windows refused to build the list (GetLastError says why).
class InheritOnly {
public:
    explicit InheritOnly(std::vector<HANDLE> handles) : handles_(std::move(handles)) {
        SIZE_T size = 0;
        ::InitializeProcThreadAttributeList(nullptr, 1, 0, &size);
        storage_.resize(size);
        if (!::InitializeProcThreadAttributeList(list(), 1, 0, &size)) return;
        initialized_ = true;
        // The list points into handles_, which lives as long as this object.
        ok_ = ::UpdateProcThreadAttribute(list(), 0, PROC_THREAD_ATTRIBUTE_HANDLE_LIST, handles_.data(),
                                          handles_.size() * sizeof(HANDLE), nullptr, nullptr) != 0;
    }
    ~InheritOnly() {
        if (initialized_) ::DeleteProcThreadAttributeList(list());
    }
    InheritOnly(const InheritOnly&) = delete;
    InheritOnly& operator=(const InheritOnly&) = delete;

    bool ok() const { return ok_; }
    LPPROC_THREAD_ATTRIBUTE_LIST list() { return reinterpret_cast<LPPROC_THREAD_ATTRIBUTE_LIST>(storage_.data()); }

private:
    std::vector<HANDLE> handles_;
    std::vector<char> storage_;
    bool initialized_ = false;
    bool ok_ = false;
};

// CreateProcessW with inherited handles, tried again (three attempts in all) when it fails with
// ERROR_INTERNAL_ERROR. Wine 8 answers that, rarely and under load, when the new process ends during Wine's own
// start-up of it, before the process reported its start-up done: the CLI tests saw it about once in a thousand
// starts. The program itself never got to run, so another attempt is safe; Windows does not answer it to a
// well-formed call, and any other error is returned at once.
inline BOOL create_process(const std::wstring& program, std::wstring& command_line, DWORD flags, wchar_t* environment,
                           const wchar_t* directory, STARTUPINFOEXW& startup, PROCESS_INFORMATION& info) {
    for (int attempt = 1;; ++attempt) {
        if (::CreateProcessW(program.c_str(), command_line.data(), nullptr, nullptr, TRUE,
                             flags | EXTENDED_STARTUPINFO_PRESENT, environment, directory, &startup.StartupInfo, &info))
            return TRUE;
        if (::GetLastError() != ERROR_INTERNAL_ERROR || attempt == 3) return FALSE;
        ::Sleep(static_cast<DWORD>(100 * attempt));
    }
}

}  // namespace tote::detail

#endif  // _WIN32
#endif  // TOTE_WIN_SPAWN_HPP
