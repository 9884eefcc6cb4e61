// SPDX-License-Identifier: Apache-2.0
// call.hpp — the host side of one plugin call: the tote_call handed to the plugin, the message it may attach,
// and the translation of a non-OK status into a tote::Error with a message that names what was being done.
#ifndef TOTE_HOST_CALL_HPP
#define TOTE_HOST_CALL_HPP

#include <tote/error.hpp>
#include <tote/tote_plugin.h>

#include <string>
#include <string_view>

namespace tote::detail {

class Call {
public:
    // host_abi: the version the host speaks with this plugin; a status code newer than it is a plugin bug.
    explicit Call(uint32_t host_abi = TOTE_ABI_VERSION) : host_minor_(static_cast<int>(TOTE_ABI_VERSION_MINOR(host_abi))) {
        call_.struct_size = sizeof call_;
        call_.reserved = 0;
        call_.host_data = this;
        call_.set_error = &Call::set_error;
    }
    Call(const Call&) = delete;
    Call& operator=(const Call&) = delete;

    const tote_call* get() const { return &call_; }
    const std::string& message() const { return message_; }

    // Throws unless status is TOTE_OK. what() describes the operation, "read 'a/b' in json:///x"; it is called
    // only on failure (building it costs more than a successful call), and the error reads
    // "not found: read 'a/b' in json:///x: <the plugin's message>".
    template <class What> void check(tote_status status, What&& what) const {
        if (status != TOTE_OK) fail(status, what());
    }

    [[noreturn]] void fail(tote_status status, const std::string& what) const {
        const int minor = status_minor(status);
        const bool known = minor >= 0 && minor <= host_minor_;
        const Status s = known ? static_cast<Status>(status) : Status::internal;
        std::string text = std::string(status_name(s)) + ": " + what;
        if (minor < 0) text += " (plugin returned unknown status " + std::to_string(status) + ")";
        else if (!known)
            text += " (plugin returned status " + std::to_string(status) + ", which ABI 1." +
                    std::to_string(host_minor_) + " does not define, to a host speaking it)";
        if (!message_.empty()) text += ": " + message_;
        throw Error(s, text);
    }

private:
    static void set_error(const tote_call* call, const char* msg, size_t len) noexcept {
        if (call == nullptr || call->host_data == nullptr || msg == nullptr) return;
        try {
            static_cast<Call*>(call->host_data)->message_.assign(msg, len);
        } catch (...) {
            // Out of memory while copying a message: the status alone still reaches the caller.
        }
    }

    tote_call call_{};
    int host_minor_;
    std::string message_;
};

}  // namespace tote::detail

#endif  // TOTE_HOST_CALL_HPP
