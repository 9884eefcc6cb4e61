// SPDX-License-Identifier: Apache-2.0
// loader.cpp — one plugin file in, a checked LoadedPlugin (or a reason) out.
//
// Libraries are loaded with RTLD_NOW (a missing symbol fails here, not in the middle of a write) and RTLD_LOCAL
// (two plugins linking different versions of a library do not collide), and never unloaded: thread-local
// destructors and threads left running in unloaded code crash at exit in many hosts.
#include "loader.hpp"

#include "url.hpp"

#include <boost/dll/shared_library.hpp>

#include <cstring>
#include <mutex>
#include <set>
#include <string>
#include <system_error>
#include <vector>

namespace tote::detail {

namespace {

// Every library ever loaded, kept for the life of the process (deliberately leaked: no dlclose, ever).
void keep_forever(boost::dll::shared_library library) {
    static std::mutex mutex;
    static auto* libraries = new std::vector<boost::dll::shared_library>();
    std::lock_guard<std::mutex> lock(mutex);
    libraries->push_back(std::move(library));
}

// A C string from the plugin, read with a bound so a garbage pointer to unterminated memory cannot run far.
bool bounded_string(const char* s, size_t max, std::string& out) {
    if (s == nullptr) return false;
    size_t n = strnlen(s, max + 1);
    if (n > max) return false;
    out.assign(s, n);
    return true;
}

bool is_identifier(const std::string& s, bool allow_dash) {
    if (s.empty() || !(s[0] >= 'a' && s[0] <= 'z')) return false;
    for (char c : s)
        if (!((c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '_' || (allow_dash && c == '-')))
            return false;
    return true;
}

std::string abi_text(uint32_t v) {
    return std::to_string(TOTE_ABI_VERSION_MAJOR(v)) + "." + std::to_string(TOTE_ABI_VERSION_MINOR(v));
}

}  // namespace

std::vector<std::string> extension_ids(const Extensions& ext) {
    const std::pair<const void*, const char*> offered[] = {  // sorted by id
        {ext.admin, TOTE_EXT_ADMIN},         {ext.append, TOTE_EXT_APPEND}, {ext.batch, TOTE_EXT_BATCH},
        {ext.layer, TOTE_EXT_LAYER},         {ext.list_batch, TOTE_EXT_LIST_BATCH}, {ext.query, TOTE_EXT_QUERY},
        {ext.read_range, TOTE_EXT_READ_RANGE},
    };
    std::vector<std::string> ids;
    for (const auto& [table, id] : offered)
        if (table != nullptr) ids.emplace_back(id);
    return ids;
}

namespace {

// Fills info from a descriptor that passed check_descriptor(), and its extensions.
PluginInfo describe(const tote_plugin* d, const std::filesystem::path& file, uint32_t host_abi,
                    const Extensions& ext) {
    PluginInfo info;
    info.path = file;
    info.name = d->name;
    info.version = d->version;
    info.description = d->description ? d->description : "";
    info.abi_version = d->abi_version;
    info.capabilities = d->capabilities & known_capabilities(TOTE_ABI_VERSION_MINOR(host_abi));
    info.location_kind = d->location_kind;
    for (const char* const* s = d->schemes; *s; ++s) info.schemes.emplace_back(*s);
    if (d->options)
        for (const tote_option_spec* o = d->options; o->name; ++o)
            info.options.push_back(OptionInfo{o->name, o->type, o->default_value ? o->default_value : "",
                                              o->description ? o->description : ""});
    info.extensions = extension_ids(ext);
    return info;
}

// An extension table as the plugin serves it: nullptr if not offered; `why` set if offered but unusable (too
// small for its functions, or a function it must have is NULL).
template <class Ext, class Check>
const Ext* find_extension(const tote_plugin* d, const char* id, size_t needed_size, Check functions_set,
                          std::string& why) {
    if (d->get_extension == nullptr) return nullptr;
    auto* ext = static_cast<const Ext*>(d->get_extension(id));
    if (ext == nullptr) return nullptr;
    if (ext->struct_size < needed_size) {
        why = std::string("get_extension(\"") + id + "\") gives a table of " + std::to_string(ext->struct_size) +
              " bytes, smaller than its first version's " + std::to_string(needed_size);
        return nullptr;
    }
    if (!functions_set(*ext)) {
        why = std::string("get_extension(\"") + id + "\") gives a table with a NULL function";
        return nullptr;
    }
    return ext;
}

// The end of a function-pointer field: the smallest struct_size that holds it.
#define TOTE_END_OF_(type, field) (offsetof(type, field) + sizeof(void*))

// The extensions a host speaking host_abi asks for, checked: "" or why the plugin is refused.
std::string find_extensions(const tote_plugin* d, uint32_t host_abi, Extensions& ext) {
    std::string why;
    if (d->capabilities & TOTE_CAP_ATOMIC_BATCH) {
        ext.batch = find_extension<tote_batch_ext>(d, TOTE_EXT_BATCH, TOTE_END_OF_(tote_batch_ext, write_batch),
                                                   [](const tote_batch_ext& e) { return e.write_batch != nullptr; },
                                                   why);
        if (ext.batch == nullptr)
            return why.empty() ? "declares TOTE_CAP_ATOMIC_BATCH but get_extension(\"" TOTE_EXT_BATCH "\") gives no table"
                               : "declares TOTE_CAP_ATOMIC_BATCH but " + why;
    }
    if (TOTE_ABI_VERSION_MINOR(host_abi) < 1) return "";  // a 1.0 host asks for no other extension
    ext.read_range = find_extension<tote_read_range_ext>(
        d, TOTE_EXT_READ_RANGE, TOTE_END_OF_(tote_read_range_ext, read_range),
        [](const tote_read_range_ext& e) { return e.read_range != nullptr; }, why);
    ext.append = find_extension<tote_append_ext>(d, TOTE_EXT_APPEND, TOTE_END_OF_(tote_append_ext, append),
                                                 [](const tote_append_ext& e) { return e.append != nullptr; }, why);
    ext.admin = find_extension<tote_admin_ext>(
        d, TOTE_EXT_ADMIN, TOTE_END_OF_(tote_admin_ext, info),
        [](const tote_admin_ext& e) { return e.drop != nullptr || e.info != nullptr; }, why);
    ext.list_batch = find_extension<tote_list_batch_ext>(
        d, TOTE_EXT_LIST_BATCH, TOTE_END_OF_(tote_list_batch_ext, list_batch),
        [](const tote_list_batch_ext& e) { return e.list_batch != nullptr; }, why);
    ext.query = find_extension<tote_query_ext>(d, TOTE_EXT_QUERY, TOTE_END_OF_(tote_query_ext, query),
                                               [](const tote_query_ext& e) { return e.query != nullptr; }, why);
    ext.layer = find_extension<tote_layer_ext>(d, TOTE_EXT_LAYER, TOTE_LAYER_EXT_SIZE_1_1,
                                               [](const tote_layer_ext& e) { return e.open_layer != nullptr; }, why);
    if (!why.empty()) return why;
    if (ext.query && !(d->capabilities & TOTE_CAP_LIST))
        return "offers \"" TOTE_EXT_QUERY "\" but does not declare TOTE_CAP_LIST";
    if (ext.append && !(d->capabilities & TOTE_CAP_APPEND))
        return "offers \"" TOTE_EXT_APPEND "\" but does not declare TOTE_CAP_APPEND";
    if (ext.list_batch && !(d->capabilities & TOTE_CAP_LIST))
        return "offers \"" TOTE_EXT_LIST_BATCH "\" but does not declare TOTE_CAP_LIST";
    return "";
}

#undef TOTE_END_OF_

}  // namespace

std::string check_descriptor(const tote_plugin* d, uint32_t host_abi_version) {
    const std::string host_abi = abi_text(host_abi_version);
    if (d == nullptr) return "entry point returned NULL (the plugin declined host ABI " + host_abi + ")";
    const size_t header = offsetof(tote_plugin, capabilities);
    if (d->struct_size < header)
        return "descriptor too small: struct_size " + std::to_string(d->struct_size) + " bytes";
    if (TOTE_ABI_VERSION_MAJOR(d->abi_version) != TOTE_ABI_MAJOR)
        return "ABI mismatch: plugin built for tote ABI " + abi_text(d->abi_version) + ", this host speaks ABI " +
               host_abi;
    if (d->struct_size < TOTE_PLUGIN_SIZE_1_0)
        return "descriptor too small: struct_size " + std::to_string(d->struct_size) + " bytes, ABI 1.0 needs " +
               std::to_string(TOTE_PLUGIN_SIZE_1_0);
    if (d->struct_size > 65536)
        return "implausible descriptor size " + std::to_string(d->struct_size) + " bytes";

    std::string text;
    if (!bounded_string(d->name, 64, text) || !is_identifier(text, true))
        return "bad plugin name (expected [a-z][a-z0-9_-]*, at most 64 characters)";
    if (!bounded_string(d->version, 64, text) || text.empty()) return "missing or overlong version string";
    if (d->description && !bounded_string(d->description, 1024, text)) return "description longer than 1024 bytes";
    if (d->schemes == nullptr || d->schemes[0] == nullptr) return "declares no URL scheme";
    std::set<std::string> seen;
    for (size_t i = 0; d->schemes[i] != nullptr; ++i) {
        if (i >= 32) return "more than 32 URL schemes (is the list NULL-terminated?)";
        if (!bounded_string(d->schemes[i], 32, text) || !is_valid_scheme(text))
            return "bad URL scheme at index " + std::to_string(i) + " (expected [a-z][a-z0-9+.-]*)";
        if (!seen.insert(text).second) return "URL scheme '" + text + "' listed twice";
    }
    if (d->location_kind != TOTE_LOCATION_PATH && d->location_kind != TOTE_LOCATION_URL)
        return "unknown location_kind " + std::to_string(d->location_kind);
    if (!d->open || !d->close || !d->read || !d->stat) return "open, close, read or stat is NULL";

    struct Need {
        uint64_t cap;
        const void* fn;
        const char* what;
    };
    const Need needs[] = {
        {TOTE_CAP_WRITE, reinterpret_cast<const void*>(d->write), "TOTE_CAP_WRITE but write is NULL"},
        {TOTE_CAP_WRITE, reinterpret_cast<const void*>(d->remove), "TOTE_CAP_WRITE but remove is NULL"},
        {TOTE_CAP_APPEND, reinterpret_cast<const void*>(d->append), "TOTE_CAP_APPEND but append is NULL"},
        {TOTE_CAP_LIST, reinterpret_cast<const void*>(d->list), "TOTE_CAP_LIST but list is NULL"},
        {TOTE_CAP_RENAME, reinterpret_cast<const void*>(d->rename), "TOTE_CAP_RENAME but rename is NULL"},
    };
    for (const Need& need : needs)
        if ((d->capabilities & need.cap) && need.fn == nullptr) return std::string("declares ") + need.what;
    Extensions ext;
    std::string why = find_extensions(d, host_abi_version, ext);
    if (!why.empty()) return why;

    if (d->options) {
        std::set<std::string> names;
        for (size_t i = 0;; ++i) {
            if (i >= 256) return "more than 256 options (is the option list terminated by a NULL name?)";
            const tote_option_spec& o = d->options[i];
            if (o.name == nullptr) break;
            if (!bounded_string(o.name, 64, text) || !is_identifier(text, false))
                return "bad option name at index " + std::to_string(i);
            if (o.type < TOTE_TYPE_BOOL || o.type > TOTE_TYPE_STRING)
                return "option '" + text + "' has unknown type " + std::to_string(o.type);
            if (!names.insert(text).second) return "option '" + text + "' declared twice";
        }
    }
    return "";
}

#ifdef _WIN32
// What LoadLibrary's error means for a plugin file, in words (Windows' own text may be missing, as under Wine).
std::string windows_load_error(int code) {
    switch (code) {
    case 2:  // ERROR_FILE_NOT_FOUND
    case 3:  // ERROR_PATH_NOT_FOUND
        return "No such file (Windows error " + std::to_string(code) + ")";
    case 5:  // ERROR_ACCESS_DENIED
        return "access denied (Windows error 5)";
    case 126:  // ERROR_MOD_NOT_FOUND: the file exists, so a DLL it imports does not
        return "a DLL it needs was not found (Windows error 126; objdump -p lists what it imports)";
    case 127:  // ERROR_PROC_NOT_FOUND
        return "a function it imports from another DLL is missing (Windows error 127)";
    case 193:  // ERROR_BAD_EXE_FORMAT
        return "not a valid DLL for this machine (Windows error 193: not a library, or built for another CPU)";
    default:
        return "Windows error " + std::to_string(code);
    }
}
#endif

LoadResult load_plugin(const std::filesystem::path& file, uint32_t host_abi) {
    LoadResult result;
    boost::dll::shared_library library;
    try {
        library.load(file, boost::dll::load_mode::rtld_now | boost::dll::load_mode::rtld_local);
#ifdef _WIN32
    } catch (const std::system_error& e) {
        // LoadLibrary says "module not found" (126) for the file itself as for a DLL it imports: tell them apart.
        std::error_code ec;
        const bool there = std::filesystem::exists(file, ec);
        result.refusal = "cannot load: " + windows_load_error(there ? e.code().value() : 2);
        return result;
#endif
    } catch (const std::exception& e) {
        std::string why = e.what();
        // Boost.DLL appends dlerror()'s text in parentheses; that is the useful part.
        // "…load() failed (dlerror system message: <text>): <errno text>" — keep <text>.
        size_t at = why.find("(dlerror system message: ");
        size_t end = why.rfind("): ");
        if (at != std::string::npos && end != std::string::npos && end > at) why = why.substr(at + 25, end - at - 25);
        result.refusal = "cannot load: " + why;
        return result;
    }
    if (!library.has(TOTE_PLUGIN_ENTRY_NAME)) {
        keep_forever(std::move(library));
        result.refusal = "no entry symbol '" TOTE_PLUGIN_ENTRY_NAME "' (not a tote plugin?)";
        return result;
    }
    auto entry = library.get<const tote_plugin*(uint32_t)>(TOTE_PLUGIN_ENTRY_NAME);
    keep_forever(std::move(library));
    const tote_plugin* d = entry(host_abi);
    result.refusal = check_descriptor(d, host_abi);
    if (!result.refusal.empty()) return result;
    auto plugin = std::make_shared<LoadedPlugin>();
    plugin->descriptor = d;
    plugin->host_abi = host_abi;
    find_extensions(d, host_abi, plugin->ext);
    plugin->info = describe(d, file, host_abi, plugin->ext);
    result.plugin = std::move(plugin);
    return result;
}

}  // namespace tote::detail
