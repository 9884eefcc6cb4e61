# SPDX-License-Identifier: Apache-2.0
"""file_manager.py — a file-manager storage backend (the interface of pluggable file-manager libraries: save,
load, save_batch, load_batch, list_files, exists, is_file, is_dir, list_dir) on tote, so "files" live in any tote
store: a directory (json://), one SQLite file, a PostgreSQL table, a Redis prefix. Paths are keys ('/'-separated);
a "directory" is a key prefix.

Values: bytes are stored as they are, str as UTF-8, anything else as JSON; load() gives back bytes, except for
paths ending in .json (parsed) and .txt (str).
"""
from __future__ import annotations

import fnmatch
import json
from typing import Any, Iterable, List, Optional, Sequence

import tote


class ToteFileBackend:
    _backend_type = "tote"

    def __init__(self, url: str, **options: Any) -> None:
        self.store = tote.open(url, create=True, options=options or None)

    def save(self, data: Any, file_path: str, **kwargs: Any) -> None:
        self.store.write(_key(file_path), _encode(data))

    def load(self, file_path: str, **kwargs: Any) -> Any:
        try:
            value = self.store.read(_key(file_path))
        except tote.NotFound:
            raise FileNotFoundError(f"File not found: {file_path}") from None
        return _decode(value, file_path)

    def save_batch(self, data_list: Sequence[Any], output_paths: Sequence[str], **kwargs: Any) -> None:
        """All or nothing where the backend has atomic batches (sqlite, postgres, redis)."""
        if len(data_list) != len(output_paths):
            raise ValueError("save_batch: as many paths as data, please")
        self.store.write_batch([(_key(p), _encode(d)) for d, p in zip(data_list, output_paths)])

    def load_batch(self, file_paths: Iterable[str], **kwargs: Any) -> List[Any]:
        return [self.load(p) for p in file_paths]

    def list_files(self, directory: str = "", pattern: Optional[str] = None,
                   extensions: Optional[Iterable[str]] = None, recursive: bool = False, **kwargs: Any) -> List[str]:
        """Paths of the files in directory (every level with recursive), matching a glob pattern on the file name
        and ending in one of extensions, if given; in path order."""
        exts = tuple(extensions) if extensions else None
        out = []
        for key in self.store.list(_key(directory) if directory else "", recursive=recursive):
            if key.endswith("/"):
                continue
            name = key.rsplit("/", 1)[-1]
            if pattern is not None and not fnmatch.fnmatchcase(name, pattern):
                continue
            if exts is not None and not name.endswith(exts):
                continue
            out.append(key)
        return out

    def exists(self, path: str) -> bool:
        return not _key(path) or self.store.stat(_key(path)) is not None  # "" is the root, always there

    def is_file(self, path: str) -> bool:
        return self.store.exists(_key(path))

    def is_dir(self, path: str) -> bool:
        if not _key(path):
            return True
        st = self.store.stat(_key(path))
        return st is not None and st.kind == "prefix"

    def list_dir(self, path: str = "") -> List[str]:
        """The names in a directory (sub-directories without a trailing '/'); NotADirectoryError if it is none."""
        if path and not self.is_dir(path):
            raise NotADirectoryError(f"Not a directory: {path}")
        return [entry.rstrip("/").rsplit("/", 1)[-1] for entry in self.store.list(_key(path) if path else "")]

    def delete(self, path: str) -> None:
        if not self.store.remove(_key(path)):
            raise FileNotFoundError(f"File not found: {path}")


def _key(path: str) -> str:
    return path.strip("/")


def _encode(data: Any) -> bytes:
    if isinstance(data, (bytes, bytearray, memoryview)):
        return bytes(data)
    if isinstance(data, str):
        return data.encode("utf-8")
    return json.dumps(data).encode("utf-8")


def _decode(value: bytes, path: str) -> Any:
    if path.endswith(".json"):
        return json.loads(value)
    if path.endswith(".txt"):
        return value.decode("utf-8")
    return value
