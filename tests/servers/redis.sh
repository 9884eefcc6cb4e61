#!/bin/sh
# redis.sh — a private Redis for the tests: its own directory, its own port on 127.0.0.1, a password.
#
#   redis.sh start DIR     start on a free port; writes DIR/url (redis://:tote-secret@127.0.0.1:PORT/0) and DIR/port
#   redis.sh stop DIR      stop it (also fine if it is not running)
#   redis.sh restart DIR   stop and start again on the same port (its data survives: appendonly is on)
#
# Needs Debian's redis-server package.
set -eu
cmd="$1"
dir="$(cd "$(dirname "$2")" && pwd)/$(basename "$2")"
command -v redis-server >/dev/null || { echo "redis.sh: no redis-server found (apt-get install redis-server)" >&2; exit 77; }

start_server() {
  redis-server --port "$(cat "$dir/port")" --bind 127.0.0.1 --dir "$dir" --daemonize yes --pidfile "$dir/redis.pid" \
    --logfile "$dir/server.log" --requirepass tote-secret --appendonly yes --appendfsync everysec --save "" \
    --protected-mode no >/dev/null
  for i in $(seq 1 100); do
    redis-cli -p "$(cat "$dir/port")" -a tote-secret --no-auth-warning ping 2>/dev/null | grep -q PONG && return 0
    sleep 0.05
  done
  cat "$dir/server.log" >&2
  return 1
}

stop_server() {
  if [ -f "$dir/redis.pid" ]; then
    pid="$(cat "$dir/redis.pid")"  # read once: redis removes the file as it exits
    kill "$pid" 2>/dev/null || true
    for i in $(seq 1 100); do kill -0 "$pid" 2>/dev/null || break; sleep 0.05; done
    rm -f "$dir/redis.pid"
  fi
}

case "$cmd" in
start)
  stop_server 2>/dev/null || true
  rm -rf "$dir"
  mkdir -p "$dir"
  port="$(python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])')"
  echo "$port" > "$dir/port"
  start_server
  echo "redis://:tote-secret@127.0.0.1:$port/0" > "$dir/url"
  cat "$dir/url"
  ;;
stop) stop_server ;;
restart)
  stop_server
  start_server
  ;;
*)
  echo "usage: redis.sh start|stop|restart DIR" >&2
  exit 2
  ;;
esac
