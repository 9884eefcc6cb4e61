// SPDX-License-Identifier: Apache-2.0
// redis_tls.hpp — TLS for rediss:// URLs, with OpenSSL.
//
// hiredis 0.14 (Debian 12) cannot speak TLS (hiredis_ssl arrived in hiredis 1.0), but its protocol codec does not
// depend on its I/O: a TLS connection still lets hiredis make the TCP connection (with its timeouts), then runs
// the TLS handshake on that socket here, formats commands with redisFormatCommandArgv, sends them with
// TlsStream::write_all and feeds what TlsStream::read_some returns into the hiredis reader (redis_connection.cpp).
//
// The server's certificate is always verified: its chain against tls_ca_file (or the system's CAs), and its
// name against the URL's host (DNS name or IP address). There is deliberately no option to skip verification.
#ifndef TOTE_REDIS_TLS_HPP
#define TOTE_REDIS_TLS_HPP

#include <openssl/ssl.h>

#include <cstddef>
#include <memory>
#include <string>

namespace tote::redis_plugin {

// The rediss:// options; empty means "not set".
struct TlsOptions {
    std::string ca_file;    // PEM file of the CA certificates to trust; empty: the system's (/etc/ssl/certs)
    std::string cert_file;  // PEM client certificate (chain), for servers that require one (tls-auth-clients yes)
    std::string key_file;   // its private key (PEM); defaults to cert_file when only that is given
};

// The settings every connection of a store shares (CA store, client certificate). Made once, at open.
class TlsContext {
public:
    // Throws plugin::Error(TOTE_INVALID_ARGUMENT) naming the option and the file that could not be used.
    static std::shared_ptr<TlsContext> create(const TlsOptions& options);
    ~TlsContext();
    TlsContext(const TlsContext&) = delete;
    TlsContext& operator=(const TlsContext&) = delete;
    SSL_CTX* get() const { return ctx_; }

private:
    explicit TlsContext(SSL_CTX* ctx) : ctx_(ctx) {}
    SSL_CTX* ctx_;
};

// One TLS session on a connected, blocking socket with SO_RCVTIMEO/SO_SNDTIMEO set (the socket stays hiredis's).
class TlsStream {
public:
    // How a handshake, a read or a write ended when it did not succeed.
    enum class Failure { none, closed, timeout, io, rejected };

    TlsStream(const TlsContext& context, int fd);
    ~TlsStream();
    TlsStream(const TlsStream&) = delete;
    TlsStream& operator=(const TlsStream&) = delete;

    // The handshake, checking that the certificate names host. rejected: the server's certificate (or the TLS
    // parameters) were not accepted; why() says which check failed.
    Failure handshake(const std::string& host);
    // Everything or a failure; a failure part-way leaves the stream unusable.
    Failure write_all(const char* data, size_t size);
    // Some bytes (at least one) into buffer, or a failure (closed: the server ended the session).
    Failure read_some(char* buffer, size_t capacity, size_t& got);
    // Why the last call failed, in OpenSSL's or the system's words.
    const std::string& why() const { return why_; }

private:
    Failure fail(int result);

    SSL* ssl_;
    std::string why_;
};

}  // namespace tote::redis_plugin

#endif  // TOTE_REDIS_TLS_HPP
