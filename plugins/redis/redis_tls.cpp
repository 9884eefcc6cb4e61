// SPDX-License-Identifier: Apache-2.0
// redis_tls.cpp — the OpenSSL side of rediss:// (see redis_tls.hpp): the shared context with the trusted CAs and
// the client certificate, and one verified TLS session per connection.
#include "redis_tls.hpp"

#include <tote/plugin.hpp>

#include <openssl/err.h>
#include <openssl/x509v3.h>

#include <arpa/inet.h>

#include <cerrno>
#include <cstring>

namespace tote::redis_plugin {

using plugin::Error;

namespace {

// The oldest error OpenSSL queued for this thread, in its words, then the queue emptied.
std::string openssl_reason() {
    const unsigned long code = ERR_get_error();
    ERR_clear_error();
    if (code == 0) return "unknown reason";
    char text[256];
    ERR_error_string_n(code, text, sizeof text);
    return text;
}

bool is_ip_address(const std::string& host) {
    unsigned char address[sizeof(in6_addr)];
    return inet_pton(AF_INET, host.c_str(), address) == 1 || inet_pton(AF_INET6, host.c_str(), address) == 1;
}

}  // namespace

// ---- TlsContext ---------------------------------------------------------------------------------------------------

std::shared_ptr<TlsContext> TlsContext::create(const TlsOptions& options) {
    ERR_clear_error();
    SSL_CTX* ctx = SSL_CTX_new(TLS_client_method());
    if (ctx == nullptr) throw Error(TOTE_INTERNAL, "cannot set up TLS: " + openssl_reason());
    std::shared_ptr<TlsContext> context(new TlsContext(ctx));
    // TLS 1.2 is the oldest version Redis 6+ and current OpenSSL still agree is safe.
    SSL_CTX_set_min_proto_version(ctx, TLS1_2_VERSION);
    SSL_CTX_set_verify(ctx, SSL_VERIFY_PEER, nullptr);
    if (!options.ca_file.empty()) {
        if (SSL_CTX_load_verify_locations(ctx, options.ca_file.c_str(), nullptr) != 1)
            throw Error(TOTE_INVALID_ARGUMENT,
                        "option 'tls_ca_file': cannot use " + options.ca_file + " as CA certificates: " + openssl_reason());
    } else if (SSL_CTX_set_default_verify_paths(ctx) != 1) {
        throw Error(TOTE_INVALID_ARGUMENT, "cannot load the system's CA certificates (set option 'tls_ca_file'): " +
                                               openssl_reason());
    }
    if (options.cert_file.empty() && !options.key_file.empty())
        throw Error(TOTE_INVALID_ARGUMENT, "option 'tls_key_file' is the key of a client certificate: set 'tls_cert_file' too");
    if (!options.cert_file.empty()) {
        if (SSL_CTX_use_certificate_chain_file(ctx, options.cert_file.c_str()) != 1)
            throw Error(TOTE_INVALID_ARGUMENT, "option 'tls_cert_file': cannot use " + options.cert_file +
                                                   " as a client certificate: " + openssl_reason());
        const std::string& key = options.key_file.empty() ? options.cert_file : options.key_file;
        const char* option = options.key_file.empty() ? "tls_cert_file" : "tls_key_file";
        if (SSL_CTX_use_PrivateKey_file(ctx, key.c_str(), SSL_FILETYPE_PEM) != 1)
            throw Error(TOTE_INVALID_ARGUMENT, std::string("option '") + option + "': cannot use " + key +
                                                   " as the client certificate's private key: " + openssl_reason());
        if (SSL_CTX_check_private_key(ctx) != 1)
            throw Error(TOTE_INVALID_ARGUMENT, std::string("option '") + option + "': the key in " + key +
                                                   " does not belong to the certificate in " + options.cert_file);
    }
    return context;
}

TlsContext::~TlsContext() { SSL_CTX_free(ctx_); }

// ---- TlsStream ----------------------------------------------------------------------------------------------------

TlsStream::TlsStream(const TlsContext& context, int fd) : ssl_(SSL_new(context.get())) {
    if (ssl_ == nullptr || SSL_set_fd(ssl_, fd) != 1) {
        SSL_free(ssl_);
        throw Error(TOTE_INTERNAL, "cannot set up a TLS session: " + openssl_reason());
    }
}

// The socket belongs to hiredis, which closes it; no close_notify is sent (Redis does not need one, and a dead
// peer would make it block).
TlsStream::~TlsStream() { SSL_free(ssl_); }

TlsStream::Failure TlsStream::handshake(const std::string& host) {
    ERR_clear_error();
    // The certificate must name the host of the URL: as an IP address (a SAN of type IP) or a DNS name.
    X509_VERIFY_PARAM* param = SSL_get0_param(ssl_);
    if (is_ip_address(host)) {
        X509_VERIFY_PARAM_set1_ip_asc(param, host.c_str());
    } else {
        X509_VERIFY_PARAM_set_hostflags(param, X509_CHECK_FLAG_NO_PARTIAL_WILDCARDS);
        SSL_set1_host(ssl_, host.c_str());
        SSL_set_tlsext_host_name(ssl_, host.c_str());  // SNI, for servers behind a TLS proxy
    }
    const int result = SSL_connect(ssl_);
    if (result == 1) return Failure::none;
    const long verified = SSL_get_verify_result(ssl_);
    if (verified != X509_V_OK) {
        ERR_clear_error();
        why_ = std::string("the server's certificate was not accepted: ") +
               X509_verify_cert_error_string(verified);
        return Failure::rejected;
    }
    const Failure failure = fail(result);
    // Anything but a broken or silent network (a TLS alert, a plain-text server) is a refusal: trying again
    // would meet the same answer.
    if (failure == Failure::io && why_.find("wrong version number") != std::string::npos)
        why_ += " (is this a TLS port? a plain one takes redis://)";
    return failure == Failure::io ? Failure::rejected : failure;
}

TlsStream::Failure TlsStream::write_all(const char* data, size_t size) {
    while (size > 0) {
        ERR_clear_error();
        size_t written = 0;
        const int result = SSL_write_ex(ssl_, data, size, &written);
        if (result != 1) return fail(result);
        data += written;
        size -= written;
    }
    return Failure::none;
}

TlsStream::Failure TlsStream::read_some(char* buffer, size_t capacity, size_t& got) {
    ERR_clear_error();
    got = 0;
    const int result = SSL_read_ex(ssl_, buffer, capacity, &got);
    return result == 1 ? Failure::none : fail(result);
}

TlsStream::Failure TlsStream::fail(int result) {
    const int saved_errno = errno;
    const int error = SSL_get_error(ssl_, result);
    switch (error) {
    case SSL_ERROR_ZERO_RETURN:
        ERR_clear_error();
        why_ = "the server ended the TLS session";
        return Failure::closed;
    case SSL_ERROR_WANT_READ:
    case SSL_ERROR_WANT_WRITE:
        // A blocking socket only says "try again" when SO_RCVTIMEO / SO_SNDTIMEO ran out.
        ERR_clear_error();
        why_ = "timed out";
        return Failure::timeout;
    case SSL_ERROR_SYSCALL:
        ERR_clear_error();
        if (saved_errno == EAGAIN || saved_errno == EWOULDBLOCK) {
            why_ = "timed out";
            return Failure::timeout;
        }
        if (saved_errno == 0) {
            why_ = "the server closed the connection";
            return Failure::closed;
        }
        why_ = std::strerror(saved_errno);
        return Failure::io;
    default: {
        const unsigned long code = ERR_peek_error();
        if (ERR_GET_REASON(code) == SSL_R_UNEXPECTED_EOF_WHILE_READING) {
            ERR_clear_error();
            why_ = "the server closed the connection";
            return Failure::closed;
        }
        why_ = "TLS: " + openssl_reason();
        return Failure::io;
    }
    }
}

}  // namespace tote::redis_plugin
