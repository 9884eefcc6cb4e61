# SPDX-License-Identifier: Apache-2.0
# test_errors.py — every status becomes its exception class, with the Python base classes a user expects (NotFound
# is a KeyError, PermissionDenied a PermissionError, …); every class is reachable from a real failure where a
# backend can produce one; messages name the key and the store.
import pytest

import tote
from conftest import sealed_host


def test_every_status_has_its_class():
    ids = set(tote._tote._status_ids()) - {"ok"}
    classes = {cls.status: cls for cls in tote.Error.__subclasses__()}
    assert ids == set(classes)
    assert issubclass(tote.NotFound, KeyError)
    assert issubclass(tote.PermissionDenied, PermissionError)
    assert issubclass(tote.InvalidArgument, ValueError)
    assert issubclass(tote.Unavailable, ConnectionError)
    assert issubclass(tote.Timeout, TimeoutError)
    assert issubclass(tote.Io, OSError) and issubclass(tote.NoSpace, OSError)
    for cls in classes.values():
        assert issubclass(cls, tote.Error)


def test_not_found_names_key_and_store(store):
    with pytest.raises(tote.NotFound) as e:
        store.read("missing/key")
    assert e.value.status == "not_found"
    assert "'missing/key'" in str(e.value) and store.url in str(e.value)
    assert isinstance(e.value, KeyError)


def test_invalid_key(store):
    for bad in ["", "a//b", "/lead", "trail/", "a/../b", "x\x01y", ".tote/x"]:
        with pytest.raises(tote.InvalidArgument):
            store.write(bad, b"x")


def test_values_must_be_bytes(store):
    with pytest.raises(TypeError, match="bytes-like"):
        store.write("k", "a str")
    with pytest.raises(TypeError):
        store.write("k", 42)


def test_read_only_is_permission_denied(host, store, store_url):
    url, options = store_url
    store.write("k", b"x")
    ro = host.open(url, read_only=True, options=options)
    with pytest.raises(tote.PermissionDenied) as e:
        ro.write("k", b"y")
    assert isinstance(e.value, PermissionError) and "'k'" in str(e.value)


def test_conflict_and_unsupported(store):
    if "key-and-prefix" not in store.capabilities:
        store.write("a", b"x")
        with pytest.raises(tote.Conflict):
            store.write("a/b", b"y")
    if "expiry" not in store.capabilities:
        with pytest.raises(tote.Unsupported):
            store.write("k", b"x", expires_ns=1)


def test_open_errors(host, tmp_path):
    with pytest.raises(tote.NotFound):
        host.open(f"sqlite://{tmp_path}/absent.db")
    with pytest.raises(tote.InvalidArgument, match="nosuch"):
        host.open("nosuch://x")
    with pytest.raises(tote.InvalidArgument, match="bogus"):
        host.open(f"sqlite://{tmp_path}/x.db", create=True, options={"bogus": 1})


def test_bad_config_names_file_and_line(tmp_path):
    config = tmp_path / "tote.toml"
    config.write_text("[stores.x]\nurl = 42\n")
    with pytest.raises(tote.InvalidArgument) as e:
        sealed_host(config=str(config))
    assert str(config) in str(e.value) and ":2" in str(e.value)


def test_corrupt_and_busy_come_through(store):
    g = tote.Graph(store, "kg")
    store.write("kg/edges/junk", b"not json")
    with pytest.raises(tote.Corrupt):
        g.get_edge("junk")
