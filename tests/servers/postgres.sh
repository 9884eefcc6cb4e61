#!/bin/sh
# SPDX-License-Identifier: Apache-2.0
# postgres.sh — a private PostgreSQL for the tests: its own data directory, its own port on 127.0.0.1, nothing
# shared with any other server on the machine.
#
#   postgres.sh start DIR     initdb in DIR, start on a free port; writes DIR/url (the tote URL of a database
#                             "tote" owned by role "tote", password "tote-secret") and DIR/port
#   postgres.sh start-tls DIR the same with TLS on (ssl=on), also listening on 127.0.0.2; certs.sh's files in DIR
#                             (DIR/ca.pem signed the server's certificate, which names 127.0.0.1 and localhost)
#   postgres.sh stop DIR      stop it (immediate; also fine if it is not running)
#   postgres.sh restart DIR   stop and start again on the same port and data
#
# As root it runs the server as the "postgres" user (initdb refuses root). Needs Debian's postgresql package.
set -eu
cmd="$1"
dir="$(cd "$(dirname "$2")" && pwd)/$(basename "$2")"
bin="$(ls -d /usr/lib/postgresql/*/bin 2>/dev/null | sort -V | tail -n 1)"
[ -x "$bin/initdb" ] || { echo "postgres.sh: no PostgreSQL server found (apt-get install postgresql)" >&2; exit 77; }

as_owner() {
  if [ "$(id -u)" -eq 0 ]; then runuser -u postgres -- "$@"; else "$@"; fi
}

start_server() {
  settings="-p $(cat "$dir/port") -k $dir/socket -h 127.0.0.1 -c fsync=off -c full_page_writes=off"
  if [ -f "$dir/tls" ]; then
    settings="$settings -h 127.0.0.1,127.0.0.2 -c ssl=on -c ssl_cert_file=$dir/server.pem -c ssl_key_file=$dir/server.key"
  fi
  as_owner "$bin/pg_ctl" -D "$dir/data" -l "$dir/server.log" -w -t 30 -o "$settings" start >/dev/null
}

case "$cmd" in
start|start-tls)
  "$0" stop "$dir"
  rm -rf "$dir"
  mkdir -p "$dir/socket"
  echo postgres-secret > "$dir/superuser-password"
  if [ "$cmd" = start-tls ]; then
    "$(dirname "$0")/certs.sh" "$dir"
    touch "$dir/tls"
  fi
  if [ "$(id -u)" -eq 0 ]; then chown -R postgres "$dir"; fi
  as_owner "$bin/initdb" -D "$dir/data" -A scram-sha-256 -U postgres --pwfile="$dir/superuser-password" >/dev/null
  # A free port: let the kernel pick one, then use it (a small race, fine for tests).
  for attempt in 1 2 3 4 5; do
    port="$(python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])')"
    echo "$port" > "$dir/port"
    if start_server; then break; fi
    [ "$attempt" -lt 5 ] || { cat "$dir/server.log" >&2; exit 1; }
  done
  as_owner env PGPASSWORD=postgres-secret "$bin/psql" -q -h 127.0.0.1 -p "$port" -U postgres -d postgres \
    -c "CREATE ROLE tote LOGIN PASSWORD 'tote-secret'" -c "CREATE DATABASE tote OWNER tote" >/dev/null
  echo "postgresql://tote:tote-secret@127.0.0.1:$port/tote" > "$dir/url"
  cat "$dir/url"
  ;;
stop)
  [ -d "$dir/data" ] && as_owner "$bin/pg_ctl" -D "$dir/data" -m immediate -w stop >/dev/null 2>&1 || true
  ;;
restart)
  as_owner "$bin/pg_ctl" -D "$dir/data" -m immediate -w stop >/dev/null 2>&1 || true
  start_server
  ;;
*)
  echo "usage: postgres.sh start|start-tls|stop|restart DIR" >&2
  exit 2
  ;;
esac
