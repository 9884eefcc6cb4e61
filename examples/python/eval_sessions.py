# SPDX-License-Identifier: Apache-2.0
"""eval_sessions.py — an evaluation framework's session storage, on tote: the interface such frameworks document
(save, load, list_names, rename, delete, acquire_lock, release_lock, is_locked, get_failed_results,
get_error_results), selected by a URL (json://evals, sqlite://evals.db, postgresql://…, redis://…, or a store name
from tote's config). One class instead of one per backend: that is the point.

Layout in the store, under the store's root:
    <session>/session.json          {"name": …, "metadata": {…}, "status": …}
    <session>/results/<item>.json   one document per evaluated item: {"item_id": …, "score": …, "error": …}
so "which results failed?" is one query (run inside SQLite and PostgreSQL), and a session's results can be written
one at a time while it runs (save_result) without rewriting the session.
"""
from __future__ import annotations

import dataclasses
from typing import Any, Dict, List, Optional

import tote


@dataclasses.dataclass
class Session:
    name: str
    status: str = "running"
    metadata: Dict[str, Any] = dataclasses.field(default_factory=dict)
    results: List[Dict[str, Any]] = dataclasses.field(default_factory=list)  # each with an "item_id"


FAILED = {"$or": [{"score": False}, {"score": 0}]}  # a result whose score is false or zero
ERRORED = {"error": {"$exists": True, "$ne": None}}  # a result that raised


class ToteSessionStorage:
    """Evaluation sessions in any tote store."""

    def __init__(self, url: str, **options: Any) -> None:
        self.store = tote.open(url, create=True, options=options or None)
        self._locks: Dict[str, tote.Lock] = {}

    # --- sessions ---

    def save(self, session: Session) -> None:
        """Writes the session and all its results (in one atomic batch where the backend has them), then removes
        the results it no longer has."""
        _check_name(session.name)
        items = [(f"{session.name}/session.json", _json({"name": session.name, "status": session.status,
                                                           "metadata": session.metadata}))]
        items += [(self._result_key(session.name, r["item_id"]), _json(r)) for r in session.results]
        kept = {key for key, _ in items}
        stale = [k for k in self.store.list(f"{session.name}/results", recursive=True) if k not in kept]
        self.store.write_batch(items)
        self.store.remove_batch(stale)

    def save_result(self, name: str, result: Dict[str, Any]) -> None:
        """Adds or replaces one result of a session while it runs."""
        self.store.write_json(self._result_key(name, result["item_id"]), result)  # item ids may hold '/'


    def load(self, name: str) -> Optional[Session]:
        """The session, or None if there is none of that name."""
        try:
            meta = self.store.read_json(f"{name}/session.json")
        except tote.NotFound:
            return None
        results = [doc for _, doc in self.store.find(f"{name}/results", recursive=True)]
        return Session(meta["name"], meta.get("status", "running"), meta.get("metadata", {}), results)

    def list_names(self) -> List[str]:
        return [entry[:-1] for entry in self.store.list("") if entry.endswith("/")
                and self.store.exists(entry + "session.json")]

    def exists(self, name: str) -> bool:
        return self.store.exists(f"{name}/session.json")

    def rename(self, old_name: str, new_name: str) -> None:
        """Moves every key of the session; ValueError if old_name does not exist or new_name does."""
        _check_name(new_name)
        if not self.exists(old_name):
            raise ValueError(f"{old_name}: session not found.")
        if self.exists(new_name):
            raise ValueError(f"{new_name}: a session of that name exists.")
        for key in list(self.store.list(old_name, recursive=True)):
            self.store.rename(key, new_name + key[len(old_name):])
        meta = self.store.read_json(f"{new_name}/session.json")
        meta["name"] = new_name
        self.store.write_json(f"{new_name}/session.json", meta)

    def delete(self, name: str) -> None:
        if not self.store.remove(name, recursive=True):
            raise ValueError(f"{name}: session not found.")

    # --- locks: a session is "running" while its lock is held; a lock whose process died is stale ---

    def acquire_lock(self, name: str) -> None:
        try:
            self._locks[name] = self.store.lock(f"session-{name}", owner=f"evaluation {name}")
        except tote.Busy as e:
            raise RuntimeError(f"Session '{name}' is already locked: {e}") from e

    def release_lock(self, name: str) -> None:
        lock = self._locks.pop(name, None)
        if lock is not None:
            lock.release()

    def is_locked(self, name: str) -> bool:
        return self.store.is_locked(f"session-{name}")

    # --- queries ---

    def get_failed_results(self, name: str) -> List[Dict[str, Any]]:
        return [doc for _, doc in self.store.find(f"{name}/results", where=FAILED, recursive=True)]

    def get_error_results(self, name: str) -> List[Dict[str, Any]]:
        return [doc for _, doc in self.store.find(f"{name}/results", where=ERRORED, recursive=True)]

    @staticmethod
    def _result_key(name: str, item_id: Any) -> str:
        return f"{name}/results/{item_id}.json"


def _check_name(name: str) -> None:
    if not name or "/" in name:
        raise ValueError(f"{name!r}: a session name is one non-empty key segment (no '/')")


def _json(document: Any) -> bytes:
    import json
    return json.dumps(document, ensure_ascii=False).encode("utf-8")
