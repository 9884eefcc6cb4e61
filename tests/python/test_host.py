# SPDX-License-Identifier: Apache-2.0
# test_host.py — hosts and module-level helpers: plugins listed, the config's store names, tote.open with the default
# host, the package's metadata.
import tote
from conftest import sealed_host


def test_plugins(host):
    names = {p["name"] for p in host.plugins()}
    assert {"json", "sqlite"} <= names
    sqlite = next(p for p in host.plugins() if p["name"] == "sqlite")
    assert "sqlite" in sqlite["schemes"] and "write" in sqlite["capabilities"] and sqlite["abi"].startswith("1.")
    assert host.refused() == []
    assert host.plugin_dirs()


def test_store_names_from_config(tmp_path):
    config = tmp_path / "tote.toml"
    config.write_text(f'[stores.evals]\nurl = "sqlite://{tmp_path}/evals.db"\n')
    host = sealed_host(config=str(config))
    s = host.open("evals", create=True)
    s.write("k", b"v")
    assert host.open(f"sqlite://{tmp_path}/evals.db").read("k") == b"v"


def test_module_open_uses_the_default_host(tmp_path, monkeypatch):
    monkeypatch.setenv("HOME", str(tmp_path))
    monkeypatch.setenv("XDG_CONFIG_HOME", str(tmp_path / "config"))
    s = tote.open(f"json://{tmp_path}/j", create=True)
    s["k"] = b"v"
    assert tote.open(f"json://{tmp_path}/j", read_only=True)["k"] == b"v"
    assert any(p["name"] == "json" for p in tote.plugins())


def test_metadata():
    assert tote.version() == tote.__version__ and tote.__version__.count(".") == 2
    assert tote.Store.__doc__ and tote.open.__doc__ and tote.Graph.__doc__
