// SPDX-License-Identifier: Apache-2.0
// process_windows.cpp — process.hpp's child processes on Windows (the Windows build runs its tests under Wine):
// CreateProcessW with anonymous pipes for stdin, stdout and stderr, each served by a thread of its own so that no
// amount of input or output can deadlock (anonymous pipes have no overlapped I/O to poll). Only those three pipe
// ends are inherited (PROC_THREAD_ATTRIBUTE_HANDLE_LIST). What has no Windows counterpart — a file-size limit,
// dropping root, a pseudo-terminal, a private tmpfs, a signal other than SIGKILL — is refused with an error naming
// it, so that a test needing it fails loudly instead of passing vacuously; such tests carry the [posix] tag, which
// the Windows build leaves out (tests/cli/CMakeLists.txt).
#ifdef _WIN32
#include "process.hpp"

#include "win_spawn.hpp"  // host/src: widen(), quoted(), InheritOnly

#include <windows.h>

#include <algorithm>
#include <csignal>
#include <cstdlib>
#include <stdexcept>
#include <thread>

namespace tote::test {

namespace {

using tote::detail::create_process;
using tote::detail::InheritOnly;
using tote::detail::quoted;
using tote::detail::widen;

[[noreturn]] void fail(const std::string& what) {
    throw std::runtime_error(what + " failed (Windows error " + std::to_string(::GetLastError()) + ")");
}

void refuse_posix_only(const RunOptions& options) {
    const char* what = options.file_size_limit      ? "a file-size limit (RLIMIT_FSIZE)"
                       : options.unprivileged       ? "running as another user (unprivileged)"
                       : options.stderr_is_terminal ? "a pseudo-terminal as stderr"
                       : !options.private_tmpfs.empty() ? "a private tmpfs"
                                                        : nullptr;
    if (what != nullptr)
        throw std::runtime_error(std::string("process.hpp: ") + what + " has no Windows counterpart; tag the test [posix]");
}

// The variables a Windows program cannot do without (system directories, temporary directory, search path),
// taken from ours unless the test sets them: RunOptions::env is the child's whole environment, as on POSIX.
const wchar_t* const kSystemVariables[] = {L"SystemRoot", L"windir", L"SystemDrive", L"TEMP", L"TMP",
                                           L"PATH", L"PATHEXT", L"ComSpec", L"ProgramData"};

// A CREATE_UNICODE_ENVIRONMENT block: NAME=value\0 ... \0, sorted by name without regard to case, as Windows
// keeps its own.
std::wstring environment_block(const std::map<std::string, std::string>& env) {
    struct NoCase {
        bool operator()(const std::wstring& a, const std::wstring& b) const { return ::_wcsicmp(a.c_str(), b.c_str()) < 0; }
    };
    std::map<std::wstring, std::wstring, NoCase> vars;
    for (const auto& [name, value] : env) vars[widen(name)] = widen(value);
    for (const wchar_t* name : kSystemVariables) {
        if (vars.count(name)) continue;
        wchar_t value[32768];
        const DWORD n = ::GetEnvironmentVariableW(name, value, 32768);
        if (n > 0 && n < 32768) vars[name] = std::wstring(value, n);
    }
    std::wstring block;
    for (const auto& [name, value] : vars) {
        block += name + L"=" + value;
        block.push_back(L'\0');
    }
    block.push_back(L'\0');
    return block;
}

std::wstring command_line(const std::vector<std::string>& argv) {
    std::wstring line;
    for (const std::string& arg : argv) {
        if (!line.empty()) line.push_back(L' ');
        line += quoted(widen(arg));
    }
    return line;
}

// A pipe whose child end alone is inheritable.
struct Pipe {
    HANDLE read = nullptr, write = nullptr;
    explicit Pipe(bool child_reads) {
        SECURITY_ATTRIBUTES inheritable{sizeof(SECURITY_ATTRIBUTES), nullptr, TRUE};
        if (!::CreatePipe(&read, &write, &inheritable, 0)) fail("CreatePipe");
        ::SetHandleInformation(child_reads ? write : read, HANDLE_FLAG_INHERIT, 0);
    }
    ~Pipe() {
        close(read);
        close(write);
    }
    static void close(HANDLE& h) {
        if (h != nullptr) ::CloseHandle(h);
        h = nullptr;
    }
};

// Starts argv with the given standard handles (each inherited); returns the process handle.
HANDLE start(const std::vector<std::string>& argv, HANDLE in, HANDLE out, HANDLE err, const std::wstring* env,
             const std::string& cwd) {
    if (argv.empty()) throw std::runtime_error("process.hpp: no program to run");
    std::vector<HANDLE> inherit;
    for (HANDLE h : {in, out, err})
        if (h != nullptr && h != INVALID_HANDLE_VALUE && std::find(inherit.begin(), inherit.end(), h) == inherit.end())
            inherit.push_back(h);
    InheritOnly attributes(std::move(inherit));
    if (!attributes.ok()) fail("UpdateProcThreadAttribute");
    STARTUPINFOEXW startup{};
    startup.StartupInfo.cb = sizeof startup;
    startup.StartupInfo.dwFlags = STARTF_USESTDHANDLES;
    startup.StartupInfo.hStdInput = in;
    startup.StartupInfo.hStdOutput = out;
    startup.StartupInfo.hStdError = err;
    startup.lpAttributeList = attributes.list();
    const std::wstring program = widen(argv[0]);
    std::wstring line = command_line(argv);
    const std::wstring dir = widen(cwd);
    PROCESS_INFORMATION info{};
    const BOOL started = create_process(program, line, env != nullptr ? CREATE_UNICODE_ENVIRONMENT : 0,
                                        env != nullptr ? const_cast<wchar_t*>(env->c_str()) : nullptr,
                                        dir.empty() ? nullptr : dir.c_str(), startup, info);
    if (!started) fail("CreateProcessW of " + argv[0]);
    ::CloseHandle(info.hThread);
    return info.hProcess;
}

// Reads h to its end into out (run on a thread of its own).
void read_all(HANDLE h, std::string* out) {
    char buffer[65536];
    DWORD got = 0;
    while (::ReadFile(h, buffer, sizeof buffer, &got, nullptr) && got > 0) out->append(buffer, got);
}

// Writes data to h, then closes it; a child that exits without reading it all ends the writing (broken pipe).
void write_all(HANDLE h, const std::string* data) {
    size_t written = 0;
    while (written < data->size()) {
        DWORD put = 0;
        const DWORD chunk = static_cast<DWORD>(std::min<size_t>(65536, data->size() - written));
        if (!::WriteFile(h, data->data() + written, chunk, &put, nullptr)) break;
        written += put;
    }
    ::CloseHandle(h);
}

}  // namespace

RunResult run(const std::vector<std::string>& argv, const RunOptions& options) {
    refuse_posix_only(options);
    Pipe in(true), out(false), err(false);
    const std::wstring env = environment_block(options.env);
    HANDLE process = start(argv, in.read, out.write, err.write, &env, options.cwd);
    // Our copies of the child's ends: kept, they would keep the pipes from ever ending.
    Pipe::close(in.read);
    Pipe::close(out.write);
    Pipe::close(err.write);

    RunResult result;
    HANDLE stdin_end = in.write;
    in.write = nullptr;  // write_all closes it
    std::thread feeder(write_all, stdin_end, &options.stdin_data);
    std::thread out_reader(read_all, out.read, &result.out);
    read_all(err.read, &result.err);
    out_reader.join();
    feeder.join();
    ::WaitForSingleObject(process, INFINITE);
    DWORD code = 0;
    ::GetExitCodeProcess(process, &code);
    ::CloseHandle(process);
    result.exit_code = static_cast<int>(code);
    return result;
}

// ---- Background ---------------------------------------------------------------------------------------------------
// pid_ holds the process handle and fd_ the read end of its stdout pipe, as integers (process.hpp is POSIX-shaped).

namespace {
HANDLE handle_of(intptr_t value) { return reinterpret_cast<HANDLE>(value); }
}  // namespace

Background::Background(const std::vector<std::string>& argv) {
    Pipe out(false);
    HANDLE err = ::GetStdHandle(STD_ERROR_HANDLE);  // ours, shared: it must be inheritable to be listed
    if (err != nullptr && err != INVALID_HANDLE_VALUE) ::SetHandleInformation(err, HANDLE_FLAG_INHERIT, HANDLE_FLAG_INHERIT);
    HANDLE process = start(argv, nullptr, out.write, err, nullptr, "");
    Pipe::close(out.write);
    process_ = reinterpret_cast<intptr_t>(process);
    pipe_ = reinterpret_cast<intptr_t>(out.read);
    out.read = nullptr;
}

Background::~Background() {
    if (!reaped_) {
        kill(SIGKILL);
        wait();
    }
    if (pipe_ != 0) ::CloseHandle(handle_of(pipe_));
    if (process_ != 0) ::CloseHandle(handle_of(process_));
}

void Background::drain(int timeout_ms) {
    // Anonymous pipes cannot be waited on: poll what is there every few milliseconds until the deadline.
    const ULONGLONG deadline = ::GetTickCount64() + static_cast<ULONGLONG>(timeout_ms < 0 ? 0 : timeout_ms);
    char buffer[65536];
    while (pipe_ != 0) {
        DWORD available = 0;
        if (!::PeekNamedPipe(handle_of(pipe_), nullptr, 0, nullptr, &available, nullptr)) {  // the child is done
            ::CloseHandle(handle_of(pipe_));
            pipe_ = 0;
            return;
        }
        if (available > 0) {
            DWORD got = 0;
            if (::ReadFile(handle_of(pipe_), buffer, std::min<DWORD>(available, sizeof buffer), &got, nullptr) && got > 0)
                output_.append(buffer, got);
            continue;  // take what else is there, without waiting
        }
        if (timeout_ms >= 0 && ::GetTickCount64() >= deadline) return;
        ::Sleep(5);
    }
}

void Background::kill(int signal) {
    if (signal != SIGKILL) throw std::runtime_error("process.hpp: only SIGKILL has a Windows counterpart; tag the test [posix]");
    if (!reaped_ && ::TerminateProcess(handle_of(process_), 128 + SIGKILL)) killed_ = true;
}

int Background::wait() {
    while (pipe_ != 0) drain(-1);
    if (!reaped_) {
        ::WaitForSingleObject(handle_of(process_), INFINITE);
        DWORD code = 0;
        ::GetExitCodeProcess(handle_of(process_), &code);
        status_ = static_cast<int>(code);
        reaped_ = true;
    }
    return killed_ ? -SIGKILL : status_;
}

}  // namespace tote::test

#endif  // _WIN32
