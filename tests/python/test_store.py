# SPDX-License-Identifier: Apache-2.0
# test_store.py — every Store operation through the Python package, on every backend the run has (conftest.py):
# values, conditions, appends, ranges, stat, listings (lazy, one level or recursive), queries, batches, renames,
# removals, locks, the mapping protocol and JSON helpers.
import pytest

import tote


def test_write_read_stat(store):
    v1 = store.write("runs/1.json", b'{"score": 1}')
    assert store.read("runs/1.json") == b'{"score": 1}'
    st = store.stat("runs/1.json")
    assert st.kind == "key" and st.size == 12 and st.version == v1 and st.expires_ns == 0
    assert store.stat("runs").kind == "prefix"
    assert store.stat("nothing") is None
    assert store.exists("runs/1.json") and not store.exists("runs")
    store.write("bytes", bytearray(b"\x00\xff"))
    store.write("view", memoryview(b"abc")[1:])
    assert store.read("bytes") == b"\x00\xff" and store.read("view") == b"bc"
    assert store.read_range("runs/1.json", 2, 5) == b"score"
    assert store.read_range("runs/1.json", 100, 5) == b""
    store.write("empty", b"")
    assert store.read("empty") == b""


def test_conditions(store):
    v1 = store.write("k", b"one")
    with pytest.raises(tote.AlreadyExists):
        store.write("k", b"two", create_only=True)
    v2 = store.write("k", b"two", if_version=v1)
    assert v2 != v1
    with pytest.raises(tote.PreconditionFailed) as e:
        store.write("k", b"three", if_version=v1)
    assert e.value.status == "precondition_failed" and "'k'" in str(e.value)
    assert store.read("k") == b"two"


def test_append(store):
    if "append" not in store.capabilities:
        pytest.skip("no appends")
    assert store.append("log", b"a\n") == (0, store.stat("log").version)
    offset, _ = store.append("log", b"b\n", if_size=2)
    assert offset == 2
    with pytest.raises(tote.PreconditionFailed):
        store.append("log", b"c\n", if_size=2)
    assert store.read("log") == b"a\nb\n"


def test_list_is_lazy_and_ordered(store):
    store.write_batch([(f"many/{i:05d}", b"x") for i in range(1100)])  # more than one block (1,024) of the iterator
    store.write("many/sub/deep", b"y")
    keys = store.list("many")
    assert not isinstance(keys, list)  # an iterator, fetched a block at a time
    one_level = list(keys)
    assert one_level[0] == "many/00000" and one_level[-1] == "many/sub/" and len(one_level) == 1101
    assert len(list(store.list("many", recursive=True))) == 1101
    assert list(store.list("many/sub", recursive=True)) == ["many/sub/deep"]
    assert list(store.list("none")) == []


def test_find(store):
    store.write_json("runs/1.json", {"item": 1, "score": 1})
    store.write_json("runs/2.json", {"item": 2, "score": 0, "error": "timeout"})
    store.write_json("runs/sub/3.json", {"item": 3, "score": 0})
    store.write("runs/log.txt", b"score: 0")
    assert [k for k, _ in store.find("runs", where={"score": 0})] == ["runs/2.json"]
    assert [k for k, _ in store.find("runs", where={"score": 0}, recursive=True)] == ["runs/2.json", "runs/sub/3.json"]
    assert [d["item"] for _, d in store.find("runs", where='{"error": {"$exists": true}}')] == [2]
    assert len(list(store.find("runs", recursive=True))) == 3  # every document, not the log line
    assert len(list(store.find("runs", recursive=True, limit=2))) == 2
    with pytest.raises(tote.InvalidArgument) as e:
        list(store.find("runs", where={"score": {"$near": 1}}))
    assert "$near" in str(e.value)
    assert isinstance(e.value, ValueError)


def test_find_many_pages(store):
    store.write_batch([(f"docs/{i:05d}", b'{"even": %s}' % (b"true" if i % 2 == 0 else b"false")) for i in range(2100)])
    assert sum(1 for _ in store.find("docs", where={"even": True})) == 1050


def test_batch_rename_remove(store):
    store.write_batch({"b/1": b"one", "b/2": b"two"})
    assert store.read("b/2") == b"two"
    store.rename("b/1", "b/3")
    with pytest.raises(tote.NotFound):
        store.read("b/1")
    with pytest.raises(tote.AlreadyExists):
        store.rename("b/3", "b/2", replace=False)
    store.remove_batch(["b/2", "b/nothing"])
    assert list(store.list("b")) == ["b/3"]
    assert store.remove("b/3") is True
    assert store.remove("b/3") is False
    store.write("t/a/1", b"x")
    store.write("t/b", b"x")
    assert store.remove("t", recursive=True) is True
    assert list(store.list("t")) == []


def test_mapping_protocol(store):
    store["a"] = b"1"
    store["b/c"] = b"2"
    assert store["a"] == b"1"
    assert "a" in store and "b" not in store and 42 not in store
    assert len(store) == 2
    assert list(store) == ["a", "b/c"]
    assert store.get("zzz") is None and store.get("zzz", b"d") == b"d"
    assert dict(store.items()) == {"a": b"1", "b/c": b"2"}
    del store["a"]
    with pytest.raises(KeyError):
        del store["a"]
    with pytest.raises(KeyError):
        store["a"]
    store.update({"x": b"9"})
    assert store.pop("x") == b"9"


def test_json_helpers(store):
    store.write_json("doc.json", {"name": "Ada", "é": [1, 2]}, indent=2)
    assert store.read_json("doc.json") == {"name": "Ada", "é": [1, 2]}
    assert b"\n" in store.read("doc.json")


def test_locks(store):
    if "create-only" not in store.capabilities:
        pytest.skip("no create-only")
    with store.lock("job", owner="pytest") as lock:
        assert lock.held and lock.info["owner"] == "pytest"
        assert store.is_locked("job")
        assert store.lock_info("job")["owner"] == "pytest"
        with pytest.raises(tote.Busy) as e:
            store.lock("job")
        assert "pytest" in str(e.value)
        assert [l["name"] for l in store.locks()] == ["job"]
    assert not store.is_locked("job")
    lock = store.lock("job")
    assert store.break_lock("job") is True
    lock.release()  # already broken: fine


def test_properties(store, store_url):
    assert "://" in store.url and store.plugin in ("json", "sqlite", "postgres", "redis")
    assert isinstance(store.batch_is_atomic, bool)
    assert repr(store).startswith("tote.Store(")


def test_keywords_json_errors_and_clear(store):
    store.write(key="k", value=b"v")
    assert store.read(key="k") == b"v" and store.stat(key="k").size == 1 and store.exists(key="k")
    assert "d/" not in store and "" not in store
    store.write("bad.json", b"{not json")
    with pytest.raises(tote.Corrupt, match="bad.json"):
        store.read_json("bad.json")
    with pytest.raises(tote.InvalidArgument):
        store.write_json("nan.json", {"x": float("nan")})
    with pytest.raises(tote.InvalidArgument):
        store.lock("L", lease=-1)
    store.remove_batch(k for k in ["k"])  # any iterable
    store.write_batch([(f"c/{i}", b"x") for i in range(1500)])
    store.clear()
    assert len(store) == 0
    assert "write" in dir(tote.Store) and tote.Store.write.__doc__


def test_layers_stack_over_a_store_from_the_url_or_the_layers_argument(host, tmp_path):
    url = f"sqlite://{tmp_path}/layered.db"
    store = host.open(url, create=True, layers=["cache", ("zstd", {"level": 9})])
    assert store.layers == ["cache", "zstd"] and store.plugin == "sqlite"
    record = b'{"task": "gsm8k", "passed": true}' * 50
    store.write("results/1", record)
    assert store.read("results/1") == record
    assert store.stat("results/1").size == len(record)
    bare = host.open(url)
    assert bare.layers == [] and len(bare.read("results/1")) < len(record)  # stored compressed
    assert host.open("zstd::" + url).read("results/1") == record
    # A bad value is refused before anything opens or is created.
    with pytest.raises(tote.InvalidArgument, match="option 'level' must be from"):
        host.open(f"sqlite://{tmp_path}/never.db", create=True, layers=[("zstd", {"level": 0})])
    assert not (tmp_path / "never.db").exists()
    with pytest.raises(tote.InvalidArgument, match="unknown layer: gzip"):
        host.open(url, layers=["gzip"])
    with pytest.raises(TypeError, match="a layer name or a"):
        host.open(url, layers=[("zstd", 9)])
