# SPDX-License-Identifier: Apache-2.0
# conftest.py — the stores the Python package's tests run on: json and sqlite always, postgres and redis when the
# test run gives their private servers' URLs (TOTE_TEST_POSTGRES_URL, TOTE_TEST_REDIS_URL: ctest's python.servers).
# Every host is sealed: only the build's plugins (TOTE_TEST_PLUGIN_DIR), no config, no environment.
import os
import uuid

import pytest

import tote

PLUGIN_DIR = os.environ.get("TOTE_TEST_PLUGIN_DIR", "")


def sealed_host(**kwargs):
    return tote.Host(plugin_dirs=[PLUGIN_DIR] if PLUGIN_DIR else [], use_environment=False,
                     builtin_plugins=not PLUGIN_DIR, **kwargs)


def _backends():
    names = os.environ.get("TOTE_TEST_BACKENDS", "json,sqlite").split(",")
    return [n for n in names if n]


@pytest.fixture(scope="session")
def host():
    return sealed_host()


@pytest.fixture(params=_backends())
def backend(request):
    return request.param


@pytest.fixture
def store_url(backend, tmp_path):
    """A URL (and options) naming a new, empty store of the backend."""
    if backend == "json":
        return f"json://{tmp_path}/store", {"fsync": False}  # tests need not wait for the disk
    if backend == "sqlite":
        return f"sqlite://{tmp_path}/store.db", {}
    unique = "pytest_" + uuid.uuid4().hex[:12]
    if backend == "postgres":
        return os.environ["TOTE_TEST_POSTGRES_URL"], {"table": unique}
    if backend == "redis":
        return os.environ["TOTE_TEST_REDIS_URL"], {"prefix": unique}
    raise ValueError(backend)


@pytest.fixture
def store(host, store_url):
    url, options = store_url
    s = host.open(url, create=True, options=options)
    yield s
    if s.plugin in ("postgres", "redis"):  # a table or key prefix of its own on a shared server: empty it
        s.remove_batch(list(s.list("", recursive=True)))
