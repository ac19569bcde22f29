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

#: Suffixes of the files that are inputs of a knowledge base.
INPUT_SUFFIXES = (".md", ".yaml", ".yml", ".bib")


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


def iter_input_files(root: Path) -> Iterator[str]:
    """Relative POSIX paths of every input under ``root``, in a stable order."""
    if (root / PAPERS_FILE).is_file():
        yield PAPERS_FILE
    content = root / CONTENT_DIR
    if not content.is_dir():
        return
    found = []
    top = os.fspath(content)
    for dirpath, dirnames, filenames in os.walk(top):
        # Hidden folders (.obsidian, .git) are not content.
        dirnames[:] = sorted(d for d in dirnames if not d.startswith("."))
        # String joins, not pathlib: this runs per file on every (cached) query.
        prefix = CONTENT_DIR + dirpath[len(top):].replace(os.sep, "/") + "/"
        for name in filenames:
            if name.startswith(".") or not name.endswith(INPUT_SUFFIXES):
                continue
            rel = prefix + name
            if is_input(rel):
                found.append(rel)
    yield from sorted(found)


def check_root(root: Path) -> None:
    """Raise :class:`UnreadableRoot` unless ``root`` looks like a knowledge base."""
    if not root.is_dir():
        raise UnreadableRoot(f"{root}: not a directory")
    if not (root / PAPERS_FILE).exists() and not (root / CONTENT_DIR).is_dir():
        raise UnreadableRoot(f"{root}: no {PAPERS_FILE} and no {CONTENT_DIR}/ here; "
                             "is this a kbgen knowledge base? (use --root DIR)")


def read_inputs(root: Path | str) -> Inputs:
    """The bytes of every input under ``root``; an unreadable file becomes a KB026 diagnostic.

    Raises :class:`UnreadableRoot` when ``root`` is not a knowledge base.
    """
    root = Path(root)
    check_root(root)
    inputs = Inputs(root)
    top = os.fspath(root)
    for rel in iter_input_files(root):
        try:
            with open(os.path.join(top, rel), "rb") as handle:
                data = handle.read()
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


def read_named_file(path: Path | str) -> bytes:
    """The bytes of a file named on the command line; :class:`UnreadableFile` says why not."""
    try:
        return Path(path).read_bytes()
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
    """Read a UTF-8 text file (a BOM is dropped); raises ``OSError``/``UnicodeDecodeError``."""
    return Path(path).read_bytes().decode("utf-8-sig")


def read_text_if_any(path: Path | str) -> str | None:
    """The exact text of a UTF-8 file (BOM kept), or ``None`` when there is none.

    Raises ``OSError`` or ``UnicodeDecodeError`` when it exists but cannot be read.
    """
    path = Path(path)
    if not path.exists():
        return None
    return path.read_bytes().decode("utf-8")


def read_papers_text(root: Path | str) -> str | None:
    """The exact text of ``papers.yaml`` (BOM kept), or ``None`` when there is none."""
    return read_text_if_any(Path(root) / PAPERS_FILE)


def read_bytes_if_any(path: Path | str) -> bytes | None:
    """The bytes of ``path``, or ``None`` when it is missing or unreadable."""
    try:
        return Path(path).read_bytes()
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


def read_content_files(docs_dir: Path | str) -> dict[str, str | bytes]:
    """Every non-hidden file under ``docs_dir``: Markdown as text, anything else as bytes."""
    docs_dir = Path(docs_dir)
    found: dict[str, str | bytes] = {}
    for dirpath, dirnames, filenames in os.walk(docs_dir):
        dirnames[:] = sorted(d for d in dirnames if not d.startswith("."))
        for name in sorted(filenames):
            if name.startswith("."):
                continue
            path = Path(dirpath, name)
            rel = path.relative_to(docs_dir).as_posix()
            data = path.read_bytes()
            found[rel] = data.decode("utf-8-sig") if name.endswith(".md") else data
    return found
