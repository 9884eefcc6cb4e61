// SPDX-License-Identifier: Apache-2.0
// win_child.cpp — WinChild (win_child.hpp): the Windows child process with a report pipe. Anonymous pipes have no
// overlapped reads, so the read end is polled with PeekNamedPipe against the deadline. Only the pipe's write end
// and stderr are inherited (PROC_THREAD_ATTRIBUTE_HANDLE_LIST): no handle the parent holds leaks into the plugin
// code a child runs.
#ifdef _WIN32
#include "win_child.hpp"
#include "win_spawn.hpp"

#include <windows.h>  // lean, and without min/max macros: cmake/ToteWindows.cmake

#include <fcntl.h>
#include <io.h>

#include <algorithm>
#include <cstdio>
#include <stdexcept>
#include <thread>

namespace tote::detail {

namespace {

std::string last_error(const char* what) {
    return std::string(what) + " failed (Windows error " + std::to_string(::GetLastError()) + ")";
}

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

constexpr UINT kQuietErrors = SEM_FAILCRITICALERRORS | SEM_NOGPFAULTERRORBOX | SEM_NOOPENFILEERRORBOX;

}  // namespace

int WinChild::adopt_report(long long value) {
    ::SetErrorMode(::GetErrorMode() | kQuietErrors);
    return ::_open_osfhandle(static_cast<intptr_t>(value), _O_WRONLY | _O_BINARY);
}

WinChild::WinChild(const std::wstring& program, const std::vector<std::string>& before,
                   const std::vector<std::string>& after, Output output) {
    SECURITY_ATTRIBUTES inheritable{sizeof(SECURITY_ATTRIBUTES), nullptr, TRUE};
    HANDLE read_end = nullptr, write_end = nullptr;
    if (!::CreatePipe(&read_end, &write_end, &inheritable, 0)) throw std::runtime_error(last_error("CreatePipe"));
    ::SetHandleInformation(read_end, HANDLE_FLAG_INHERIT, 0);  // ours alone

    std::wstring command = quoted(program);
    for (const std::string& a : before) command += L" " + quoted(widen(a));
    command += L" --report-fd " + std::to_wstring(reinterpret_cast<uintptr_t>(write_end));
    for (const std::string& a : after) command += L" " + quoted(widen(a));

    // The child's stdout and stderr: our stderr, or the NUL device.
    HANDLE out = INVALID_HANDLE_VALUE;
    if (output == Output::to_stderr) {
        out = ::GetStdHandle(STD_ERROR_HANDLE);
        if (out != nullptr && out != INVALID_HANDLE_VALUE) ::SetHandleInformation(out, HANDLE_FLAG_INHERIT, HANDLE_FLAG_INHERIT);
    } else {
        out = ::CreateFileW(L"NUL", GENERIC_WRITE, FILE_SHARE_READ | FILE_SHARE_WRITE, &inheritable, OPEN_EXISTING, 0,
                            nullptr);
    }
    const bool opened_nul = output == Output::discarded && out != INVALID_HANDLE_VALUE;
    std::vector<HANDLE> inherit = {write_end};
    if (out != nullptr && out != INVALID_HANDLE_VALUE) inherit.push_back(out);
    InheritOnly attributes(std::move(inherit));
    const bool listed = attributes.ok();
    STARTUPINFOEXW startup{};
    startup.StartupInfo.cb = sizeof startup;
    startup.StartupInfo.dwFlags = STARTF_USESTDHANDLES;
    startup.StartupInfo.hStdInput = nullptr;
    startup.StartupInfo.hStdOutput = out;
    startup.StartupInfo.hStdError = out;
    startup.lpAttributeList = attributes.list();
    // No crash dialog and no Windows Error Reporting for a child that crashes (it inherits the error mode; it
    // sets it again itself in adopt_report, for systems that do not pass it on).
    ::SetErrorMode(::GetErrorMode() | kQuietErrors);
    PROCESS_INFORMATION info{};
    const BOOL started = listed && create_process(program, command, 0, nullptr, nullptr, startup, info);
    const std::string why = started ? "" : last_error(listed ? "CreateProcessW" : "UpdateProcThreadAttribute");
    ::CloseHandle(write_end);  // the child has its copy; ours would keep the pipe from ever ending
    if (opened_nul) ::CloseHandle(out);
    if (!started) {
        ::CloseHandle(read_end);
        throw std::runtime_error(why);
    }
    ::CloseHandle(info.hThread);
    process_ = info.hProcess;
    pipe_ = read_end;
}

WinChild::~WinChild() {
    finish();
    if (pipe_ != nullptr) ::CloseHandle(pipe_);
}

WinChild::Read WinChild::read_line(std::string& line, std::chrono::steady_clock::time_point deadline) {
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

std::string WinChild::finish() {
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

}  // namespace tote::detail

#endif  // _WIN32
