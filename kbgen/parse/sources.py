"""Reading a knowledge base from disk: the only module that touches files.

``load_sources(root)`` reads every input (papers.yaml, content/**/*.md front
matter, content/topics.yaml, content/paths/*.yaml, content/**/*.bib) and
returns them parsed, with locations, plus the diagnostics of anything that
could not be read. Everything after this stage is pure.

Writes also live here (``write_atomic``) so the rest of the program never
opens a file.
"""

from __future__ import annotations

import hashlib
import os
import re
import tempfile
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Iterator

from kbgen.core.diagnostics import Diagnostic, error
from kbgen.parse.located import LocatedDoc, parse_yaml
from kbgen.core.models import PAGE_FOLDERS

CONTENT_DIR = "content"
PAPERS_FILE = "papers.yaml"
TOPICS_FILE = f"{CONTENT_DIR}/topics.yaml"
PATHS_DIR = f"{CONTENT_DIR}/paths"
_FRONT_MATTER_END = re.compile(r"^(---|\.\.\.)[ \t\r]*$", re.MULTILINE)


@dataclass
class PageSource:
    """A Markdown file: its front matter (located) and its body."""

    file: str  # path relative to the root, POSIX separators
    kind: str  # summary | concept | story | resource | page
    id: str  # file name without .md
    front: LocatedDoc
    body: str = ""
    body_line: int = 1  # 1-based line of the body's first line
    has_front_matter: bool = False


@dataclass
class BibSource:
    """A BibTeX file, parsed into records (see :mod:`kbgen.bibtex`)."""

    file: str
    records: list[Any] = field(default_factory=list)


@dataclass
class Sources:
    """Everything read from one knowledge-base root."""

    root: Path
    papers: LocatedDoc | None = None
    topics: LocatedDoc | None = None
    paths: list[LocatedDoc] = field(default_factory=list)
    pages: list[PageSource] = field(default_factory=list)
    bibs: list[BibSource] = field(default_factory=list)
    diagnostics: list[Diagnostic] = field(default_factory=list)
    #: relative path -> sha256 of its bytes, for every input (the cache key).
    hashes: dict[str, str] = field(default_factory=dict)

    def input_files(self) -> list[Path]:
        """Absolute paths of every input, e.g. for ``mkdocs serve`` to watch."""
        return [self.root / rel for rel in sorted(self.hashes)]


class UnreadableRoot(Exception):
    """The root is not a knowledge base at all (exit code 2, not a diagnostic)."""


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
            if name.startswith(".") or not name.endswith((".md", ".yaml", ".yml", ".bib")):
                continue
            rel = prefix + name
            if _is_input(rel):
                found.append(rel)
    yield from sorted(found)


def _is_input(rel: str) -> bool:
    if rel.endswith((".md", ".bib")):
        return True
    if rel == TOPICS_FILE:
        return True
    parent, _, name = rel.rpartition("/")
    return parent == PATHS_DIR and name.endswith((".yaml", ".yml"))


def decode_text(data: bytes, file: str) -> tuple[str | None, list[Diagnostic]]:
    """Decode UTF-8 (a BOM is fine); say which byte is wrong otherwise.

    >>> decode_text(b"a\\nb\\xe9", "x.md")[1][0].message.split(";")[0]
    'byte 0xe9 at offset 3 is not valid UTF-8'
    """
    try:
        return data.decode("utf-8-sig"), []
    except UnicodeDecodeError as exc:
        start = exc.start
        line = data.count(b"\n", 0, start) + 1
        col = start - (data.rfind(b"\n", 0, start) + 1) + 1
        return None, [error(file, line, col, "KB002",
                            f"byte 0x{data[start]:02x} at offset {start} is not valid UTF-8; "
                            "save the file as UTF-8")]


def split_front_matter(text: str) -> tuple[str | None, int, str, int]:
    """Split Markdown into (front matter, its first line, body, body's first line).

    Front matter is the YAML between a first line ``---`` and the next ``---``
    (or ``...``). Returns ``None`` for the front matter when there is none, and
    ``""`` as the body-start line marker when it is not closed.

    >>> split_front_matter("---\\ntitle: X\\n---\\nHello\\n")
    ('title: X\\n', 2, 'Hello\\n', 4)
    """
    first_nl = text.find("\n")
    first = text if first_nl < 0 else text[:first_nl]
    if first.rstrip() != "---":
        return None, 0, text, 1
    rest_start = first_nl + 1 if first_nl >= 0 else len(text)
    end = _FRONT_MATTER_END.search(text, rest_start)
    if end is None:
        return text[rest_start:], 2, "", -1
    front = text[rest_start:end.start()]
    body_start = text.find("\n", end.end())
    body = "" if body_start < 0 else text[body_start + 1:]
    body_line = text.count("\n", 0, end.start()) + 2
    return front, 2, body, body_line


def _decode_into(sources: Sources, rel: str, data: bytes) -> str | None:
    """Decode ``data``; an encoding problem becomes a diagnostic of ``sources``."""
    text, diags = decode_text(data, rel)
    sources.diagnostics.extend(diags)
    return text


def _read_yaml(rel: str, data: bytes, sources: Sources) -> LocatedDoc | None:
    text = _decode_into(sources, rel, data)
    if text is None:
        return None
    if not text.strip():
        sources.diagnostics.append(error(rel, 1, 1, "KB003", "the file is empty; add content or delete it"))
        return None
    doc = parse_yaml(text, rel)
    sources.diagnostics.extend(doc.diagnostics)
    if doc.value is None and not doc.diagnostics:
        sources.diagnostics.append(error(rel, 1, 1, "KB003", "the file holds only comments; add content or delete it"))
        return None
    return doc


def _read_page(rel: str, data: bytes, sources: Sources) -> PageSource | None:
    text = _decode_into(sources, rel, data)
    if text is None:
        return None
    parts = rel.split("/")
    kind = PAGE_FOLDERS.get(parts[1], "page") if len(parts) == 3 else "page"
    page_id = parts[-1][:-3]
    if not text.strip():
        if kind != "page":
            sources.diagnostics.append(error(rel, 1, 1, "KB003", "the file is empty; run 'kbgen new' for a skeleton"))
        return None
    front, front_line, body, body_line = split_front_matter(text)
    page = PageSource(rel, kind, page_id, parse_yaml("", rel), body, max(body_line, 1))
    if front is None:
        if kind != "page":
            sources.diagnostics.append(error(rel, 1, 1, "KB027",
                                             "no front matter; start the file with '---', the fields "
                                             "(title: ...), and '---'"))
        return page
    if body_line < 0:
        sources.diagnostics.append(error(rel, 1, 1, "KB027",
                                         "front matter is not closed; add a line '---' after the fields"))
        return page
    page.has_front_matter = True
    page.front = parse_yaml(front, rel, line_offset=front_line - 1)
    sources.diagnostics.extend(page.front.diagnostics)
    if page.front.value is None and not page.front.diagnostics and kind != "page":
        sources.diagnostics.append(error(rel, front_line, 1, "KB003", "the front matter is empty; add a title"))
    return page


def _read_bib(rel: str, data: bytes, sources: Sources) -> BibSource | None:
    from kbgen.parse.bibtex import parse_bibtex  # imported lazily: only knowledge bases with .bib need it

    text = _decode_into(sources, rel, data)
    if text is None:
        return None
    records, bib_diags = parse_bibtex(text, rel)
    sources.diagnostics.extend(bib_diags)
    return BibSource(rel, records)


def load_sources(root: Path | str) -> Sources:
    """Read every input under ``root``; problems become diagnostics.

    Raises :class:`UnreadableRoot` only when ``root`` is not a directory or
    holds neither ``papers.yaml`` nor ``content/``.
    """
    root = Path(root)
    if not root.is_dir():
        raise UnreadableRoot(f"{root}: not a directory")
    if not (root / PAPERS_FILE).exists() and not (root / CONTENT_DIR).is_dir():
        raise UnreadableRoot(f"{root}: no {PAPERS_FILE} and no {CONTENT_DIR}/ here; "
                             "is this a kbgen knowledge base? (use --root DIR)")
    sources = Sources(root)
    for rel in iter_input_files(root):
        try:
            data = (root / rel).read_bytes()
        except OSError as exc:
            sources.diagnostics.append(error(rel, 0, 0, "KB026", f"cannot read the file: {exc.strerror}"))
            continue
        sources.hashes[rel] = hashlib.sha256(data).hexdigest()
        if rel == PAPERS_FILE:
            sources.papers = _read_yaml(rel, data, sources)
        elif rel == TOPICS_FILE:
            sources.topics = _read_yaml(rel, data, sources)
        elif rel.endswith(".md"):
            page = _read_page(rel, data, sources)
            if page is not None:
                sources.pages.append(page)
        elif rel.endswith(".bib"):
            bib = _read_bib(rel, data, sources)
            if bib is not None:
                sources.bibs.append(bib)
        else:
            doc = _read_yaml(rel, data, sources)
            if doc is not None:
                sources.paths.append(doc)
    return sources


class UnreadableFile(Exception):
    """An input file named on the command line cannot be read (exit code 2)."""

    def __init__(self, path: Path | str, reason: str):
        super().__init__(f"{path}: cannot read the file ({reason})")
        self.reason = reason


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


def write_atomic(path: Path | str, text: str) -> None:
    """Write ``text`` to ``path`` via a temporary file and a rename.

    An interrupted write leaves the old file intact; the new file keeps the
    old one's permissions.
    """
    path = Path(path)
    path.parent.mkdir(parents=True, exist_ok=True)
    fd, tmp = tempfile.mkstemp(prefix=f".{path.name}.", suffix=".tmp", dir=path.parent)
    try:
        with os.fdopen(fd, "w", encoding="utf-8", newline="") as handle:
            handle.write(text)
            handle.flush()
            os.fsync(handle.fileno())
        if path.exists():
            os.chmod(tmp, path.stat().st_mode & 0o777)
        else:
            os.chmod(tmp, 0o644)
        os.replace(tmp, path)
    except BaseException:
        Path(tmp).unlink(missing_ok=True)
        raise


def read_text(path: Path | str) -> str:
    """Read a UTF-8 text file (a BOM is dropped); raises ``OSError``/``UnicodeDecodeError``."""
    return Path(path).read_bytes().decode("utf-8-sig")


def read_papers_text(root: Path | str) -> str | None:
    """The exact text of ``papers.yaml`` (BOM kept), or ``None`` when there is none."""
    path = Path(root) / PAPERS_FILE
    if not path.exists():
        return None
    return path.read_bytes().decode("utf-8")


def append_papers(root: Path | str, addition: str, expected: str | None = None) -> Path:
    """Append ``addition`` to ``papers.yaml`` atomically, never rewriting existing bytes.

    ``expected`` is the text the addition was planned against: when the file
    changed meanwhile, :class:`FileChangedError` is raised and nothing is written.
    """
    path = Path(root) / PAPERS_FILE
    old = path.read_bytes().decode("utf-8") if path.exists() else ""
    if expected is not None and old != expected:
        raise FileChangedError(f"{PAPERS_FILE} changed while kbgen was working; run the command again")
    write_atomic(path, old + addition)
    return path


class FileChangedError(Exception):
    """A file changed between planning a write and doing it."""


def write_new_file(path: Path | str, text: str) -> Path:
    """Create ``path`` with ``text``; raises ``FileExistsError`` rather than overwrite."""
    path = Path(path)
    path.parent.mkdir(parents=True, exist_ok=True)
    with open(path, "x", encoding="utf-8", newline="") as handle:
        handle.write(text)
    return path


# -- the content cache's I/O (the cache's logic lives in kbgen/cache.py) ----------

def hash_inputs(root: Path | str) -> dict[str, str] | None:
    """sha256 of the bytes of every input, by relative path, without parsing anything.

    Returns ``None`` when an input cannot be read (then nothing may be cached).
    """
    root = Path(root)
    top = os.fspath(root)
    hashes: dict[str, str] = {}
    for rel in iter_input_files(root):
        try:
            with open(os.path.join(top, rel), "rb") as handle:
                data = handle.read()
        except OSError:
            return None
        hashes[rel] = hashlib.sha256(data).hexdigest()
    return hashes


def read_bytes_if_any(path: Path | str) -> bytes | None:
    """The bytes of ``path``, or ``None`` when it is missing or unreadable."""
    try:
        return Path(path).read_bytes()
    except OSError:
        return None


def write_atomic_bytes(path: Path | str, data: bytes, mode: int = 0o644) -> None:
    """Write ``data`` to ``path`` via a temporary file and a rename, with permissions ``mode``."""
    path = Path(path)
    path.parent.mkdir(parents=True, exist_ok=True)
    fd, tmp = tempfile.mkstemp(prefix=f".{path.name}.", suffix=".tmp", dir=path.parent)
    try:
        with os.fdopen(fd, "wb") as handle:
            handle.write(data)
        os.chmod(tmp, mode)
        os.replace(tmp, path)
    except BaseException:
        Path(tmp).unlink(missing_ok=True)
        raise


def read_or_create_secret(path: Path | str, size: int = 32) -> bytes | None:
    """A random secret kept in ``path`` (created 0600 on first use), or ``None`` if that fails.

    A secret that is not a private regular file of ours (wrong owner, readable
    by others, a symlink) is not trusted: ``None``.
    """
    path = Path(path)
    try:
        path.parent.mkdir(parents=True, exist_ok=True, mode=0o700)
        try:
            fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL | getattr(os, "O_NOFOLLOW", 0), 0o600)
        except FileExistsError:
            pass
        else:
            with os.fdopen(fd, "wb") as handle:
                handle.write(os.urandom(size))
        fd = os.open(path, os.O_RDONLY | getattr(os, "O_NOFOLLOW", 0))
        with os.fdopen(fd, "rb") as handle:
            info = os.fstat(handle.fileno())
            if hasattr(os, "getuid") and (info.st_uid != os.getuid() or info.st_mode & 0o077):
                return None
            secret = handle.read()
    except OSError:
        return None
    return secret if len(secret) == size else None


def read_package_files(package: str, folder: str) -> dict[str, bytes]:
    """Every file under ``folder`` of an installed package, ``{relative POSIX path: bytes}``.

    Used for the site's assets (kbgen.css, kbgen.js, vendored libraries).
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


def write_tree(root: Path | str, tree: dict[str, str | bytes]) -> None:
    """Write ``{relative POSIX path: text or bytes}`` under ``root``, each file atomically."""
    root = Path(root)
    for rel, data in tree.items():
        target = root.joinpath(*rel.split("/"))
        if isinstance(data, bytes):
            target.parent.mkdir(parents=True, exist_ok=True)
            tmp = target.with_name(f".{target.name}.tmp")
            tmp.write_bytes(data)
            os.replace(tmp, target)
        else:
            write_atomic(target, data)


def replace_directory(new: Path | str, target: Path | str) -> None:
    """Put the finished directory ``new`` where ``target`` is, then delete the old one.

    Both must be on the same file system (``new`` is made next to ``target``);
    the old tree is moved aside first, so ``target`` is never half-written.
    """
    import shutil

    new, target = Path(new), Path(target)
    old = None
    if target.exists():
        old = Path(tempfile.mkdtemp(prefix=f".{target.name}.old-", dir=target.parent))
        os.rmdir(old)
        os.replace(target, old)
    try:
        os.replace(new, target)
    except BaseException:
        if old is not None:
            os.replace(old, target)
        raise
    if old is not None:
        shutil.rmtree(old, ignore_errors=True)


def make_temp_dir(next_to: Path | str, prefix: str) -> Path:
    """A new empty directory beside ``next_to`` (same file system, so a rename is atomic)."""
    next_to = Path(next_to).resolve()
    next_to.parent.mkdir(parents=True, exist_ok=True)
    return Path(tempfile.mkdtemp(prefix=f".{next_to.name}.{prefix}-", dir=next_to.parent))


def remove_tree(path: Path | str) -> None:
    """Delete a directory tree (a failed build's temporary output)."""
    import shutil

    shutil.rmtree(path, ignore_errors=True)


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
