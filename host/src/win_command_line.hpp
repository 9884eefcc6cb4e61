// SPDX-License-Identifier: Apache-2.0
// win_command_line.hpp — UTF-8 to UTF-16 and one argument quoted for a Windows command line: what starting a
// child process with CreateProcessW needs, shared by the host's worker processes (win_child.cpp) and the tests'
// child processes (tests/support/process_windows.cpp). Header-only, Windows only.
#ifndef TOTE_WIN_COMMAND_LINE_HPP
#define TOTE_WIN_COMMAND_LINE_HPP
#ifdef _WIN32

#include <windows.h>

#include <string>

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

}  // namespace tote::detail

#endif  // _WIN32
#endif  // TOTE_WIN_COMMAND_LINE_HPP
