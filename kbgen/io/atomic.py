"""Writing files so that nothing is lost: every write is atomic, appends keep every old byte.

A write goes to a temporary file in the same directory and is renamed over
the target, so an interrupted run leaves the old file whole. A directory (the
built site) is swapped in with renames too.
"""

from __future__ import annotations

import os
import shutil
import tempfile
from pathlib import Path

from kbgen.core.kinds import PAPERS_FILE


class FileChangedError(Exception):
    """A file changed between planning a write and doing it."""


def write_atomic(path: Path | str, data: str | bytes, mode: int | None = None, durable: bool = True) -> None:
    """Write ``data`` (text is UTF-8) to ``path`` via a temporary file and a rename.

    An interrupted write leaves the old file intact. The new file keeps the
    old one's permissions, or gets ``mode`` (default 0644) when it is new.
    ``durable`` syncs the data to disk before the rename (a source file); a
    generated tree of thousands of files skips it, since it can be made again.
    """
    path = Path(path)
    path.parent.mkdir(parents=True, exist_ok=True)
    fd, tmp = tempfile.mkstemp(prefix=f".{path.name}.", suffix=".tmp", dir=path.parent)
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

    ``expected`` is the text the addition was planned against: when the file
    changed meanwhile, :class:`FileChangedError` is raised and nothing is written.
    """
    path = Path(root) / PAPERS_FILE
    old = path.read_bytes().decode("utf-8") if path.exists() else ""
    if expected is not None and old != expected:
        raise FileChangedError(f"{PAPERS_FILE} changed while kbgen was working; run the command again")
    write_atomic(path, old + addition)
    return path


def write_new_file(path: Path | str, text: str) -> Path:
    """Create ``path`` with ``text``; raises ``FileExistsError`` rather than overwrite."""
    path = Path(path)
    path.parent.mkdir(parents=True, exist_ok=True)
    with open(path, "x", encoding="utf-8", newline="") as handle:
        handle.write(text)
    return path


def write_tree(root: Path | str, tree: dict[str, str | bytes]) -> None:
    """Write ``{relative POSIX path: text or bytes}`` under ``root``, each file atomically."""
    root = Path(root)
    for rel, data in tree.items():
        write_atomic(root.joinpath(*rel.split("/")), data, mode=0o644, durable=False)


def replace_directory(new: Path | str, target: Path | str) -> None:
    """Put the finished directory ``new`` where ``target`` is, then delete the old one.

    Both must be on the same file system (``new`` is made next to ``target``);
    the old tree is moved aside first, so ``target`` is never half-written.
    """
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
    shutil.rmtree(path, ignore_errors=True)
