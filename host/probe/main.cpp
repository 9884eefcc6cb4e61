// SPDX-License-Identifier: Apache-2.0
// tote-plugin-probe — the helper process that looks at plugin files for the host, so that a file whose code
// crashes, hangs or exits when loaded takes down this short-lived process instead of the application.
//
//     tote-plugin-probe HOST_ABI FILE...                  (POSIX: reports on descriptor 3)
//     tote-plugin-probe --report-fd HANDLE HOST_ABI FILE...  (Windows: reports on the inherited pipe HANDLE)
//
// For each FILE, in order, it writes "probe <i>" before touching it, then loads it exactly as the host would
// (RTLD_NOW | RTLD_LOCAL, the entry point called with HOST_ABI, the descriptor and extensions checked) and writes
// one line of JSON: {"i": <i>, "info": {...}} for a usable plugin, {"i": <i>, "refused": "<why>"} otherwise. The
// host reads the lines with a deadline per file; a file after whose "probe" line no result comes (the process
// died or hung) is refused for that reason, and a new helper carries on with the next file. Plugins' own output
// goes to /dev/null (the host arranges it). Installed beside the first-party plugins' directory: <libdir>/tote/.
#include "loader.hpp"
#include "plugin_json.hpp"

#include "win_child.hpp"

#ifdef _WIN32
#include <io.h>
#else
#include <unistd.h>
#endif

#include <cstdlib>
#include <string>

namespace {

int g_report = 3;

void report(const std::string& line) {
    const std::string out = line + "\n";
    const char* p = out.data();
    size_t left = out.size();
    while (left > 0) {
#ifdef _WIN32
        const int n = ::_write(g_report, p, static_cast<unsigned>(left));
#else
        const ssize_t n = ::write(g_report, p, left);
#endif
        if (n <= 0) std::_Exit(3);  // the host is gone
        p += n;
        left -= static_cast<size_t>(n);
    }
}

}  // namespace

int main(int argc, char** argv) {
    int first = 1;  // HOST_ABI's position
#ifdef _WIN32
    if (argc < 3 || std::string(argv[1]) != "--report-fd") return 2;
    g_report = tote::detail::WinChild::adopt_report(std::strtoll(argv[2], nullptr, 10));
    if (g_report < 0) return 2;
    first = 3;
#endif
    if (argc < first + 1) return 2;
    const uint32_t host_abi = static_cast<uint32_t>(std::strtoul(argv[first], nullptr, 0));
    for (int i = first + 1; i < argc; ++i) {
        const int index = i - first - 1;
        report("probe " + std::to_string(index));
        const tote::detail::LoadResult loaded = tote::detail::load_plugin(argv[i], host_abi);
        nlohmann::json line = {{"i", index}};
        if (loaded.plugin)
            line["info"] = tote::detail::to_json(loaded.plugin->info);
        else
            line["refused"] = loaded.refusal;
        report(line.dump(-1, ' ', false, nlohmann::json::error_handler_t::replace));
    }
    report("done");
    return 0;
}
