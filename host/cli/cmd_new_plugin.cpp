// SPDX-License-Identifier: Apache-2.0
// cmd_new_plugin.cpp — `tote new-plugin NAME [DIR]`: writes a new backend project, a copy of
// packaging/plugin-template with its placeholder name replaced. The template's files are compiled into tote
// (plugin_template.cpp, generated at build time by cmake/ToteEmbedFiles.cmake), so an installed tote needs no
// source tree.
#include "cli_context.hpp"
#include "cli_output.hpp"

#include <fcntl.h>
#ifdef _WIN32
#include <io.h>
#include <sys/stat.h>
#else
#include <unistd.h>
#endif

#include <cerrno>
#include <cstdlib>
#include <cstring>
#include <filesystem>
#include <string_view>
#include <utility>
#include <vector>

namespace tote::cli {

// Defined in the generated plugin_template.cpp: {path relative to the project, contents} of each template file.
std::vector<std::pair<std::string_view, std::string_view>> plugin_template_files();

namespace {

namespace fs = std::filesystem;

// The word the template uses wherever the project's name goes: scheme, plugin name, target and file names.
constexpr std::string_view kPlaceholder = "toteexample";

// The name becomes the URL scheme, so it must be a valid one ([a-z][a-z0-9+.-]*, at most 32 bytes), and it
// becomes part of C++ and CMake identifiers, so it may not hold '+', '.' or '-'. Underscores would suit the
// identifiers but not the scheme, so they are refused too.
constexpr size_t kNameMax = 32;

bool valid_name(const std::string& name) {
    if (name.empty() || name.size() > kNameMax || name[0] < 'a' || name[0] > 'z') return false;
    for (char c : name)
        if (!((c >= 'a' && c <= 'z') || (c >= '0' && c <= '9'))) return false;
    return true;
}

std::string replace_all(std::string_view text, std::string_view from, const std::string& to) {
    std::string out;
    out.reserve(text.size());
    for (size_t pos = 0;;) {
        size_t hit = text.find(from, pos);
        if (hit == std::string_view::npos) {
            out.append(text.substr(pos));
            return out;
        }
        out.append(text.substr(pos, hit - pos));
        out.append(to);
        pos = hit + from.size();
    }
}

// The path as one word of the shell the next steps are typed into (POSIX sh; cmd.exe on Windows): quoted only when
// it needs to be, so the printed commands can be pasted.
std::string shell_word(const std::string& path) {
#ifdef _WIN32
    if (!path.empty() && path.find_first_of(" \t&()[]{}^=;!'+,`~") == std::string::npos) return path;
    return "\"" + path + "\"";
#else
    if (!path.empty() && path.find_first_not_of("ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789"
                                                "_./+:=@%,-") == std::string::npos)
        return path;
    return "'" + replace_all(path, "'", "'\\''") + "'";
#endif
}

// Creates path (which must not exist: O_EXCL) holding contents. Exit 4 if it appeared meanwhile, 1 on I/O errors.
void write_new_file(const fs::path& path, const std::string& contents) {
#ifdef _WIN32
    int fd = ::_wopen(path.c_str(), _O_WRONLY | _O_CREAT | _O_EXCL | _O_BINARY, _S_IREAD | _S_IWRITE);
#else
    int fd = ::open(path.c_str(), O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0666);
#endif
    if (fd < 0) {
        int err = errno;
        if (err == EEXIST) throw CliError{exit_conflict, path.string() + " already exists: not overwriting it"};
        throw CliError{exit_failure, "cannot create " + path.string() + ": " + std::strerror(err)};
    }
    for (size_t done = 0; done < contents.size();) {
        ssize_t n = ::write(fd, contents.data() + done, contents.size() - done);
        if (n < 0 && errno == EINTR) continue;
        if (n < 0) {
            int err = errno;
            ::close(fd);
            throw CliError{exit_failure, "cannot write " + path.string() + ": " + std::strerror(err)};
        }
        done += static_cast<size_t>(n);
    }
    if (::close(fd) != 0)
        throw CliError{exit_failure, "cannot write " + path.string() + ": " + std::strerror(errno)};
}

// How to run this tote again: "tote" if that is what $PATH finds, else the path of the running binary.
std::string program_name(const fs::path& exe) {
    if (exe.empty()) return "tote";
    const char* path = std::getenv("PATH");
    for (std::string_view dirs = path ? path : ""; !dirs.empty();) {
        const size_t colon = dirs.find(':');
        const std::string dir(dirs.substr(0, colon));
        dirs = colon == std::string_view::npos ? std::string_view() : dirs.substr(colon + 1);
        std::error_code ec;
        const fs::path candidate = fs::path(dir.empty() ? "." : dir) / "tote";
        if (fs::exists(candidate, ec)) return fs::equivalent(candidate, exe, ec) ? "tote" : shell_word(exe.string());
    }
    return shell_word(exe.string());
}

struct NewPluginArgs {
    std::string name;
    std::string dir;  // "" for ./NAME
};

int run_new_plugin(const NewPluginArgs& args) {
    if (!valid_name(args.name))
        throw CliError{exit_usage, "bad plugin name '" + args.name + "': expected a lower-case letter, then " +
                                       "lower-case letters and digits, at most " + std::to_string(kNameMax) +
                                       " in all (it becomes the URL scheme, the plugin name and the file names)"};
    const fs::path dir = args.dir.empty() ? fs::path(args.name) : fs::path(args.dir);

    // Every target path first, and refuse before writing anything if one of them exists.
    std::vector<std::pair<fs::path, std::string>> files;
    for (const auto& [path, text] : plugin_template_files())
        files.emplace_back(dir / replace_all(path, kPlaceholder, args.name),
                           replace_all(text, kPlaceholder, args.name));
    for (const auto& file : files) {
        std::error_code ec;
        if (fs::exists(fs::symlink_status(file.first, ec)))
            throw CliError{exit_conflict,
                           file.first.string() + " already exists: not overwriting it (nothing was written)"};
    }

    std::string report = "Created the tote plugin project '" + args.name + "' in " + dir.string() + ":\n";
    for (const auto& [path, text] : files) {
        std::error_code ec;
        fs::create_directories(path.parent_path().empty() ? fs::path(".") : path.parent_path(), ec);
        if (ec)
            throw CliError{exit_failure,
                           "cannot create directory " + path.parent_path().string() + ": " + ec.message()};
        write_new_file(path, text);
        report += "  " + path.string() + "\n";
    }

    // The commands to go on with, naming this tote and, when it is an installed one outside the prefixes CMake
    // searches anyway, the prefix of its SDK.
    std::error_code exe_error, sdk_error;
    const fs::path exe = fs::read_symlink("/proc/self/exe", exe_error);
    const fs::path prefix = exe_error ? fs::path() : exe.parent_path().parent_path();
    const bool installed = !prefix.empty() && fs::exists(prefix / "include" / "tote" / "tote_plugin.h", sdk_error);
    std::string prefix_arg = " -DCMAKE_PREFIX_PATH=<where the tote SDK is installed>";
    if (installed && (prefix == "/usr" || prefix == "/usr/local"))
        prefix_arg.clear();
    else if (installed)
        prefix_arg = " -DCMAKE_PREFIX_PATH=" + shell_word(prefix.string());
    const std::string d = shell_word(dir.string());
#ifdef _WIN32
    const char* const suffix = ".dll";
#else
    const char* const suffix = ".so";
#endif
    const std::string so = shell_word((dir / "build" / (args.name + suffix)).string());
    report += "\nNext steps:\n";
    report += "  cmake -S " + d + " -B " + shell_word((dir / "build").string()) + prefix_arg + "\n";
    report += "  cmake --build " + shell_word((dir / "build").string()) + "\n";
    report += "  " + program_name(exe) + " plugin check " + so + "\n";
    report += "Then copy " + so + " into a plugin directory: see " + shell_word((dir / "README.md").string()) + ".\n";
    write_stdout(report);
    flush_stdout();
    return exit_ok;
}

}  // namespace

void add_new_plugin_command(CLI::App& app, Context& ctx) {
    auto args = std::make_shared<NewPluginArgs>();
    auto* cmd = app.add_subcommand("new-plugin", "write a new backend plugin project (C++, CMake) to start from");
    cmd->add_option("NAME", args->name,
                    "the plugin's name and URL scheme: a lower-case letter, then lower-case letters and digits")
        ->required();
    cmd->add_option("DIR", args->dir,
                    "where to write the project (default: ./NAME); existing files are never overwritten");
    cmd->callback([&ctx, args] { ctx.action = [args] { return run_new_plugin(*args); }; });
}

}  // namespace tote::cli
