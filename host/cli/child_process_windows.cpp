// SPDX-License-Identifier: Apache-2.0
// child_process_windows.cpp — ChildProcess on Windows: CreateProcessW of the running tote.exe with the write end of
// an anonymous pipe inherited (its HANDLE value passed after --report-fd), the read end polled with PeekNamedPipe
// against the deadline (anonymous pipes have no overlapped reads), TerminateProcess for a child that overstays.
//
// Only the pipe's write end and the standard handles are inherited (PROC_THREAD_ATTRIBUTE_HANDLE_LIST), so a
// handle the parent holds open never leaks into the plugin code the child runs.
#include "child_process.hpp"

#include "cli_context.hpp"

#include <boost/dll/runtime_symbol_info.hpp>

#ifndef WIN32_LEAN_AND_MEAN
#define WIN32_LEAN_AND_MEAN
#endif
#ifndef NOMINMAX
#define NOMINMAX
#endif
#include <windows.h>

#include <fcntl.h>
#include <io.h>

#include <algorithm>
#include <cstdio>
#include <string>
#include <thread>

namespace tote::cli {

namespace {

// One argument quoted as the C runtime's command-line parser reads it back (backslashes are literal except before
// a double quote, where they and the quote are escaped).
std::wstring quoted(const std::wstring& arg) {
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

std::wstring widen(const std::string& utf8) {
    if (utf8.empty()) return L"";
    const int n = ::MultiByteToWideChar(CP_UTF8, 0, utf8.data(), static_cast<int>(utf8.size()), nullptr, 0);
    std::wstring out(static_cast<size_t>(n), L'\0');
    ::MultiByteToWideChar(CP_UTF8, 0, utf8.data(), static_cast<int>(utf8.size()), out.data(), n);
    return out;
}

std::string last_error(const char* what) { return std::string(what) + " failed (Windows error " + std::to_string(::GetLastError()) + ")"; }

// How a process that ended with code ended, in words: an NTSTATUS exception code for a crash.
std::string ending_of(DWORD code) {
    if (code == 0) return "";
    if ((code & 0xF0000000u) == 0xC0000000u) {
        char hex[16];
        std::snprintf(hex, sizeof hex, "0x%08lX", static_cast<unsigned long>(code));
        const char* name = code == 0xC0000005u   ? ": access violation"
                           : code == 0xC00000FDu ? ": stack overflow"
                           : code == 0xC0000409u ? ": stack buffer overrun, or abort()"
                           : code == 0xC000001Du ? ": illegal instruction"
                           : code == 0xC0000094u ? ": integer division by zero"
                                                 : "";
        return std::string("crashed (exception ") + hex + name + ")";
    }
    return "exited with status " + std::to_string(code);
}

}  // namespace

bool ChildProcess::supported() { return true; }

int ChildProcess::in_child(long long value) {
    ::SetErrorMode(::GetErrorMode() | SEM_FAILCRITICALERRORS | SEM_NOGPFAULTERRORBOX | SEM_NOOPENFILEERRORBOX);
    const int fd = ::_open_osfhandle(static_cast<intptr_t>(value), _O_WRONLY | _O_BINARY);
    if (fd < 0) throw CliError{exit_failure, "--report-fd " + std::to_string(value) + " is not a handle this process holds"};
    return fd;
}

ChildProcess::ChildProcess(const std::vector<std::string>& args) {
    std::error_code ec;
    const std::wstring self = boost::dll::program_location(ec).wstring();
    if (ec) throw CliError{exit_failure, "cannot find the running tote binary: " + ec.message()};

    SECURITY_ATTRIBUTES inheritable{sizeof(SECURITY_ATTRIBUTES), nullptr, TRUE};
    HANDLE read_end = nullptr, write_end = nullptr;
    if (!::CreatePipe(&read_end, &write_end, &inheritable, 0)) throw CliError{exit_failure, last_error("CreatePipe")};
    ::SetHandleInformation(read_end, HANDLE_FLAG_INHERIT, 0);  // ours alone

    std::wstring command = quoted(self);
    for (const std::string& a : args) command += L" " + quoted(widen(a));
    command += L" --report-fd " + std::to_wstring(reinterpret_cast<uintptr_t>(write_end));

    // The child inherits the pipe's write end, and our stderr as its stdout and stderr (as on POSIX); stdin none.
    HANDLE err = ::GetStdHandle(STD_ERROR_HANDLE);
    std::vector<HANDLE> inherit = {write_end};
    if (err != nullptr && err != INVALID_HANDLE_VALUE) {
        ::SetHandleInformation(err, HANDLE_FLAG_INHERIT, HANDLE_FLAG_INHERIT);
        inherit.push_back(err);
    }
    SIZE_T size = 0;
    ::InitializeProcThreadAttributeList(nullptr, 1, 0, &size);
    std::vector<char> storage(size);
    auto* attributes = reinterpret_cast<LPPROC_THREAD_ATTRIBUTE_LIST>(storage.data());
    if (!::InitializeProcThreadAttributeList(attributes, 1, 0, &size) ||
        !::UpdateProcThreadAttribute(attributes, 0, PROC_THREAD_ATTRIBUTE_HANDLE_LIST, inherit.data(),
                                     inherit.size() * sizeof(HANDLE), nullptr, nullptr)) {
        ::CloseHandle(read_end);
        ::CloseHandle(write_end);
        throw CliError{exit_failure, last_error("InitializeProcThreadAttributeList")};
    }
    STARTUPINFOEXW startup{};
    startup.StartupInfo.cb = sizeof startup;
    startup.StartupInfo.dwFlags = STARTF_USESTDHANDLES;
    startup.StartupInfo.hStdInput = nullptr;
    startup.StartupInfo.hStdOutput = err;
    startup.StartupInfo.hStdError = err;
    startup.lpAttributeList = attributes;
    // No crash dialog, no Windows Error Reporting and no debugger started for a plugin that crashes: the child
    // inherits this error mode, and its crash then ends it at once, with the exception code as its exit code.
    ::SetErrorMode(::GetErrorMode() | SEM_FAILCRITICALERRORS | SEM_NOGPFAULTERRORBOX | SEM_NOOPENFILEERRORBOX);
    PROCESS_INFORMATION info{};
    const BOOL started = ::CreateProcessW(self.c_str(), command.data(), nullptr, nullptr, TRUE,
                                          EXTENDED_STARTUPINFO_PRESENT, nullptr, nullptr, &startup.StartupInfo, &info);
    const std::string why = started ? "" : last_error("CreateProcessW");
    ::DeleteProcThreadAttributeList(attributes);
    ::CloseHandle(write_end);  // the child has its copy; ours would keep the pipe from ever ending
    if (!started) {
        ::CloseHandle(read_end);
        throw CliError{exit_failure, why};
    }
    ::CloseHandle(info.hThread);
    process_ = info.hProcess;
    pipe_ = read_end;
}

ChildProcess::~ChildProcess() {
    finish();
    if (pipe_ != nullptr) ::CloseHandle(pipe_);
}

ChildProcess::Read ChildProcess::read_line(std::string& line, std::chrono::steady_clock::time_point deadline) {
    for (;;) {
        const size_t newline = buffer_.find('\n');
        if (newline != std::string::npos) {
            line = buffer_.substr(0, newline);
            buffer_.erase(0, newline + 1);
            return Read::line;
        }
        if (pipe_ == nullptr) return Read::end;
        DWORD available = 0;
        if (!::PeekNamedPipe(pipe_, nullptr, 0, nullptr, &available, nullptr)) {  // broken: the child is gone
            ::CloseHandle(pipe_);
            pipe_ = nullptr;
            continue;
        }
        if (available == 0) {
            // Checked after the peek, so that a timeout means the deadline has passed with nothing to read.
            if (std::chrono::steady_clock::now() >= deadline) return Read::timeout;
            std::this_thread::sleep_for(std::chrono::milliseconds(2));
            continue;
        }
        char chunk[4096];
        DWORD n = 0;
        if (::ReadFile(pipe_, chunk, std::min<DWORD>(available, sizeof chunk), &n, nullptr) && n > 0) {
            buffer_.append(chunk, n);
        } else {
            ::CloseHandle(pipe_);
            pipe_ = nullptr;
        }
    }
}

std::string ChildProcess::finish() {
    if (ending_) return *ending_;
    if (process_ == nullptr) return "";
    if (::WaitForSingleObject(process_, 0) == WAIT_TIMEOUT) {
        ::TerminateProcess(process_, 1);
        ::WaitForSingleObject(process_, INFINITE);
        ending_ = "was killed";
    } else {
        DWORD code = 0;
        ::GetExitCodeProcess(process_, &code);
        ending_ = ending_of(code);
    }
    ::CloseHandle(process_);
    process_ = nullptr;
    return *ending_;
}

}  // namespace tote::cli
