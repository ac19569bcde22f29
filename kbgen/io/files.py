"""Reading files: the knowledge base's inputs, files named on the command line, package data.

Everything kbgen reads from disk goes through this module (and writes through
:mod:`kbgen.io.atomic`); the stages after it get bytes and never open a file.

>>> import tempfile, pathlib
>>> root = pathlib.Path(tempfile.mkdtemp())
>>> _ = (root / "papers.yaml").write_text("papers: []\\n")
>>> [f.rel for f in read_inputs(root).files]
['papers.yaml']
"""

from __future__ import annotations

import hashlib
import os
from dataclasses import dataclass, field
from pathlib import Path
from typing import Iterator

from kbgen.core.diagnostics import Diagnostic, error
from kbgen.core.kinds import CONTENT_DIR, PAPERS_FILE, PATHS_DIR, TOPICS_FILE
from kbgen.io import boundary

#: Suffixes of the files that are inputs of a knowledge base.
INPUT_SUFFIXES = (".md", ".yaml", ".yml", ".bib")
#: The site's configuration, read for the options the checks need (the static-file allowlist).
SITE_CONFIG = "mkdocs.yml"
#: The "hash" of a file listed by name only (its bytes are not read).
_NAME_ONLY = "-"


class UnreadableRoot(Exception):
    """The root is not a knowledge base at all (exit code 2, not a diagnostic)."""


class UnreadableFile(Exception):
    """A file named on the command line cannot be read (exit code 2)."""

    def __init__(self, path: Path | str, reason: str):
        super().__init__(f"{path}: cannot read the file ({reason})")
        self.reason = reason


@dataclass(frozen=True)
class InputFile:
    """One input: its path relative to the root (POSIX), its bytes and their sha256."""

    rel: str
    data: bytes
    sha256: str


@dataclass
class Inputs:
    """Every input of a root, and a diagnostic for each one that could not be read."""

    root: Path
    files: list[InputFile] = field(default_factory=list)
    diagnostics: list[Diagnostic] = field(default_factory=list)

    @property
    def hashes(self) -> dict[str, str]:
        """Relative path -> sha256 of every input read (the content cache's key)."""
        return {f.rel: f.sha256 for f in self.files}


def is_input(rel: str) -> bool:
    """Whether a file (relative to the root) is an input of the knowledge base.

    >>> is_input("content/summaries/vit.md"), is_input("content/paths/x.yml"), is_input("content/a.yaml")
    (True, True, False)
    """
    if rel == PAPERS_FILE or rel == TOPICS_FILE:
        return True
    if not rel.startswith(CONTENT_DIR + "/"):
        return False
    if rel.endswith((".md", ".bib")):
        return True
    parent, _, name = rel.rpartition("/")
    return parent == PATHS_DIR and name.endswith((".yaml", ".yml"))


#: Files under content/ that are not inputs but whose bytes a check reads (SVG can carry script).
CHECKED_SUFFIXES = (".svg", ".svgz")


def _walk_content(root: Path) -> boundary.Walk:
    return boundary.walk(os.path.realpath(root), CONTENT_DIR)


def iter_input_files(root: Path) -> Iterator[str]:
    """Relative POSIX paths of every input under ``root``, in a stable order (refused entries left out)."""
    real = os.path.realpath(root)
    path, _ = boundary.entry(real, PAPERS_FILE)
    if path is not None:
        yield PAPERS_FILE
    yield from (rel for rel, _ in _walk_content(root).files if is_input(rel))


def check_root(root: Path) -> None:
    """Raise :class:`UnreadableRoot` unless ``root`` looks like a knowledge base."""
    if not root.is_dir():
        raise UnreadableRoot(f"{root}: not a directory")
    if not (root / PAPERS_FILE).exists() and not (root / CONTENT_DIR).is_dir():
        raise UnreadableRoot(f"{root}: no {PAPERS_FILE} and no {CONTENT_DIR}/ here; "
                             "is this a kbgen knowledge base? (use --root DIR)")


def read_inputs(root: Path | str) -> Inputs:
    """The bytes of every input under ``root``; what cannot or may not be read becomes a diagnostic.

    Besides the inputs, :attr:`Inputs.files` lists the site's configuration
    (``mkdocs.yml``, for the options the checks read) and every other file
    under ``content/``: SVG with its bytes, anything else by name only (empty
    bytes), so that the checks see every file the site would publish and the
    content cache's key changes when one is added. The rules of the walk are
    :mod:`kbgen.io.boundary`'s. Raises :class:`UnreadableRoot` when ``root``
    is not a knowledge base.
    """
    root = Path(root)
    check_root(root)
    inputs = Inputs(root)
    real_root = os.path.realpath(root)
    listed: list[tuple[str, str | None]] = []
    for rel in (PAPERS_FILE, SITE_CONFIG):
        path, problem = boundary.entry(real_root, rel)
        if problem is not None:
            inputs.diagnostics.append(problem)
        elif path is not None:
            listed.append((rel, path))
    walked = _walk_content(root)
    inputs.diagnostics.extend(walked.diagnostics)
    for rel, path in walked.files:
        read = is_input(rel) or rel.lower().endswith(CHECKED_SUFFIXES)
        listed.append((rel, path if read else None))
    for rel, path in listed:
        if path is None:
            inputs.files.append(InputFile(rel, b"", _NAME_ONLY))
            continue
        try:
            data = boundary.read_regular(path)
        except boundary.RefusedFile as exc:
            inputs.diagnostics.append(error(rel, 0, 0, exc.code, f"not read: {exc.strerror}"))
            continue
        except OSError as exc:
            inputs.diagnostics.append(error(rel, 0, 0, "KB026", f"cannot read the file: {exc.strerror}"))
            continue
        inputs.files.append(InputFile(rel, data, hashlib.sha256(data).hexdigest()))
    return inputs


def is_directory(path: Path | str) -> bool:
    """Whether ``path`` is a directory (following links)."""
    return Path(path).is_dir()


def is_regular_file(path: Path | str) -> bool:
    """Whether ``path`` is a regular file (following links)."""
    return Path(path).is_file()


def exists(path: Path | str) -> bool:
    """Whether anything is at ``path``."""
    return Path(path).exists()


def read_named_file(path: Path | str, limit: int | None = None) -> bytes:
    """The bytes of a file named on the command line; :class:`UnreadableFile` says why not.

    Only a regular file of at most ``limit`` bytes is read: ``/dev/zero`` or a
    FIFO is refused at once instead of filling memory or blocking.
    """
    try:
        return boundary.read_regular(os.fspath(path), limit, follow=True)
    except OSError as exc:
        raise UnreadableFile(path, exc.strerror or str(exc)) from None


def read_id_list(path: Path | str) -> list[str]:
    """Ids from a text file, one per line; ``#`` starts a comment, blank lines are skipped.

    Raises :class:`UnreadableFile` when the file cannot be read or is not UTF-8.
    """
    try:
        text = read_named_file(path).decode("utf-8-sig")
    except UnicodeDecodeError:
        raise UnreadableFile(path, "not UTF-8 text") from None
    ids = []
    for line in text.splitlines():
        entry = line.split("#", 1)[0].strip()
        if entry:
            ids.append(entry)
    return ids


def read_text(path: Path | str) -> str:
    """Read a UTF-8 text file (a BOM is dropped); raises ``OSError``/``UnicodeDecodeError``.

    A FIFO, a device or a file over :data:`kbgen.io.boundary.MAX_FILE_BYTES`
    raises :class:`kbgen.io.boundary.RefusedFile` (an ``OSError``).
    """
    return boundary.read_regular(os.fspath(path), follow=True).decode("utf-8-sig")


def read_text_if_any(path: Path | str) -> str | None:
    """The exact text of a UTF-8 file (BOM kept), or ``None`` when there is none.

    Raises ``OSError`` or ``UnicodeDecodeError`` when it exists but cannot be read.
    """
    path = Path(path)
    if not os.path.exists(path):
        return None
    return boundary.read_regular(os.fspath(path), follow=True).decode("utf-8")


def read_papers_text(root: Path | str) -> str | None:
    """The exact text of ``papers.yaml`` (BOM kept), or ``None`` when there is none.

    The same rules as for every input hold (:mod:`kbgen.io.boundary`): a
    papers.yaml that links outside the root raises
    :class:`kbgen.io.boundary.RefusedFile`, an ``OSError``.
    """
    real, problem = boundary.entry(os.path.realpath(root), PAPERS_FILE)
    if problem is not None:
        raise boundary.RefusedFile(problem.message, problem.code)
    if real is None:
        return None
    return boundary.read_regular(real).decode("utf-8")


def read_bytes_if_any(path: Path | str) -> bytes | None:
    """The bytes of ``path``, or ``None`` when it is missing, unreadable or not a regular file."""
    try:
        return boundary.read_regular(os.fspath(path), follow=True)
    except OSError:
        return None


def read_package_files(package: str, folder: str) -> dict[str, bytes]:
    """Every file under ``folder`` of an installed package, ``{relative POSIX path: bytes}``.

    Used for the site's templates and assets (kbgen.css, kbgen's scripts, vendored libraries).
    """
    from importlib.resources import files

    found: dict[str, bytes] = {}

    def walk(node, prefix: str) -> None:
        for child in sorted(node.iterdir(), key=lambda c: c.name):
            if child.name.startswith((".", "__")):
                continue
            if child.is_dir():
                walk(child, f"{prefix}{child.name}/")
            else:
                found[f"{prefix}{child.name}"] = child.read_bytes()

    walk(files(package).joinpath(folder), "")
    return found


def read_content_files(docs_dir: Path | str, root: Path | str | None = None) -> dict[str, str | bytes]:
    """Every non-hidden file under ``docs_dir``: Markdown as text, anything else as bytes.

    The walk follows :mod:`kbgen.io.boundary` (``root``, default the parent
    of ``docs_dir``, is the boundary): links leaving it, loops, FIFOs and
    devices are left out, so ``kbgen export`` never copies a file from
    outside the knowledge base. The loader reports each of them as an error,
    and export refuses a knowledge base with errors.
    """
    docs_dir = Path(docs_dir)
    top = os.path.realpath(root if root is not None else docs_dir.parent)
    start = os.path.relpath(os.path.abspath(docs_dir), os.path.abspath(root if root is not None else docs_dir.parent))
    prefix = start.replace(os.sep, "/")
    found: dict[str, str | bytes] = {}
    for rel, path in boundary.walk(top, prefix).files:
        name = rel[len(prefix) + 1:]
        try:
            data = boundary.read_regular(path)
        except OSError:
            continue  # reported by the loader (KB026, KB041, KB042)
        found[name] = data.decode("utf-8-sig") if name.endswith(".md") else data
    return found
