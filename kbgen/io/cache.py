"""The content cache: a validated knowledge base kept under ``<root>/.kbgen-cache/``.

``load_cached(root)`` returns the same ``(KnowledgeBase, diagnostics)`` as
:func:`kbgen.validate.load_knowledge_base`, but skips parsing and validation
when no input changed since the last run.

The key. It is the sha256 of: the list of every input file and the sha256 of
each one's bytes (:func:`kbgen.sources.hash_inputs`, which reads and hashes
but parses nothing), the bytes of kbgen's own pipeline modules, and the
versions of kbgen, Python and pydantic. Any edit, new file or deleted file
changes the key; so does upgrading kbgen or editing its code. The key written
with a cache entry is the one of the bytes that were actually parsed
(``Sources.hashes``), so a file edited during a run cannot leave a stale entry
behind.

The format, and why. Measured on 10,000 synthetic papers (2 cores, see
BENCHMARKS.md): the knowledge base as JSON re-validated with pydantic loads
in 0.17 s (``json.loads``) + 0.54-0.74 s (``model_validate``); as a pickle it
loads in 0.14 s once the garbage collector is paused (0.67-0.77 s with it
running). With kbgen's imports and hashing the inputs, only the pickle keeps
a warm ``kbgen validate`` under its 0.5 s target, so the cache is a pickle.

Unpickling runs code chosen by whoever wrote the file, and the cache sits in a
directory that a pull request can fill (nothing stops a repository from
committing ``.kbgen-cache/``). So a cache file is trusted only when it carries
an HMAC-SHA256 made with a secret that never lives in the knowledge base:
``$XDG_CACHE_HOME/kbgen/cache-secret`` (default ``~/.cache/kbgen/``),
32 random bytes created 0600 on first use and refused when anyone else could
read or own it. A file that is truncated, corrupt, from another machine or
user, or written by another version fails the magic, key or HMAC check and is
ignored and rebuilt, never unpickled. Even a file that passes is read by an
unpickler that can only build kbgen's own model classes and ``datetime.date``.
Where the secret cannot be kept (no writable home), there is no cache: every
run parses, exactly as without this module. ``KBGEN_CACHE=0`` turns it off.

What is stored: the diagnostics as tuples, and the tables and origins as a
pickle of their own inside the entry, unpickled only when a table is first
read (:class:`_LazyTables`). ``kbgen validate`` reads none, so a warm run
costs imports, hashing the inputs, one HMAC and a small unpickle (measured
at 10,000 papers: 0.65 -> 0.42 CPU s); commands that read the knowledge base
pay the 0.15 s unpickle on first use.

A cache problem is never the knowledge base's problem: it produces no
diagnostic (``--strict`` must not fail because of it); the entry is rebuilt.
"""

from __future__ import annotations

import gc
import hashlib
import hmac
import io
import json
import os
import pickle
import sys
from collections.abc import Mapping
from pathlib import Path
from typing import Callable

from kbgen import __version__
from kbgen.core.diagnostics import Diagnostic
from kbgen.core.kb import KnowledgeBase, Origin
from kbgen.parse.sources import (
    hash_inputs,
    load_sources,
    read_bytes_if_any,
    read_or_create_secret,
    write_atomic_bytes,
)

CACHE_DIR = ".kbgen-cache"
CACHE_FILE = "kb.pickle"
MAGIC = b"kbgen-cache v1\n"
_DIGEST = 32  # bytes of a sha256 digest / HMAC-SHA256 tag
#: The modules whose code decides what a knowledge base and its diagnostics are.
_PIPELINE = ("parse/sources.py", "parse/located.py", "core/models.py", "core/kb.py", "check/validate.py",
             "core/diagnostics.py", "parse/bibtex.py", "parse/latex.py", "graph/build.py", "io/cache.py")
_ALLOWED = {
    "kbgen.core.models": {"Paper", "Concept", "Story", "Resource", "Summary", "Topic", "ReadingPath"},
    "datetime": {"date"},
}


def cache_path(root: Path | str) -> Path:
    """Where the cache of the knowledge base at ``root`` lives."""
    return Path(root) / CACHE_DIR / CACHE_FILE


def secret_path() -> Path:
    """The per-user secret that signs cache files (outside every knowledge base)."""
    base = os.environ.get("XDG_CACHE_HOME") or os.path.join(os.path.expanduser("~"), ".cache")
    return Path(base) / "kbgen" / "cache-secret"


def compute_key(hashes: dict[str, str]) -> bytes:
    """The cache key of a set of input hashes (plus kbgen's code and the versions that matter).

    >>> compute_key({"papers.yaml": "ab"}) == compute_key({"papers.yaml": "ab"})
    True
    >>> compute_key({"papers.yaml": "ab"}) == compute_key({"papers.yaml": "ab", "content/x.md": "cd"})
    False
    """
    import pydantic

    here = Path(__file__).parent.parent
    code = {name: hashlib.sha256(read_bytes_if_any(here / name) or b"").hexdigest() for name in _PIPELINE}
    blob = json.dumps([__version__, sys.version, pydantic.VERSION, code, sorted(hashes.items())],
                      separators=(",", ":"))
    return hashlib.sha256(blob.encode()).digest()


class _Unpickler(pickle.Unpickler):
    """Builds kbgen's own classes only, whatever the file asks for."""

    def find_class(self, module: str, name: str):
        if name in _ALLOWED.get(module, ()):
            return super().find_class(module, name)
        raise pickle.UnpicklingError(f"{module}.{name} is not allowed in a kbgen cache")


def _sign(secret: bytes, name: bytes, key: bytes, payload: bytes) -> bytes:
    return hmac.new(secret, MAGIC + name + b"\0" + key + payload, hashlib.sha256).digest()


def encode_entry(secret: bytes, key: bytes, value: object, name: str = "kb") -> bytes:
    """The bytes of a cache file: magic, key, HMAC tag (over name, key and payload), pickle."""
    payload = pickle.dumps(value, protocol=pickle.HIGHEST_PROTOCOL)
    return MAGIC + key + _sign(secret, name.encode(), key, payload) + payload


def decode_entry(secret: bytes, key: bytes, data: bytes, name: str = "kb") -> object | None:
    """The value of ``data`` if it is a genuine entry ``name`` for ``key``, else ``None``.

    >>> entry = encode_entry(b"s" * 32, b"k" * 32, [1, 2])
    >>> decode_entry(b"s" * 32, b"k" * 32, entry), decode_entry(b"t" * 32, b"k" * 32, entry)
    ([1, 2], None)
    """
    head = len(MAGIC)
    if len(data) < head + 2 * _DIGEST or not data.startswith(MAGIC):
        return None
    if not hmac.compare_digest(data[head:head + _DIGEST], key):
        return None  # stale: some input changed
    tag = data[head + _DIGEST:head + 2 * _DIGEST]
    payload = data[head + 2 * _DIGEST:]
    if not hmac.compare_digest(tag, _sign(secret, name.encode(), key, payload)):
        return None  # corrupt, truncated, or not written by this user on this machine
    try:
        return _unpickle(payload)
    except Exception:  # noqa: BLE001 - a bad entry is rebuilt, whatever went wrong
        return None


def _unpickle(data: bytes) -> object:
    """Unpickle ``data`` with kbgen's classes only (raises on anything else)."""
    # A cached knowledge base is ~10^5 containers, none of them garbage. With
    # the collector running, loading takes 5x longer and the next collections
    # walk all of them again; so pause it, and freeze what was loaded (out of
    # the collector's sight; reference counting still frees it).
    enabled = gc.isenabled()
    gc.disable()
    try:
        value = _Unpickler(io.BytesIO(data)).load()
        gc.freeze()
        return value
    finally:
        if enabled:
            gc.enable()


_TABLES = ("papers", "concepts", "stories", "resources", "summaries", "topics", "paths")
_DIAG_FIELDS = ("file", "line", "column", "severity", "code", "message")


def _plain_diagnostics(diags: list[Diagnostic]) -> list[tuple]:
    # Origins and diagnostics are stored as tuples: a slotted dataclass
    # unpickles through a Python __setstate__, slower than rebuilding it.
    return [tuple(getattr(d, f) for f in _DIAG_FIELDS) for d in diags]


def _to_plain(kb: KnowledgeBase, diags: list[Diagnostic]) -> tuple[list[tuple], bytes]:
    """The diagnostics, and the tables and origins as a pickle of their own (see :class:`_LazyTables`)."""
    tables = {name: dict(getattr(kb, name)) for name in _TABLES}
    origins = {key: (o.file, o.line, o.column) for key, o in kb.origins.items()}
    return _plain_diagnostics(diags), pickle.dumps((tables, origins), protocol=pickle.HIGHEST_PROTOCOL)


def _from_plain(value: object) -> tuple[KnowledgeBase, list[Diagnostic]] | None:
    try:
        diags, blob = value  # type: ignore[misc]
        if not isinstance(blob, bytes):
            return None
        found = [Diagnostic(*fields) for fields in diags]
    except (TypeError, ValueError):
        return None
    source = _LazyTables(blob)
    kb = KnowledgeBase(**{name: _LazyTable(source, name) for name in (*_TABLES, "origins")})
    return kb, found


class _LazyTables:
    """The tables and origins of a cached knowledge base, unpickled when first read.

    A warm ``kbgen validate`` needs only the diagnostics; unpickling 10,000
    papers (0.15 s, a third of its budget) is left to the commands that read
    them. The bytes were authenticated with the rest of the entry.
    """

    __slots__ = ("_blob", "_tables")

    def __init__(self, blob: bytes):
        self._blob = blob
        self._tables: dict[str, dict] | None = None

    def tables(self) -> dict[str, dict]:
        if self._tables is None:
            tables, origins = _unpickle(self._blob)  # type: ignore[misc]
            if not isinstance(tables, dict) or set(tables) != set(_TABLES):
                raise RuntimeError("the content cache is damaged; delete .kbgen-cache and run again")
            tables["origins"] = {key: Origin(*loc) for key, loc in origins.items()}
            self._tables, self._blob = tables, b""
        return self._tables


class _LazyTable(Mapping):
    """One read-only table of a cached knowledge base (behaves as the dict it stands for)."""

    __slots__ = ("_source", "_name")

    def __init__(self, source: _LazyTables, name: str):
        self._source = source
        self._name = name

    def _table(self) -> dict:
        return self._source.tables()[self._name]

    def __getitem__(self, key):
        return self._source.tables()[self._name][key]

    def __iter__(self):
        return iter(self._table())

    def __len__(self) -> int:
        return len(self._table())

    def __contains__(self, key) -> bool:
        return key in self._table()

    def get(self, key, default=None):
        return self._table().get(key, default)

    def keys(self):
        return self._table().keys()

    def items(self):
        return self._table().items()

    def values(self):
        return self._table().values()

    def __eq__(self, other) -> bool:
        return self._table() == (other._table() if isinstance(other, _LazyTable) else other)

    def __repr__(self) -> str:
        return repr(self._table())

    def __reduce__(self):
        return dict, (self._table(),)  # pickles (and copies) as the plain dict


def _enabled() -> bool:
    return os.environ.get("KBGEN_CACHE", "1").strip().lower() not in ("0", "no", "off", "false")


#: id(kb) -> (kb, root, secret, key) for knowledge bases this process loaded
#: through the cache, so values derived from them can be cached alongside.
_LOADED: dict[int, tuple[KnowledgeBase, Path, bytes, bytes]] = {}


def load_cached(root: Path | str) -> tuple[KnowledgeBase, list[Diagnostic]]:
    """Load and validate ``root``, from the content cache when every input is unchanged.

    Returns what :func:`kbgen.validate.load_knowledge_base` returns (an equal
    knowledge base, the same diagnostics). Raises
    :class:`kbgen.sources.UnreadableRoot` like it.
    """
    root = Path(root)
    secret = read_or_create_secret(secret_path()) if _enabled() and root.is_dir() else None
    if secret is not None:
        hashes = hash_inputs(root)
        if hashes is not None:
            key = compute_key(hashes)
            data = read_bytes_if_any(cache_path(root))
            found = _from_plain(decode_entry(secret, key, data)) if data is not None else None
            if found is not None:
                _LOADED[id(found[0])] = (found[0], root, secret, key)
                return found
    from kbgen.check.validate import build_knowledge_base  # only on a miss: it pulls in the YAML parser

    sources = load_sources(root)
    kb, diags = build_knowledge_base(sources)
    if secret is not None and not any(d.code == "KB026" for d in diags):
        # Keyed by the bytes actually parsed. An unreadable input (KB026) has
        # no hash, so nothing is stored: its later fix must not hit this entry.
        key = compute_key(sources.hashes)
        if _write(cache_path(root), encode_entry(secret, key, _to_plain(kb, diags))):
            _LOADED[id(kb)] = (kb, root, secret, key)
    return kb, diags


def remember_diagnostics(kb: KnowledgeBase, name: str,
                         compute: Callable[[], list[Diagnostic]]) -> list[Diagnostic]:
    """``compute()``, cached next to ``kb`` when ``kb`` came from :func:`load_cached`.

    For diagnostics that are a pure function of the knowledge base and kbgen's
    code (e.g. the graph's citation-cycle warnings), so a warm query skips
    that work too. ``name`` names the entry (letters, digits, ``-``).
    """
    loaded = _LOADED.get(id(kb))
    if loaded is None or loaded[0] is not kb:
        return compute()
    _, root, secret, key = loaded
    path = root / CACHE_DIR / f"{name}.pickle"
    data = read_bytes_if_any(path)
    if data is not None:
        value = decode_entry(secret, key, data, name)
        try:
            return [Diagnostic(*fields) for fields in value]  # type: ignore[union-attr]
        except TypeError:
            pass  # missing, stale or not ours: compute it again
    diags = compute()
    _write(path, encode_entry(secret, key, _plain_diagnostics(diags), name))
    return diags


def _write(path: Path, data: bytes) -> bool:
    try:
        write_atomic_bytes(path, data, mode=0o600)
    except OSError:
        return False  # a read-only checkout still works, just without a cache
    return True
