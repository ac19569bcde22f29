"""The content cache: what loading a knowledge base found, kept in the user's cache directory.

One file per knowledge-base root under ``$XDG_CACHE_HOME/kbgen/`` (default
``~/.cache/kbgen/``), named by a hash of the root's absolute path, so nothing
is ever written into a knowledge base. A file holds three lines: a header
with the key it was made for, then the JSON the caller stored (for
:mod:`kbgen.app.load`: the diagnostics, then the knowledge base), so a warm
``kbgen validate`` reads the small second line and never decodes the third.

The key is the sha256 of every input's path and bytes' hash, kbgen's version
and the bytes of its own pipeline code, Python's version and the versions of
the libraries that parse and validate (PyYAML and whether libyaml is used,
pydantic, bibtexparser, pylatexenc, networkx). Anything else that changes is
a new key, and an entry with another key is ignored and replaced.

The cache holds plain JSON: a damaged or forged file can at worst be
ignored, never run code. Its directories are created 0700 and must be real
directories of this user (a symbolic link there is refused), and its files
are opened without following links, so the cache location cannot be
redirected. Nothing is kept in memory between calls. ``KBGEN_CACHE=0``
turns the cache off; any problem with it only means parsing again.
"""

from __future__ import annotations

import hashlib
import json
import os
import stat
import sys
from pathlib import Path

from kbgen import __version__
from kbgen.io.atomic import write_atomic

FORMAT = b"kbgen-cache 2"
#: kbgen's own code that decides what a knowledge base and its diagnostics are.
_CODE_FOLDERS = ("core", "parse", "check", "graph")
_CODE_FILES = ("io/cache.py", "io/files.py", "app/load.py")
_LIBRARIES = ("pyyaml", "pydantic", "pydantic-core", "bibtexparser", "pylatexenc", "networkx")


def enabled() -> bool:
    """Whether the cache is on (``KBGEN_CACHE`` unset or not 0/no/off/false)."""
    return os.environ.get("KBGEN_CACHE", "1").strip().lower() not in ("0", "no", "off", "false")


def cache_home() -> Path:
    """``$XDG_CACHE_HOME/kbgen``, else ``~/.cache/kbgen``."""
    base = os.environ.get("XDG_CACHE_HOME") or os.path.join(os.path.expanduser("~"), ".cache")
    return Path(base) / "kbgen"


def entry_path(root: Path | str) -> Path:
    """The cache file of the knowledge base at ``root``."""
    name = hashlib.sha256(os.fsencode(Path(root).resolve())).hexdigest()[:32]
    return cache_home() / f"{name}.cache"


def versions() -> dict[str, str]:
    """The versions the key covers: kbgen, Python and the parsing and validation libraries."""
    from importlib.metadata import PackageNotFoundError, version

    import yaml

    found = {"kbgen": __version__, "python": sys.version, "libyaml": str(getattr(yaml, "__with_libyaml__", False))}
    for name in _LIBRARIES:
        try:
            found[name] = version(name)
        except PackageNotFoundError:
            found[name] = "-"
    return found


def code_digest() -> str:
    """sha256 over kbgen's pipeline code, so editing it (not only upgrading) renews the cache."""
    here = Path(__file__).resolve().parents[1]
    digest = hashlib.sha256()
    files = [p for folder in _CODE_FOLDERS for p in sorted((here / folder).glob("*.py"))]
    files += [here / rel for rel in _CODE_FILES]
    for path in files:
        digest.update(path.relative_to(here).as_posix().encode() + b"\0")
        try:
            digest.update(path.read_bytes())
        except OSError:
            digest.update(b"-")
    return digest.hexdigest()


def compute_key(hashes: dict[str, str]) -> str:
    """The key of a set of input hashes (relative path -> sha256), with versions and code.

    >>> compute_key({"papers.yaml": "ab"}) == compute_key({"papers.yaml": "ab"})
    True
    >>> compute_key({"papers.yaml": "ab"}) == compute_key({"papers.yaml": "ab", "content/x.md": "cd"})
    False
    """
    blob = json.dumps([versions(), code_digest(), sorted(hashes.items())], separators=(",", ":"))
    return hashlib.sha256(blob.encode()).hexdigest()


def _safe_dir(path: Path, create: bool) -> bool:
    """Whether ``path`` is a real directory of ours (made 0700 when ``create``), never a link."""
    try:
        info = os.lstat(path)
    except FileNotFoundError:
        if not create:
            return False
        try:
            os.makedirs(path, mode=0o700, exist_ok=True)
            info = os.lstat(path)
        except OSError:
            return False
    except OSError:
        return False
    if not stat.S_ISDIR(info.st_mode):
        return False  # a symbolic link or a file where the cache should be
    return not hasattr(os, "getuid") or info.st_uid == os.getuid()


def read_entry(root: Path | str, key: str, lines: int) -> list[bytes] | None:
    """The first ``lines`` stored lines of ``root``'s entry when it was made for ``key``, else ``None``."""
    path = entry_path(root)
    if not enabled() or not _safe_dir(path.parent, create=False):
        return None
    try:
        fd = os.open(path, os.O_RDONLY | getattr(os, "O_NOFOLLOW", 0))
    except OSError:
        return None
    try:
        with os.fdopen(fd, "rb") as handle:
            if handle.readline().rstrip(b"\n") != FORMAT + b" " + key.encode():
                return None
            found = [handle.readline() for _ in range(lines)]
    except OSError:
        return None
    if not all(line.endswith(b"\n") for line in found):
        return None  # truncated
    return [line[:-1] for line in found]


def write_entry(root: Path | str, key: str, payload: list[bytes]) -> bool:
    """Store ``payload`` (lines without newlines) as ``root``'s entry for ``key``; ``False`` if it cannot."""
    path = entry_path(root)
    if not enabled() or not _safe_dir(path.parent, create=True):
        return False
    if os.path.islink(path):
        return False
    data = b"\n".join([FORMAT + b" " + key.encode(), *payload]) + b"\n"
    try:
        write_atomic(path, data, mode=0o600, durable=False)
    except OSError:
        return False  # a read-only home still works, just without a cache
    return True
