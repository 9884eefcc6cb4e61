#!/usr/bin/env python3
# SPDX-License-Identifier: Apache-2.0
"""bench/python/bench.py — the Python package against Python's own sqlite3 module and diskcache (Debian's
python3-diskcache), on the same workloads in the same run, and the binding's per-call overhead over the C++ API.

    PYTHONPATH=build/python taskset -c 1 python3 bench/python/bench.py [--quick] [--dir DIR]

Workloads (each best of --reps runs, ops/s; ratios > 1 mean tote is faster):
  batch-put    N keys of 100 bytes in batches of 1,000: tote write_batch (one transaction each) / sqlite3 executemany
               in a transaction / diskcache set() inside a transaction (its fast path)
  random-get   N point reads of random keys of the store batch-put made
  list         every key of a store of L keys, in order: tote's lazy list() / SELECT key ORDER BY key / diskcache
               iterkeys(); peak RSS growth while listing (a million keys must list in flat memory)
  call         a stat() through the package on the null plugin (does nothing), against the same call through the
               C++ API (tote-bench --workload call-overhead, same machine, same run): the binding's overhead
Figures are recorded in docs/performance.md ("Python").
"""
import argparse
import gc
import json
import os
import random
import shutil
import sqlite3
import subprocess
import sys
import tempfile
import time

import diskcache

import tote

VALUE = b"v" * 100


def best(reps, fn):
    """The best ops/s of reps runs of fn(), which returns the number of operations it did."""
    rates = []
    for _ in range(reps):
        gc.collect()
        start = time.perf_counter()
        n = fn()
        rates.append(n / (time.perf_counter() - start))
    return max(rates)


def keys(n):
    return [f"bench/{i:08d}" for i in range(n)]


def row(name, backend, tote_rate, other_rate, note=""):
    print(f"{name:<11} {backend:<10} {tote_rate:>14,.0f} {other_rate:>14,.0f} {tote_rate / other_rate:>7.2f}  {note}")


def rss_mib():
    with open("/proc/self/statm") as f:
        return int(f.read().split()[1]) * os.sysconf("SC_PAGE_SIZE") / 2**20


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--quick", action="store_true")
    ap.add_argument("--dir")
    ap.add_argument("--reps", type=int, default=3)
    args = ap.parse_args()
    n = 20_000 if args.quick else 200_000
    gets = 20_000 if args.quick else 200_000
    list_keys = 100_000 if args.quick else 1_000_000
    work = args.dir or tempfile.mkdtemp(prefix="tote-pybench-")
    os.makedirs(work, exist_ok=True)
    ks = keys(n)
    print(f"tote {tote.__version__}, Python {sys.version.split()[0]}, sqlite3 {sqlite3.sqlite_version}, "
          f"diskcache {diskcache.__version__}; {n} keys, {gets} gets, {list_keys} keys listed")
    print(f"{'workload':<11} {'against':<10} {'tote ops/s':>14} {'other ops/s':>14} {'ratio':>7}")

    # --- batch-put ---
    def tote_put():
        path = os.path.join(work, "tote.db")
        for suffix in ("", "-wal", "-shm"):
            if os.path.exists(path + suffix):
                os.remove(path + suffix)
        s = tote.open("sqlite://" + path, create=True)
        for i in range(0, n, 1000):
            s.write_batch([(k, VALUE) for k in ks[i:i + 1000]])
        return n

    def sqlite_put():
        path = os.path.join(work, "raw.db")
        if os.path.exists(path):
            os.remove(path)
        db = sqlite3.connect(path, isolation_level=None)
        db.execute("PRAGMA journal_mode=WAL")
        db.execute("PRAGMA synchronous=NORMAL")
        db.execute("CREATE TABLE kv (key TEXT PRIMARY KEY, value BLOB) WITHOUT ROWID")
        for i in range(0, n, 1000):
            db.execute("BEGIN")
            db.executemany("INSERT OR REPLACE INTO kv VALUES (?, ?)", [(k, VALUE) for k in ks[i:i + 1000]])
            db.execute("COMMIT")
        db.close()
        return n

    def diskcache_put():
        path = os.path.join(work, "dc")
        shutil.rmtree(path, ignore_errors=True)
        cache = diskcache.Cache(path)
        for i in range(0, n, 1000):
            with cache.transact():
                for k in ks[i:i + 1000]:
                    cache.set(k, VALUE)
        cache.close()
        return n

    t = best(args.reps, tote_put)
    row("batch-put", "sqlite3", t, best(args.reps, sqlite_put), "WAL, synchronous=NORMAL on both")
    row("batch-put", "diskcache", t, best(args.reps, diskcache_put), "target >= 3")

    # --- random-get (on the stores batch-put left) ---
    order = [ks[random.Random(7).randrange(n)] for _ in range(gets)]
    s = tote.open("sqlite://" + os.path.join(work, "tote.db"))
    db = sqlite3.connect(os.path.join(work, "raw.db"))
    cache = diskcache.Cache(os.path.join(work, "dc"))

    def tote_get():
        read = s.read
        for k in order:
            read(k)
        return gets

    def sqlite_get():
        q = db.execute
        for k in order:
            q("SELECT value FROM kv WHERE key = ?", (k,)).fetchone()
        return gets

    def diskcache_get():
        get = cache.get
        for k in order:
            get(k)
        return gets

    t = best(args.reps, tote_get)
    row("random-get", "sqlite3", t, best(args.reps, sqlite_get))
    row("random-get", "diskcache", t, best(args.reps, diskcache_get), "target >= 1.2")

    # --- list: a bigger store, listed in order ---
    big = tote.open("sqlite://" + os.path.join(work, "big.db"), create=True)
    big_keys = keys(list_keys)
    for i in range(0, list_keys, 10_000):
        big.write_batch([(k, b"") for k in big_keys[i:i + 10_000]])
    rawbig = sqlite3.connect(os.path.join(work, "bigraw.db"), isolation_level=None)
    rawbig.execute("CREATE TABLE kv (key TEXT PRIMARY KEY, value BLOB) WITHOUT ROWID")
    rawbig.execute("BEGIN")
    rawbig.executemany("INSERT INTO kv VALUES (?, ?)", ((k, b"") for k in big_keys))
    rawbig.execute("COMMIT")
    dcbig = diskcache.Cache(os.path.join(work, "dcbig"))
    with dcbig.transact():
        for k in big_keys[: min(list_keys, 200_000)]:
            dcbig.set(k, b"")
    del big_keys
    gc.collect()
    growth = [0.0]

    def tote_list():
        before = rss_mib()
        count = 0
        for _ in big.list("bench", recursive=True):
            count += 1
            if count % 10_000 == 0:  # sampled while listing: the most the listing ever held
                growth[0] = max(growth[0], rss_mib() - before)
        return count

    def sqlite_list():
        return sum(1 for _ in rawbig.execute("SELECT key FROM kv ORDER BY key"))

    def diskcache_list():
        return sum(1 for _ in dcbig.iterkeys())

    t = best(args.reps, tote_list)
    row("list", "sqlite3", t, best(args.reps, sqlite_list), f"RSS growth while listing {list_keys} keys: {growth[0]:.1f} MiB")
    row("list", "diskcache", t, best(args.reps, diskcache_list), "diskcache: 200,000 keys at most (its own loading is slow)")

    # --- per-call overhead over the C++ API, on the null plugin ---
    root = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(tote.__file__))))
    null_dir = os.path.join(root, "bench", "plugins")
    bench_bin = os.path.join(root, "bin", "tote-bench")
    if os.path.isdir(null_dir) and os.path.exists(bench_bin):
        calls = 200_000 if args.quick else 2_000_000
        h = tote.Host(plugin_dirs=[null_dir], use_environment=False, builtin_plugins=False)
        ns = h.open("null://bench")

        def py_calls():
            stat = ns.stat
            for _ in range(calls):
                stat("runs/gsm8k/result.json")
            return calls

        py_ns = 1e9 / best(args.reps, py_calls)
        out = subprocess.run([bench_bin, "--json", "--workload", "call-overhead"] + (["--quick"] if args.quick else []),
                             capture_output=True, text=True, check=True).stdout
        cpp = next(r for r in json.loads(out)["results"] if r["workload"] == "call-overhead")
        cpp_ns = 1e9 / cpp["tote_ops_s"]
        print(f"call        C++ API    {cpp_ns:>10.0f} ns/call; through Python {py_ns:.0f} ns/call: "
              f"the binding adds {py_ns - cpp_ns:.0f} ns (target <= 1000)")
    else:
        print("call        (skipped: run from a build tree, with bench/plugins/tote-null.so and bin/tote-bench)")
    if not args.dir:
        shutil.rmtree(work, ignore_errors=True)


if __name__ == "__main__":
    main()
