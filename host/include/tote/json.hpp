// SPDX-License-Identifier: Apache-2.0
// tote/json.hpp — JSON helpers over tote::Store (header-only, nlohmann_json).
//
// Backends store bytes; these helpers store JSON documents as UTF-8 text and read them back, turning a parse
// error into tote::Error(Status::corrupt) that names the key. append_json_line() writes one compact document
// followed by '\n', the JSON Lines form used for logs and conversations.
#ifndef TOTE_JSON_HPP
#define TOTE_JSON_HPP

#include <tote/store.hpp>

#include <nlohmann/json.hpp>

#include <string>
#include <string_view>

namespace tote {

inline nlohmann::json read_json(const Store& store, std::string_view key, Stat* stat = nullptr) {
    std::string text = store.read(key, stat);
    try {
        return nlohmann::json::parse(text);
    } catch (const nlohmann::json::parse_error& e) {
        throw Error(Status::corrupt, "value of '" + std::string(key) + "' in " + store.url() +
                                         " is not valid JSON: " + e.what());
    }
}

// The document as text; a string holding invalid UTF-8 is Error(Status::invalid_argument) naming the key.
inline std::string dump_json(const nlohmann::json& value, int indent, std::string_view key) {
    try {
        return value.dump(indent, ' ', false, nlohmann::json::error_handler_t::strict);
    } catch (const nlohmann::json::type_error& e) {
        throw Error(Status::invalid_argument, "cannot store JSON under '" + std::string(key) + "': " + e.what());
    }
}

// indent < 0 writes compact JSON. Returns the new version.
inline uint64_t write_json(Store& store, std::string_view key, const nlohmann::json& value, int indent = 2,
                           const WriteOptions& options = {}) {
    std::string text = dump_json(value, indent, key);
    if (indent >= 0) text += '\n';
    return store.write(key, text, options);
}

inline void append_json_line(Store& store, std::string_view key, const nlohmann::json& value) {
    store.append(key, dump_json(value, -1, key) + "\n");
}

}  // namespace tote

#endif  // TOTE_JSON_HPP
