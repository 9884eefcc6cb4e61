#!/bin/sh
# SPDX-License-Identifier: Apache-2.0
# certs.sh DIR — TLS certificates for the test servers (redis.sh and postgres.sh start-tls), made with openssl:
#   DIR/ca.pem (+ ca.key)                 a CA made for this server alone
#   DIR/server.pem, DIR/server.key        the server's certificate, signed by it, naming 127.0.0.1 and localhost
#   DIR/client.pem, DIR/client.key        a client certificate signed by it
#   DIR/other-ca.pem                      an unrelated CA, which signed nothing here
# Valid for two days: they live as long as one test run.
set -eu
command -v openssl >/dev/null || { echo "certs.sh: no openssl found (apt-get install openssl)" >&2; exit 77; }
cd "$1"
q() { "$@" >/dev/null 2>&1; }
q openssl req -x509 -newkey rsa:2048 -nodes -days 2 -subj "/CN=tote test CA" -keyout ca.key -out ca.pem
q openssl req -x509 -newkey rsa:2048 -nodes -days 2 -subj "/CN=another CA" -keyout other-ca.key -out other-ca.pem
q openssl req -newkey rsa:2048 -nodes -subj "/CN=localhost" -keyout server.key -out server.csr
printf 'subjectAltName=IP:127.0.0.1,DNS:localhost\n' > server.ext
q openssl x509 -req -in server.csr -CA ca.pem -CAkey ca.key -CAcreateserial -days 2 -extfile server.ext -out server.pem
q openssl req -newkey rsa:2048 -nodes -subj "/CN=tote client" -keyout client.key -out client.csr
q openssl x509 -req -in client.csr -CA ca.pem -CAkey ca.key -CAcreateserial -days 2 -out client.pem
chmod 600 server.key client.key
