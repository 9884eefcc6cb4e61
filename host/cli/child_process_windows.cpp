// SPDX-License-Identifier: Apache-2.0
// child_process_windows.cpp — ChildProcess on Windows, over the host's WinChild (host/src/win_child.cpp, compiled
// into the CLI as well): the running tote.exe started with CreateProcessW, its report pipe's handle value after
// --report-fd, its stdout and stderr on our stderr.
#include "child_process.hpp"

#include "cli_context.hpp"
#include "win_child.hpp"

#include <boost/dll/runtime_symbol_info.hpp>

#include <memory>
#include <stdexcept>

namespace tote::cli {

namespace {

// The WinChild of each ChildProcess (the header keeps POSIX's two members; Windows keeps its object here).
detail::WinChild& child_of(void* p) { return *static_cast<detail::WinChild*>(p); }

}  // namespace

bool ChildProcess::supported() { return true; }

int ChildProcess::in_child(long long value) {
    const int fd = detail::WinChild::adopt_report(value);
    if (fd < 0) throw CliError{exit_failure, "--report-fd " + std::to_string(value) + " is not a handle this process holds"};
    return fd;
}

ChildProcess::ChildProcess(const std::vector<std::string>& args) {
    std::error_code ec;
    const std::wstring self = boost::dll::program_location(ec).wstring();
    if (ec) throw CliError{exit_failure, "cannot find the running tote binary: " + ec.message()};
    try {
        process_ = new detail::WinChild(self, args, {}, detail::WinChild::Output::to_stderr);
    } catch (const std::runtime_error& e) {
        throw CliError{exit_failure, e.what()};
    }
}

ChildProcess::~ChildProcess() { delete static_cast<detail::WinChild*>(process_); }

ChildProcess::Read ChildProcess::read_line(std::string& line, std::chrono::steady_clock::time_point deadline) {
    switch (child_of(process_).read_line(line, deadline)) {
    case detail::WinChild::Read::line: return Read::line;
    case detail::WinChild::Read::timeout: return Read::timeout;
    case detail::WinChild::Read::end: break;
    }
    return Read::end;
}

std::string ChildProcess::finish() { return child_of(process_).finish(); }

}  // namespace tote::cli
