#!/bin/sh
# SPDX-License-Identifier: Apache-2.0
# graph_migration_test.sh TOTE PG_URL_FILE REDIS_URL_FILE DIR — a graph built on json and moved with `tote cp`
# json → sqlite → postgres → redis → json answers neighbours, paths, checks and exports identically at every stop:
# the graph layer is plain keys, so any backend holds it and a copy is the same graph.
set -eu
tote=$1
pg_url=$(cat "$2")
redis_url=$(cat "$3")
dir=$4
rm -rf "$dir"
mkdir -p "$dir/home"
export HOME="$dir/home" XDG_CONFIG_HOME="$dir/home/.config" XDG_DATA_HOME="$dir/home/.local/share" LC_ALL=C
cat > "$dir/tote.toml" <<CONFIG
[stores.pg]
url = "$pg_url"
options = { table = "graph_migration_$$" }
[stores.rd]
url = "$redis_url"
options = { prefix = "graph_migration_$$" }
CONFIG
T() { "$tote" --config "$dir/tote.toml" "$@"; }
cleanup() { T drop pg --yes >/dev/null 2>&1 || true; T drop rd --yes >/dev/null 2>&1 || true; }
trap cleanup EXIT

# A graph of 60 nodes (some with ids no key segment holds as they are) and 180 edges of three types, generated
# deterministically, imported as node-link JSON.
python3 - "$dir/graph.json" <<'PY'
import json, sys
ids = ["n%02d" % i for i in range(55)] + ["a/b", "", "日本語", ".dot", "100%"]
nodes = [{"id": n, "rank": i} for i, n in enumerate(ids)]
links, x = [], 12345
for i in range(180):
    x = (x * 1103515245 + 12345) % 2**31
    s, t = ids[x % 60], ids[(x // 60) % 60]
    links.append({"source": s, "target": t, "key": "e%03d" % i, "type": "t%d" % (x % 3), "w": i})
json.dump({"directed": True, "multigraph": True, "graph": {}, "nodes": nodes, "links": links}, open(sys.argv[1], "w"))
PY
T graph "json://$dir/a" kg import "$dir/graph.json"

# Everything asked of a graph, into one file per stop.
answers() {
  out=$dir/answers-$2
  : > "$out"
  # Enough questions to cover every id kind, direction and depth, few enough that the suite stays quick under
  # the sanitizers (each is a tote process).
  for n in n07 n42 "a/b" "" "日本語"; do
    for d in out in both; do
      for k in 1 3; do
        echo "neighbors '$n' $d $k:" >> "$out"
        T graph "$1" kg neighbors "$n" --direction "$d" --depth "$k" >> "$out"
      done
      echo "neighbors '$n' $d t1:" >> "$out"
      T graph "$1" kg neighbors "$n" --direction "$d" --type t1 --depth 4 >> "$out"
    done
    for m in n30 ".dot" "100%"; do
      for d in out both; do
        echo "path '$n' '$m' $d:" >> "$out"
        T graph "$1" kg path "$n" "$m" --direction "$d" >> "$out" 2>&1 || echo "exit $?" >> "$out"
      done
    done
  done
  T graph "$1" kg find --where '{"rank": {"$gte": 50}}' >> "$out"
  T graph "$1" kg check >> "$out"
  T graph "$1" kg export >> "$out"
}

answers "json://$dir/a" json
grep -q "60 nodes, 180 edges, 360 adjacency entries: ok" "$dir/answers-json"
T cp "json://$dir/a" "sqlite://$dir/b.db" > /dev/null
answers "sqlite://$dir/b.db" sqlite
T cp "sqlite://$dir/b.db" pg > /dev/null
answers pg postgres
T cp pg rd > /dev/null
answers rd redis
T cp rd "json://$dir/c" > /dev/null
answers "json://$dir/c" json-again
for stop in sqlite postgres redis json-again; do
  if ! cmp -s "$dir/answers-json" "$dir/answers-$stop"; then
    echo "the graph answers differently after the move to $stop:" >&2
    diff "$dir/answers-json" "$dir/answers-$stop" | head -20 >&2
    exit 1
  fi
done
echo "ok: $(grep -c : "$dir/answers-json") questions answered identically on json, sqlite, postgres, redis, json"
