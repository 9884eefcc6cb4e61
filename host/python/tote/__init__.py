# SPDX-License-Identifier: Apache-2.0
"""tote: one interface to many storage backends, loaded as plugins.

    import tote
    store = tote.open("sqlite://evals.db", create=True)
    store.write("runs/1.json", b'{"score": 1}')
    store.write_json("runs/2.json", {"score": 0, "error": "timeout"})
    for key, doc in store.find("runs", where={"score": 0}):
        print(key, doc)

A store is opened by URL (``json://evals``, ``sqlite://evals.db``, ``postgresql://…``) or by a store name from the
config file (``~/.config/tote/config.toml``). Keys are ``str``, values ``bytes``. Every failure raises a subclass of
:class:`tote.Error` named after its status. Every call into a store releases the GIL, so threads overlap their I/O.
The guide is docs/python.md.
"""

from __future__ import annotations

import collections.abc as _abc
import json as _json
import threading as _threading
from typing import Any, Dict, Iterable, Iterator, List, Mapping, Optional, Sequence, Tuple, Union

from . import _tote
from ._tote import Stat

__all__ = [
    "open", "plugins", "Host", "Store", "Stat", "Lock", "Graph", "Error", "version",
    "NotFound", "AlreadyExists", "PreconditionFailed", "Conflict", "InvalidArgument", "PermissionDenied",
    "Busy", "NoSpace", "Io", "Corrupt", "Unsupported", "Unavailable", "Timeout", "Internal", "UnknownOutcome",
]

__version__ = _tote._version()


def version() -> str:
    """The version of libtote behind this package."""
    return __version__


# --- errors ------------------------------------------------------------------------------------------------------


class Error(Exception):
    """A tote failure. ``status`` is its status id ("not_found", "busy", …), the plugin ABI's closed set."""

    status: str = "internal"

    def __init__(self, message: str, status: Optional[str] = None) -> None:
        super().__init__(message)
        self.message = message
        if status is not None:
            self.status = status

    def __str__(self) -> str:  # KeyError would show repr(message)
        return self.message


class NotFound(Error, KeyError):
    """The key, prefix, store, node or lock does not exist (also a KeyError)."""
    status = "not_found"


class AlreadyExists(Error):
    """A create-only write, a rename without replace, or a node or edge id found the name taken."""
    status = "already_exists"


class PreconditionFailed(Error):
    """A compare-version write or a conditional append found the value changed."""
    status = "precondition_failed"


class Conflict(Error):
    """A key and a prefix would collide on a backend that cannot hold both."""
    status = "conflict"


class InvalidArgument(Error, ValueError):
    """A bad key, URL, option, filter or argument (also a ValueError)."""
    status = "invalid_argument"


class PermissionDenied(Error, PermissionError):
    """A write to a read-only store, or the operating system said no (also a PermissionError)."""
    status = "permission_denied"


class Busy(Error):
    """A lock held by someone else, or a store busy beyond its timeout."""
    status = "busy"


class NoSpace(Error, OSError):
    """The disk or the server is full (also an OSError)."""
    status = "no_space"


class Io(Error, OSError):
    """An input/output error (also an OSError)."""
    status = "io"


class Corrupt(Error):
    """Stored data is damaged or not what tote wrote."""
    status = "corrupt"


class Unsupported(Error):
    """The backend cannot do this (an append to a store without appends, expiry on json, …)."""
    status = "unsupported"


class Unavailable(Error, ConnectionError):
    """The server is unreachable (also a ConnectionError)."""
    status = "unavailable"


class Timeout(Error, TimeoutError):
    """The operation took longer than its timeout (also a TimeoutError)."""
    status = "timeout"


class Internal(Error):
    """A bug in tote or in a plugin."""
    status = "internal"


class UnknownOutcome(Error):
    """The connection was lost after the request was sent: it may or may not have been applied."""
    status = "unknown_outcome"


_ERRORS = {cls.status: cls for cls in (
    NotFound, AlreadyExists, PreconditionFailed, Conflict, InvalidArgument, PermissionDenied, Busy, NoSpace, Io,
    Corrupt, Unsupported, Unavailable, Timeout, Internal, UnknownOutcome)}
_missing = set(_tote._status_ids()) - set(_ERRORS) - {"ok"}
if _missing:  # a status added to the ABI needs its class here
    raise ImportError("tote: no exception class for status " + ", ".join(sorted(_missing)))
_tote._set_error_classes(_ERRORS)


# --- hosts -------------------------------------------------------------------------------------------------------


class Host:
    """The plugins found and the config read; opens stores.

    ``config``: a TOML file (default: $TOTE_CONFIG, else ~/.config/tote/config.toml if present).
    ``plugin_dirs``: searched first, in order. ``use_environment=False`` ignores $TOTE_CONFIG, $TOTE_PLUGIN_PATH
    and the per-user locations; ``builtin_plugins=False`` leaves out the first-party plugins.
    """

    def __init__(self, config: Optional[str] = None, plugin_dirs: Sequence[str] = (), *,
                 use_environment: bool = True, builtin_plugins: bool = True) -> None:
        if isinstance(plugin_dirs, (str, bytes)) or hasattr(plugin_dirs, "__fspath__"):
            plugin_dirs = [plugin_dirs]  # one directory, not its characters
        self._host = _tote._Host(None if config is None else str(config), [str(d) for d in plugin_dirs],
                                 use_environment, builtin_plugins)

    def open(self, store: str, *, create: bool = False, read_only: bool = False,
             options: Optional[Mapping[str, Any]] = None,
             layers: Optional[Sequence[Union[str, Tuple[str, Mapping[str, Any]]]]] = None) -> "Store":
        """Opens a store by URL or config name. ``create`` makes it if missing (else NotFound); ``options`` are
        plugin options (``{"table": "evals"}``), checked against those the plugin publishes. ``layers`` stacks
        layers over the store, outermost first, over any its URL or config gives: names or (name, options) pairs
        (``["cache", ("zstd", {"level": 9})]``); see docs/layers.md."""
        opts = {str(k): _option_text(v) for k, v in (options or {}).items()}
        stack = []
        for layer in layers or []:
            if isinstance(layer, str):
                name, layer_options = layer, {}
            elif isinstance(layer, (tuple, list)) and len(layer) == 2 and isinstance(layer[1], Mapping):
                name, layer_options = layer
            else:
                raise TypeError(f"layers: each item is a layer name or a (name, options) pair, not {layer!r}")
            stack.append((str(name), {str(k): _option_text(v) for k, v in layer_options.items()}))
        return Store(self._host.open(store, create, read_only, opts, stack))

    def plugins(self) -> List[Dict[str, Any]]:
        """The plugins found: name, version, description, path, abi, schemes, capabilities, extensions, options."""
        return self._host.plugins()

    def refused(self) -> List[Dict[str, str]]:
        """The plugin files refused, each with the reason."""
        return self._host.refused()

    def plugin_dirs(self) -> List[str]:
        """The directories searched for plugins, in order."""
        return self._host.plugin_dirs()


def _dumps(document: Any, what: str, indent: Optional[int] = None) -> str:
    """JSON text of document, or InvalidArgument naming what could not be written."""
    try:
        return _json.dumps(document, indent=indent, ensure_ascii=False, allow_nan=False)
    except (TypeError, ValueError) as e:
        raise InvalidArgument(f"{what} cannot be written as JSON: {e}", "invalid_argument") from e


def _option_text(value: Any) -> str:
    if isinstance(value, bool):
        return "true" if value else "false"
    return str(value)


_default_host: Optional[Host] = None
_default_lock = _threading.Lock()


def _host() -> Host:
    global _default_host
    with _default_lock:
        if _default_host is None:
            _default_host = Host()
        return _default_host


def open(store: str, *, create: bool = False, read_only: bool = False,  # noqa: A001 - tote.open, like io.open
         options: Optional[Mapping[str, Any]] = None,
         layers: Optional[Sequence[Union[str, Tuple[str, Mapping[str, Any]]]]] = None) -> "Store":
    """Opens a store by URL or config name with the default host (the plugins and config the tote CLI sees)."""
    return _host().open(store, create=create, read_only=read_only, options=options, layers=layers)


def plugins() -> List[Dict[str, Any]]:
    """The plugins the default host found."""
    return _host().plugins()


# --- stores ------------------------------------------------------------------------------------------------------

_BLOCK = 1024  # entries fetched per call by the lazy iterators


class Lock:
    """A held named lock; released by release() or at the end of a ``with`` block."""

    def __init__(self, lock: Any) -> None:
        self._lock = lock

    @property
    def held(self) -> bool:
        return self._lock.held

    @property
    def info(self) -> Dict[str, Any]:
        """name, owner, host, pid, started_ns, expires_ns, stale, stale_reason"""
        return self._lock.info

    def release(self) -> None:
        """Releases the lock if it is still ours. Idempotent."""
        self._lock.release()

    def __enter__(self) -> "Lock":
        return self

    def __exit__(self, *exc: Any) -> None:
        self.release()


class Store(_abc.MutableMapping):
    """One open store. Also a mapping of keys (str) to values (bytes): ``store["k"]``, ``in``, ``del``, ``len``,
    iteration over every key (recursive, in key order, fetched lazily)."""

    def __init__(self, impl: Any) -> None:
        self._s = impl
        # The hot methods straight from the compiled class: no Python frame between the caller and libtote.
        self.read = impl.read
        self.read_range = impl.read_range
        self.write = impl.write
        self.append = impl.append
        self.stat = impl.stat
        self.exists = impl.exists
        self.remove = impl.remove
        self.rename = impl.rename
        self.is_locked = impl.is_locked
        self.lock_info = impl.lock_info
        self.locks = impl.locks
        self.break_lock = impl.break_lock
        self.info = impl.info

    # The methods again, for help() and the class's namespace; the instance attributes above are what runs.
    def read(self, key: str) -> bytes:  # type: ignore[no-redef]
        """The value of key. NotFound if it is not a key (a prefix is not a key)."""
        return self._s.read(key)

    def read_range(self, key: str, offset: int, length: int) -> bytes:  # type: ignore[no-redef]
        """The bytes of [offset, offset + length) that exist (past the end: fewer, or none)."""
        return self._s.read_range(key, offset, length)

    def write(self, key: str, value: Any, create_only: bool = False, if_version: Optional[int] = None,  # type: ignore[no-redef]
              expires_ns: int = 0) -> int:
        """Replaces the value atomically; returns the new version. create_only: AlreadyExists if the key exists;
        if_version: PreconditionFailed unless the key is at that version; expires_ns: the key is gone from that
        time on (nanoseconds since the Unix epoch; sqlite, postgres, redis)."""
        return self._s.write(key, value, create_only=create_only, if_version=if_version, expires_ns=expires_ns)

    def append(self, key: str, data: Any, if_size: Optional[int] = None) -> Tuple[int, int]:  # type: ignore[no-redef]
        """Appends data, creating the key; returns (offset where the data starts, new version). if_size: only if the
        value is exactly that long (else PreconditionFailed, nothing written)."""
        return self._s.append(key, data, if_size=if_size)

    def stat(self, key: str) -> Optional[Stat]:  # type: ignore[no-redef]
        """kind ("key" or "prefix"), size, mtime_ns, version, expires_ns; None if nothing is there."""
        return self._s.stat(key)

    def exists(self, key: str) -> bool:  # type: ignore[no-redef]
        """True for a key, False for a prefix or nothing."""
        return self._s.exists(key)

    def remove(self, key: str, recursive: bool = False) -> bool:  # type: ignore[no-redef]
        """Removes key (recursive: and every key under it); False if there was nothing to remove."""
        return self._s.remove(key, recursive)

    def rename(self, src: str, dst: str, replace: bool = True) -> None:  # type: ignore[no-redef]
        """Moves a value atomically; AlreadyExists if not replace and dst exists."""
        self._s.rename(src, dst, replace)

    def remove_batch(self, keys: Iterable[str]) -> None:  # type: ignore[no-redef]
        """Removes every key (absent ones are fine), all or nothing where batch_is_atomic."""
        self._s.remove_batch(list(keys))

    def info(self) -> str:  # type: ignore[no-redef]
        """The plugin's description of the store, JSON text (Unsupported if the plugin gives none)."""
        return self._s.info()

    def is_locked(self, name: str) -> bool:  # type: ignore[no-redef]
        """True if the named lock is held and not stale."""
        return self._s.is_locked(name)

    def lock_info(self, name: str) -> Optional[Dict[str, Any]]:  # type: ignore[no-redef]
        """Who holds the named lock (owner, host, pid, started_ns, expires_ns, stale, stale_reason), or None."""
        return self._s.lock_info(name)

    def locks(self) -> List[Dict[str, Any]]:  # type: ignore[no-redef]
        """Every lock record, in name order."""
        return self._s.locks()

    def break_lock(self, name: str) -> bool:  # type: ignore[no-redef]
        """Removes the lock whoever holds it; False if there was none."""
        return self._s.break_lock(name)

    @property
    def url(self) -> str:
        """The store's URL, any password shown as ***."""
        return self._s.url

    @property
    def read_only(self) -> bool:
        return self._s.read_only

    @property
    def plugin(self) -> str:
        """The name of the backend plugin serving the store (under any layers)."""
        return self._s.plugin

    @property
    def layers(self) -> List[str]:
        """The layers stacked over the store, outermost first (``["cache", "zstd"]``); empty for a bare store."""
        return self._s.layers

    @property
    def capabilities(self) -> List[str]:
        return self._s.capabilities

    @property
    def batch_is_atomic(self) -> bool:
        """True if write_batch() and remove_batch() are all-or-nothing in this store."""
        return self._s.batch_is_atomic

    def __repr__(self) -> str:
        return f"tote.Store({self.url!r})"

    def write_batch(self, items: Union[Iterable[Tuple[str, bytes]], Mapping[str, bytes]]) -> None:
        """Writes (key, value) pairs (or a mapping): atomically if batch_is_atomic, else one by one in order."""
        if isinstance(items, _abc.Mapping):
            items = items.items()
        self._s.write_batch(list(items))

    def read_json(self, key: str) -> Any:
        """The value of key, parsed as JSON; Corrupt (naming the key) if it is not JSON text."""
        value = self._s.read(key)
        try:
            return _json.loads(value)
        except ValueError as e:  # JSONDecodeError and UnicodeDecodeError are both ValueErrors
            raise Corrupt(f"'{key}' in {self.url} is not JSON: {e}", "corrupt") from e

    def write_json(self, key: str, document: Any, *, indent: Optional[int] = None, create_only: bool = False,
                   if_version: Optional[int] = None, expires_ns: int = 0) -> int:
        """Writes document as JSON (UTF-8); returns the new version. InvalidArgument for what JSON cannot hold
        (NaN, infinities, objects json.dumps does not know)."""
        return self._s.write(key, _dumps(document, f"the document for '{key}'", indent).encode("utf-8"),
                             create_only=create_only, if_version=if_version, expires_ns=expires_ns)

    def list(self, prefix: str = "", recursive: bool = False) -> Iterator[str]:
        """The keys under prefix in key order, fetched lazily a block at a time. One level (the default) also gives
        sub-prefixes, ending with '/'; recursive gives every key."""
        start_after = ""
        while True:
            block = self._s._list_block(prefix, recursive, start_after, _BLOCK)
            yield from block
            if len(block) < _BLOCK:
                return
            start_after = block[-1]

    def find(self, prefix: str = "", where: Union[Mapping[str, Any], str, None] = None,
             recursive: bool = False, limit: int = 0) -> Iterator[Tuple[str, Any]]:
        """(key, document) for the keys under prefix whose values are JSON documents matching where (the query
        language of docs/queries.md, as a dict or JSON text; None: every document), in key order, lazily. Runs
        inside SQLite and PostgreSQL."""
        filter_text = "{}" if where is None else where if isinstance(where, str) else _json.dumps(where)
        start_after, delivered = "", 0
        while True:
            want = _BLOCK if limit == 0 else min(_BLOCK, limit - delivered)
            block = self._s._find_block(prefix, filter_text, recursive, start_after, want)
            for key, value in block:
                yield key, _json.loads(value)
            delivered += len(block)
            if len(block) < want or (limit and delivered >= limit):
                return
            start_after = block[-1][0]

    def lock(self, name: str, *, owner: str = "", lease: float = 0.0, take_stale: bool = True) -> Lock:
        """Takes the named lock (Busy, naming the holder, if another live process has it); keep the result (it is
        released when garbage-collected), best as a context manager. Not re-entrant: a second lock() of the same
        name is Busy even in the same process. lease: seconds after which the lock counts as stale (0: for as long
        as this process lives)."""
        try:
            seconds = float(lease)
        except (TypeError, ValueError):
            raise InvalidArgument(f"lock {name!r}: the lease is a number of seconds, not {type(lease).__name__}",
                                  "invalid_argument") from None
        if not seconds >= 0:
            raise InvalidArgument(f"lock {name!r}: the lease must be 0 or more seconds, not {lease!r}",
                                  "invalid_argument")
        lease_ms = 0 if seconds == 0 else max(1, int(-(-seconds * 1000 // 1)))  # rounded up: never 0 by accident
        return Lock(self._s.lock(name, owner, lease_ms, take_stale))

    # --- the mapping protocol ---

    def __getitem__(self, key: str) -> bytes:
        return self._s.read(key)

    def get(self, key: str, default: Any = None) -> Any:
        value = self._s.try_read(key)
        return default if value is None else value

    def __setitem__(self, key: str, value: bytes) -> None:
        self._s.write(key, value)

    def __delitem__(self, key: str) -> None:
        if not self._s.remove(key):
            raise NotFound(f"cannot remove '{key}' in {self.url}: no such key", "not_found")

    def __contains__(self, key: object) -> bool:
        if not isinstance(key, str):
            return False
        try:
            return self._s.exists(key)
        except InvalidArgument:  # "d/", "": no key can be there
            return False

    def clear(self) -> None:
        """Removes every key, a block of 1,024 at a time (one batch each)."""
        while True:
            block = self._s._list_block("", True, "", _BLOCK)
            if not block:
                return
            self._s.remove_batch(block)

    def __iter__(self) -> Iterator[str]:
        return self.list("", recursive=True)

    def __len__(self) -> int:
        return self._s._count("")


# --- graphs ------------------------------------------------------------------------------------------------------


class Graph:
    """A property graph under a prefix of a store (docs/graph.md): nodes and typed edges with JSON properties."""

    def __init__(self, store: Store, prefix: str) -> None:
        self._g = _tote._Graph(store._s, prefix)

    @property
    def prefix(self) -> str:
        return self._g.prefix

    def create_node(self, id: str, properties: Optional[Mapping[str, Any]] = None) -> None:  # noqa: A002
        self._g.create_node(id, _dumps(dict(properties or {}), f"the properties of node {id!r}"))

    def create_node_with_new_id(self, properties: Optional[Mapping[str, Any]] = None) -> str:
        return self._g.create_node_with_new_id(_dumps(dict(properties or {}), "the properties of the node"))

    def get_node(self, id: str) -> Optional[Dict[str, Any]]:  # noqa: A002
        text = self._g.get_node(id)
        return None if text is None else _json.loads(text)

    def has_node(self, id: str) -> bool:  # noqa: A002
        return self._g.has_node(id)

    def update_node(self, id: str, patch: Mapping[str, Any]) -> Dict[str, Any]:  # noqa: A002
        return _json.loads(self._g.update_node(id, _dumps(dict(patch), f"the patch of node {id!r}")))

    def remove_node(self, id: str) -> bool:  # noqa: A002
        return self._g.remove_node(id)

    def create_edge(self, source: str, target: str, type: str,  # noqa: A002
                    properties: Optional[Mapping[str, Any]] = None, id: Optional[str] = None) -> str:  # noqa: A002
        """Adds an edge source -> target of a type; returns its id (generated unless given: any str, "" too)."""
        return self._g.create_edge(source, target, type,
                                   _dumps(dict(properties or {}), f"the properties of the edge {source!r} -> {target!r}"),
                                   id)

    def get_edge(self, id: str) -> Optional[Dict[str, Any]]:  # noqa: A002
        e = self._g.get_edge(id)
        if e is None:
            return None
        return {"id": e[0], "from": e[1], "to": e[2], "type": e[3], "properties": _json.loads(e[4])}

    def update_edge(self, id: str, patch: Mapping[str, Any]) -> Dict[str, Any]:  # noqa: A002
        return _json.loads(self._g.update_edge(id, _dumps(dict(patch), f"the patch of edge {id!r}")))

    def remove_edge(self, id: str) -> bool:  # noqa: A002
        return self._g.remove_edge(id)

    def edges_of(self, id: str, direction: str = "both",  # noqa: A002
                 types: Sequence[str] = ()) -> List[Tuple[str, str, str, str]]:
        """(edge id, from, to, type) of the node's edges."""
        return self._g.edges_of(id, direction, list(types))

    def neighbors(self, id: str, direction: str = "out", types: Sequence[str] = (),  # noqa: A002
                  depth: int = 1) -> List[Tuple[str, int, Tuple[str, str, str, str]]]:
        """(node id, hops, the edge it was reached by) for the nodes 1 to depth hops away, breadth-first."""
        return self._g.neighbors(id, direction, list(types), depth)

    def shortest_path(self, source: str, target: str, direction: str = "out", types: Sequence[str] = (),
                      max_depth: int = 0) -> Optional[Tuple[List[str], List[Tuple[str, str, str, str]]]]:
        """(nodes, edges) of one shortest path, or None."""
        return self._g.shortest_path(source, target, direction, list(types), max_depth)

    def find_nodes(self, where: Union[Mapping[str, Any], str, None] = None) -> List[Tuple[str, Dict[str, Any]]]:
        """(id, properties) of the nodes whose properties match where (the query language)."""
        text = "{}" if where is None else where if isinstance(where, str) else _json.dumps(where)
        return [(i, _json.loads(p)) for i, p in self._g.find_nodes(text)]

    def check(self, repair: bool = False) -> Dict[str, Any]:
        """nodes, edges, adjacency_entries, problems (one line each), repaired."""
        return self._g.check(repair)

    def export_node_link(self) -> Dict[str, Any]:
        """The graph as NetworkX node-link data (networkx.node_link_graph reads it)."""
        return _json.loads(self._g.export_node_link())

    def import_node_link(self, data: Union[Mapping[str, Any], str]) -> None:
        self._g.import_node_link(data if isinstance(data, str) else _dumps(data, "the node-link data"))
