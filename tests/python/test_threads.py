# SPDX-License-Identifier: Apache-2.0
# test_threads.py — threads share a store safely, and a store call releases the GIL: while one thread is inside a
# long call, another thread's Python code runs (it could not if the GIL were held, whatever the machine's speed).
import threading
import time

import tote


def test_threads_share_a_store(store):
    errors = []

    def work(n):
        try:
            for i in range(200):
                store.write(f"t/{n}/{i:03d}", b"%d" % i)
                assert store.read(f"t/{n}/{i:03d}") == b"%d" % i
        except Exception as e:  # noqa: BLE001 - reported below
            errors.append(e)

    threads = [threading.Thread(target=work, args=(n,)) for n in range(4)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert errors == []
    assert len(list(store.list("t", recursive=True))) == 800


def test_store_calls_release_the_gil(host, tmp_path):
    store = host.open(f"sqlite://{tmp_path}/gil.db", create=True)
    batch = [(f"k/{i:06d}", b"x" * 100) for i in range(100_000)]
    ticks = []
    done = threading.Event()

    def ticker():
        while not done.is_set():
            ticks.append(time.perf_counter())

    t = threading.Thread(target=ticker)
    t.start()
    try:
        # One call long enough that the ticker must get the GIL during it if the call let go of it: the margins
        # (a switch interval each side) leave out ticks taken just before the call started or after it returned.
        margin = 4 * __import__("sys").getswitchinterval()
        for _ in range(5):
            start = time.perf_counter()
            store.write_batch(batch)
            end = time.perf_counter()
            if end - start > 4 * margin:
                break
        inside = [x for x in ticks if start + margin < x < end - margin]
    finally:
        done.set()
        t.join()
    assert end - start > 4 * margin, "the call was too short to tell"
    assert inside, "no Python code ran while the store call was in progress: the GIL was held"
