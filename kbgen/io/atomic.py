"""Writing files so that nothing is lost: every write is atomic, appends keep every old byte.

- A write goes to a temporary file in the same directory and is renamed
  over the target, so an interrupted run leaves the old file whole. The
  temporary file's name carries the writer's process id; a later write in
  the same directory deletes those whose process is gone.
- papers.yaml is appended to under the knowledge base's lock
  (:mod:`kbgen.io.lock`), after checking it is still the text the addition
  was planned against.
- A directory (the built site) is swapped in with one atomic exchange where
  the system has it (Linux ``renameat2``), else with two renames; either
  way the next run finds what an interrupted one left (the old site moved
  aside, the half-built one) and puts the old site back or deletes it, so
  the site is never missing for long and leftovers do not pile up.
- :func:`output_problem` says when a directory must not be written at all
  (``--site-dir papers.yaml``, the root, content/, a folder that is not a site).
"""

from __future__ import annotations

import os
import re
import shutil
import tempfile
from pathlib import Path

from kbgen.core.kinds import CONTENT_DIR, PAPERS_FILE
from kbgen.io import boundary
from kbgen.io.lock import locked


class FileChangedError(Exception):
    """A file changed between planning a write and doing it."""


_TEMP = re.compile(r"^\..+\.(\d+)\.[^./]+\.tmp$")
_TEMP_DIR = re.compile(r"^\.(?P<name>.+)\.(?P<what>[a-z]+)-(?P<pid>\d+)-[^./]+$")


def _alive(pid: int) -> bool:
    if pid == os.getpid():
        return True
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except OSError:
        return True  # someone else's process: alive
    return True


def clean_stale_temps(directory: Path | str) -> int:
    """Delete the temporary files that interrupted writes left in ``directory``; return how many."""
    removed = 0
    try:
        names = os.listdir(directory)
    except OSError:
        return 0
    for name in names:
        m = _TEMP.match(name)
        if m and not _alive(int(m.group(1))):
            try:
                os.unlink(os.path.join(directory, name))
                removed += 1
            except OSError:
                pass
    return removed


def write_atomic(path: Path | str, data: str | bytes, mode: int | None = None, durable: bool = True,
                 clean: bool = True) -> None:
    """Write ``data`` (text is UTF-8) to ``path`` via a temporary file and a rename.

    An interrupted write leaves the old file intact. The new file keeps the
    old one's permissions, or gets ``mode`` (default 0644) when it is new.
    ``durable`` syncs the data to disk before the rename (a source file); a
    generated tree of thousands of files skips it, since it can be made again.
    ``clean`` first deletes temporary files of dead writers in the directory.
    """
    path = Path(path)
    path.parent.mkdir(parents=True, exist_ok=True)
    if clean:
        clean_stale_temps(path.parent)
    fd, tmp = tempfile.mkstemp(prefix=f".{path.name}.{os.getpid()}.", suffix=".tmp", dir=path.parent)
    try:
        with os.fdopen(fd, "wb") as handle:
            handle.write(data.encode("utf-8") if isinstance(data, str) else data)
            if durable:
                handle.flush()
                os.fsync(handle.fileno())
        if mode is not None:
            os.chmod(tmp, mode)
        elif path.exists():
            os.chmod(tmp, path.stat().st_mode & 0o777)
        else:
            os.chmod(tmp, 0o644)
        os.replace(tmp, path)
    except BaseException:
        Path(tmp).unlink(missing_ok=True)
        raise


def append_papers(root: Path | str, addition: str, expected: str | None = None) -> Path:
    """Append ``addition`` to ``papers.yaml`` atomically, never rewriting existing bytes.

    Done under the knowledge base's lock, so no other kbgen writer runs
    between the check and the write. ``expected`` is the text the addition
    was planned against: when the file changed meanwhile,
    :class:`FileChangedError` is raised and nothing is written. A
    papers.yaml that links outside the root is refused
    (:class:`kbgen.io.boundary.RefusedFile`, an ``OSError``).
    """
    path = Path(root) / PAPERS_FILE
    with locked(root):
        real, problem = boundary.entry(os.path.realpath(root), PAPERS_FILE)
        if problem is not None:
            raise boundary.RefusedFile(problem.message, problem.code)
        old = boundary.read_regular(real).decode("utf-8") if real is not None else ""
        if expected is not None and old != expected:
            raise FileChangedError(f"{PAPERS_FILE} changed while kbgen was working; run the command again")
        write_atomic(path, old + addition)
    return path


def write_new_file(path: Path | str, text: str, root: Path | str | None = None) -> Path:
    """Create ``path`` with ``text``; raises ``FileExistsError`` rather than overwrite.

    With ``root``, the file must land inside it: a folder on the way that is
    a link leading elsewhere raises :class:`kbgen.io.boundary.RefusedFile`.
    """
    path = Path(path)
    if root is not None:
        real_root = os.path.realpath(root)
        parent = Path(os.path.realpath(path.parent)) if path.parent.exists() else None
        if parent is None:
            # Create only folders that are inside; realpath of what exists so far decides.
            existing = path.parent
            while not existing.exists():
                existing = existing.parent
            parent = Path(os.path.realpath(existing))
        if not boundary.inside(str(parent), real_root):
            raise boundary.RefusedFile(f"{path.parent} leads outside the knowledge base ({parent}); nothing written")
    path.parent.mkdir(parents=True, exist_ok=True)
    flags = os.O_WRONLY | os.O_CREAT | os.O_EXCL | getattr(os, "O_NOFOLLOW", 0) | getattr(os, "O_CLOEXEC", 0)
    fd = os.open(path, flags, 0o644)
    with os.fdopen(fd, "w", encoding="utf-8", newline="") as handle:
        handle.write(text)
    return path


def write_tree(root: Path | str, tree: dict[str, str | bytes]) -> None:
    """Write ``{relative POSIX path: text or bytes}`` under ``root``, each file atomically.

    A path that would leave ``root`` (``..``, an absolute path) raises ``ValueError``.
    """
    root = Path(root)
    cleaned: set[Path] = set()
    for rel in tree:
        parts = rel.split("/")
        if rel.startswith("/") or any(part in ("", ".", "..") for part in parts):
            raise ValueError(f"{rel!r} is not a path inside the tree")
    for rel, data in tree.items():
        target = root.joinpath(*rel.split("/"))
        if target.parent not in cleaned and target.parent.is_dir():
            clean_stale_temps(target.parent)
            cleaned.add(target.parent)
        write_atomic(target, data, mode=0o644, durable=False, clean=False)


# -- directories ---------------------------------------------------------------


def _exchange(a: Path, b: Path) -> bool:
    """Swap two paths atomically (Linux renameat2 RENAME_EXCHANGE); ``False`` where unsupported."""
    try:
        import ctypes
        import ctypes.util

        libc = ctypes.CDLL(ctypes.util.find_library("c") or None, use_errno=True)
        renameat2 = libc.renameat2
    except (OSError, AttributeError):
        return False
    at_fdcwd, rename_exchange = -100, 2
    result = renameat2(at_fdcwd, os.fsencode(a), at_fdcwd, os.fsencode(b), rename_exchange)
    if result == 0:
        return True
    err = ctypes.get_errno()
    if err in (22, 38, 95):  # EINVAL, ENOSYS, EOPNOTSUPP: the file system cannot; fall back
        return False
    raise OSError(err, os.strerror(err), str(b))


def _leftovers(target: Path) -> list[tuple[str, Path]]:
    """``(what, path)`` of the directories interrupted runs left beside ``target`` (their process is gone)."""
    found = []
    try:
        names = os.listdir(target.parent)
    except OSError:
        return []
    for name in sorted(names):
        m = _TEMP_DIR.match(name)
        if m and m.group("name") == target.name and not _alive(int(m.group("pid"))):
            found.append((m.group("what"), target.parent / name))
    return found


def recover_directory(target: Path | str) -> None:
    """Undo what an interrupted :func:`replace_directory` or build left beside ``target``.

    When ``target`` is missing and the old one was moved aside, it is put
    back; every other leftover (half-built trees, old trees) is deleted.
    """
    target = Path(target)
    leftovers = _leftovers(target)
    if not os.path.lexists(target):
        olds = [path for what, path in leftovers if what == "old"]
        if olds:
            os.replace(olds[-1], target)
    for _, path in _leftovers(target):
        shutil.rmtree(path, ignore_errors=True)


def replace_directory(new: Path | str, target: Path | str) -> None:
    """Put the finished directory ``new`` where ``target`` is, then delete the old one.

    Both must be on the same file system (``new`` is made next to ``target``
    by :func:`make_temp_dir`). With an atomic exchange ``target`` always
    holds one whole site; without, the old tree is moved aside first and a
    crash between the two renames is repaired by the next run
    (:func:`recover_directory`).
    """
    new, target = Path(new), Path(target)
    recover_directory(target)
    if target.exists() and target.is_dir() and not target.is_symlink() and _exchange(new, target):
        shutil.rmtree(new, ignore_errors=True)  # new now holds the old site
        return
    old = None
    if target.exists():
        old = Path(tempfile.mkdtemp(prefix=f".{target.name}.old-{os.getpid()}-", dir=target.parent))
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
    """A new empty directory beside ``next_to`` (same file system, so a rename is atomic).

    Leftovers of interrupted runs beside ``next_to`` are dealt with first (:func:`recover_directory`).
    """
    next_to = Path(os.path.abspath(next_to))
    next_to.parent.mkdir(parents=True, exist_ok=True)
    recover_directory(next_to)
    return Path(tempfile.mkdtemp(prefix=f".{next_to.name}.{prefix}-{os.getpid()}-", dir=next_to.parent))


def remove_tree(path: Path | str) -> None:
    """Delete a directory tree (a failed build's temporary output)."""
    shutil.rmtree(path, ignore_errors=True)


# -- where output may go -------------------------------------------------------

#: Files a site MkDocs built always has; a non-empty folder without any of them is not a site.
_SITE_MARKS = ("index.html", "404.html", "sitemap.xml")
EXPORT_HEADER = "# Exported by `kbgen export`"


def output_problem(target: Path | str, root: Path | str, purpose: str = "site",
                   docs_dir: Path | str | None = None) -> str | None:
    """Why ``target`` must not receive a built site (``purpose="site"``) or an export (``"export"``), or ``None``.

    Refused: the knowledge base's root or a folder above it, anything inside
    its docs dir (content/) or a hidden folder (.git), a file (papers.yaml),
    and a folder that is not empty and not what kbgen writes there (a site
    MkDocs built, or an earlier export): kbgen replaces or overwrites what is
    there, and would lose it.
    """
    real = os.path.realpath(target)
    root_real = os.path.realpath(root)
    docs = os.path.realpath(docs_dir) if docs_dir is not None else os.path.join(root_real, CONTENT_DIR)
    shown = str(target)
    if boundary.inside(root_real, real):
        return f"{shown} is the knowledge base or a folder that holds it; choose a folder of its own"
    if boundary.inside(real, docs):
        return f"{shown} is inside the docs dir {docs}, whose files are the site's input; choose another folder"
    if boundary.inside(real, root_real) and any(p.startswith(".") for p in os.path.relpath(real, root_real).split(os.sep)):
        return f"{shown} is inside a hidden folder of the knowledge base; choose another folder"
    if os.path.lexists(real) and not os.path.isdir(real):
        return f"{shown} is a file, not a folder; kbgen would replace it"
    if os.path.isdir(real):
        try:
            names = set(os.listdir(real))
        except OSError as exc:
            return f"{shown} cannot be read ({(exc.strerror or '').lower()})"
        if names and purpose == "site" and not names & set(_SITE_MARKS):
            return (f"{shown} is not empty and holds no site (no index.html, 404.html or sitemap.xml); kbgen "
                    "replaces the whole folder, so choose an empty or new one")
        if names and purpose == "export" and not _is_export(os.path.join(real, "mkdocs.yml")):
            return (f"{shown} is not empty and holds no earlier export (its mkdocs.yml does not start with "
                    f"{EXPORT_HEADER!r}); choose an empty or new folder")
    return None


def _is_export(config: str) -> bool:
    try:
        head = boundary.read_regular(config, limit=boundary.MAX_FILE_BYTES)[:200].decode("utf-8", "replace")
    except OSError:
        return False
    return head.startswith(EXPORT_HEADER)
