#!/bin/sh
# SPDX-License-Identifier: Apache-2.0
# redis.sh — a private Redis for the tests: its own directory, its own port on 127.0.0.1, a password.
#
#   redis.sh start DIR     start on a free port; writes DIR/url (redis://:tote-secret@127.0.0.1:PORT/0) and DIR/port
#   redis.sh start-tls DIR the same, TLS only: DIR/url is rediss://…, DIR/ca.pem the CA that signed the server's
#                          certificate (for 127.0.0.1 and localhost), DIR/client.pem + client.key a client certificate
#                          the server accepts, DIR/other-ca.pem a CA that signed nothing of this server's
#   redis.sh stop DIR      stop it (also fine if it is not running)
#   redis.sh restart DIR   stop and start again on the same port (its data survives: appendonly is on)
#
# Needs Debian's redis-server package (built with TLS), and openssl for start-tls.
set -eu
cmd="$1"
dir="$(cd "$(dirname "$2")" && pwd)/$(basename "$2")"
command -v redis-server >/dev/null || { echo "redis.sh: no redis-server found (apt-get install redis-server)" >&2; exit 77; }

start_server() {
  port="$(cat "$dir/port")"
  if [ -f "$dir/tls" ]; then
    listen="--port 0 --tls-port $port --tls-cert-file $dir/server.pem --tls-key-file $dir/server.key"
    listen="$listen --tls-ca-cert-file $dir/ca.pem --tls-auth-clients optional"
    # Also on 127.0.0.2, an address the certificate does not name (the tests check that this is refused).
    listen="$listen --bind 127.0.0.1 127.0.0.2"
    cli="--tls --cacert $dir/ca.pem"
  else
    listen="--port $port --bind 127.0.0.1"
    cli=""
  fi
  # shellcheck disable=SC2086  # $listen and $cli are lists of arguments
  redis-server $listen --dir "$dir" --daemonize yes --pidfile "$dir/redis.pid" \
    --logfile "$dir/server.log" --requirepass tote-secret --appendonly yes --appendfsync everysec --save "" \
    --protected-mode no >/dev/null
  for i in $(seq 1 100); do
    # shellcheck disable=SC2086
    redis-cli $cli -p "$port" -a tote-secret --no-auth-warning ping 2>/dev/null | grep -q PONG && return 0
    sleep 0.05
  done
  cat "$dir/server.log" >&2
  return 1
}

stop_server() {
  if [ -f "$dir/redis.pid" ]; then
    pid="$(cat "$dir/redis.pid")"  # read once: redis removes the file as it exits
    # SIGTERM, repeated every second: a Redis replica busy with the AOF rewrite that follows a full sync has been
    # seen to miss one and live on. After 5 s, SIGKILL: a test server must never outlive its test.
    for i in $(seq 1 100); do
      kill -0 "$pid" 2>/dev/null || break
      [ $((i % 20)) -ne 1 ] || kill "$pid" 2>/dev/null || true
      sleep 0.05
    done
    if kill -0 "$pid" 2>/dev/null; then
      kill -9 "$pid" 2>/dev/null || true
      for i in $(seq 1 40); do kill -0 "$pid" 2>/dev/null || break; sleep 0.05; done
    fi
    rm -f "$dir/redis.pid"
  fi
}

case "$cmd" in
start|start-tls)
  stop_server 2>/dev/null || true
  rm -rf "$dir"
  mkdir -p "$dir"
  port="$(python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])')"
  echo "$port" > "$dir/port"
  scheme=redis
  if [ "$cmd" = start-tls ]; then
    "$(dirname "$0")/certs.sh" "$dir"
    touch "$dir/tls"
    scheme=rediss
  fi
  start_server
  echo "$scheme://:tote-secret@127.0.0.1:$port/0" > "$dir/url"
  cat "$dir/url"
  ;;
stop) stop_server ;;
restart)
  stop_server
  start_server
  ;;
*)
  echo "usage: redis.sh start|start-tls|stop|restart DIR" >&2
  exit 2
  ;;
esac
