# SPDX-License-Identifier: Apache-2.0
# test_adapters.py — the two adapters (eval_sessions.py, file_manager.py) behave the same on every backend.
import pytest

from eval_sessions import Session, ToteSessionStorage
from file_manager import ToteFileBackend


def test_eval_sessions(location):
    url, options = location
    storage = ToteSessionStorage(url, **options)
    session = Session("gsm8k_baseline", metadata={"model": "m1"}, results=[
        {"item_id": 1, "score": 1, "error": None},
        {"item_id": 2, "score": 0, "error": None},
        {"item_id": 3, "score": False, "error": "timeout"},
    ])
    storage.acquire_lock(session.name)
    assert storage.is_locked(session.name)
    with pytest.raises(RuntimeError, match="already locked"):
        ToteSessionStorage(url, **options).acquire_lock(session.name)
    storage.save(session)
    storage.save_result(session.name, {"item_id": 4, "score": 1, "error": "flaky"})
    storage.release_lock(session.name)
    assert not storage.is_locked(session.name)

    loaded = storage.load("gsm8k_baseline")
    assert loaded.metadata == {"model": "m1"} and len(loaded.results) == 4
    assert storage.load("nothing") is None
    assert sorted(r["item_id"] for r in storage.get_failed_results("gsm8k_baseline")) == [2, 3]
    assert sorted(r["item_id"] for r in storage.get_error_results("gsm8k_baseline")) == [3, 4]
    storage.save(Session("other"))
    assert storage.list_names() == ["gsm8k_baseline", "other"]
    storage.rename("gsm8k_baseline", "baseline")
    assert storage.list_names() == ["baseline", "other"]
    assert storage.load("baseline").name == "baseline"
    with pytest.raises(ValueError):
        storage.rename("nothing", "x")
    # Saving again with fewer results drops the others; item ids may hold '/'; names may not.
    storage.save(Session("baseline", results=[{"item_id": "a/1", "score": 0, "error": None}]))
    assert [r["item_id"] for r in storage.load("baseline").results] == ["a/1"]
    assert [r["item_id"] for r in storage.get_failed_results("baseline")] == ["a/1"]
    with pytest.raises(ValueError):
        storage.rename("baseline", "baseline/x")
    storage.delete("other")
    with pytest.raises(ValueError, match="not found"):
        storage.delete("other")
    assert storage.list_names() == ["baseline"]


def test_file_manager(location):
    url, options = location
    fm = ToteFileBackend(url, **options)
    fm.save({"key": "value", "count": 42}, "data/config.json")
    fm.save("hello", "data/notes.txt")
    fm.save(b"\x00\x01", "data/raw/blob.bin")
    assert fm.load("data/config.json") == {"key": "value", "count": 42}
    assert fm.load("data/notes.txt") == "hello"
    assert fm.load("data/raw/blob.bin") == b"\x00\x01"
    with pytest.raises(FileNotFoundError):
        fm.load("data/missing.json")
    fm.save_batch([{"i": 0}, {"i": 1}, {"i": 2}], [f"batch/{i}.json" for i in range(3)])
    assert fm.load_batch([f"batch/{i}.json" for i in range(3)]) == [{"i": 0}, {"i": 1}, {"i": 2}]
    assert fm.list_files("data") == ["data/config.json", "data/notes.txt"]
    assert fm.list_files("data", recursive=True) == ["data/config.json", "data/notes.txt", "data/raw/blob.bin"]
    assert fm.list_files("data", pattern="*.json") == ["data/config.json"]
    assert fm.list_files("data", extensions=[".bin"], recursive=True) == ["data/raw/blob.bin"]
    assert fm.list_files("nowhere") == []
    assert fm.exists("data") and fm.exists("data/config.json") and not fm.exists("nope")
    assert fm.exists("") and fm.is_dir("")
    assert fm.is_dir("data") and not fm.is_file("data")
    assert fm.is_file("data/config.json") and not fm.is_dir("data/config.json")
    assert fm.list_dir("data") == ["config.json", "notes.txt", "raw"]
    with pytest.raises(NotADirectoryError):
        fm.list_dir("data/config.json")
    fm.delete("data/notes.txt")
    with pytest.raises(FileNotFoundError):
        fm.delete("data/notes.txt")
