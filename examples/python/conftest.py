# SPDX-License-Identifier: Apache-2.0
# conftest.py — each adapter test gets a new store URL of every backend of the run (json and sqlite; postgres and
# redis when ctest gives their private servers: TOTE_TEST_POSTGRES_URL, TOTE_TEST_REDIS_URL), and a HOME of its own
# so the default host reads no real config.
import os
import uuid

import pytest


def _backends():
    return [n for n in os.environ.get("TOTE_TEST_BACKENDS", "json,sqlite").split(",") if n]


@pytest.fixture(autouse=True, scope="session")
def sealed_home(tmp_path_factory):
    home = tmp_path_factory.mktemp("home")
    os.environ["HOME"] = str(home)
    os.environ["XDG_CONFIG_HOME"] = str(home / ".config")
    os.environ["XDG_CACHE_HOME"] = str(home / ".cache")
    os.environ.pop("TOTE_CONFIG", None)
    os.environ.pop("TOTE_PLUGIN_PATH", None)


@pytest.fixture(params=_backends())
def location(request, tmp_path):
    """(url, options) of a new store."""
    unique = "ex_" + uuid.uuid4().hex[:12]
    if request.param == "json":
        return f"json://{tmp_path}/store", {"fsync": False}
    if request.param == "sqlite":
        return f"sqlite://{tmp_path}/store.db", {}
    if request.param == "postgres":
        return os.environ["TOTE_TEST_POSTGRES_URL"], {"table": unique}
    return os.environ["TOTE_TEST_REDIS_URL"], {"prefix": unique}
