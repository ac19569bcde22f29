"""The knowledge base's root is a boundary: what may be read under it, and how.

Everything kbgen reads from a knowledge base is found by :func:`walk` and
opened by :func:`read_regular`, so one set of rules holds for the loader, the
static-file check and ``kbgen export`` (MkDocs follows every link it meets,
so what kbgen accepts here is what the site would publish):

- a symbolic link is followed only when its target is inside the root and
  not in a hidden folder (``.git/config`` may hold a CI token); any other
  link is refused with its location, and so is a dangling one;
- a folder is walked once: a link back to a folder above it (two links to
  ``.``) or to a folder already walked is a loop, refused, never followed;
- only regular files are opened. A FIFO, a socket or a device is refused
  without being opened (opening a FIFO blocks until a writer comes), and
  files are opened with ``O_NONBLOCK | O_NOFOLLOW`` and checked again on the
  open descriptor, so a file swapped for one of them meanwhile is refused too;
- a folder or file that cannot be read is reported (KB026), never skipped;
- sizes are bounded: :data:`MAX_FILE_BYTES` a file, :data:`MAX_ENTRIES`
  entries and :data:`MAX_DEPTH` nested folders under a root.

Refusals are KB041 diagnostics, limits KB042, unreadable entries KB026.
"""

from __future__ import annotations

import errno
import os
import stat
from dataclasses import dataclass, field

from kbgen.core.diagnostics import Diagnostic, error

#: Largest file kbgen reads (papers.yaml of 100,000 papers is ~40 MB).
MAX_FILE_BYTES = 64 * 1024 * 1024
#: Most files and folders under one root that kbgen walks (each is a page or an asset MkDocs builds).
MAX_ENTRIES = 200_000
#: Deepest folder nesting under the walked folder.
MAX_DEPTH = 32

_KINDS = {stat.S_IFIFO: "a FIFO (named pipe)", stat.S_IFSOCK: "a socket", stat.S_IFCHR: "a character device",
          stat.S_IFBLK: "a block device"}


class RefusedFile(OSError):
    """A file kbgen will not read (a link leaving the root, a FIFO, too large); ``strerror`` says why.

    ``code`` is the diagnostic code: KB041 for what is refused, KB042 for a limit.
    """

    def __init__(self, reason: str, code: str = "KB041"):
        super().__init__(errno.EPERM, reason)
        self.code = code


@dataclass
class Walk:
    """What :func:`walk` found: regular files ``(relative path, real path)`` and every refusal."""

    files: list[tuple[str, str]] = field(default_factory=list)
    diagnostics: list[Diagnostic] = field(default_factory=list)


def inside(path: str, top: str) -> bool:
    """Whether the absolute ``path`` is ``top`` or below it (both real paths).

    >>> inside("/kb/content/a.md", "/kb"), inside("/kb2/a.md", "/kb"), inside("/kb", "/kb")
    (True, False, True)
    """
    return path == top or path.startswith(top.rstrip(os.sep) + os.sep)


def _hidden_below(path: str, top: str) -> bool:
    rel = os.path.relpath(path, top)
    return rel != "." and any(part.startswith(".") for part in rel.split(os.sep))


def check_link(link: str, rel: str, root_real: str) -> tuple[str | None, Diagnostic | None]:
    """The real target of the symbolic link ``link`` when kbgen may follow it, else a KB041 diagnostic."""
    target = os.path.realpath(link)
    if not inside(target, root_real):
        return None, error(rel, 0, 0, "KB041", f"symbolic link to {target}, outside the knowledge base; "
                                               "kbgen does not read or publish it (copy the file in instead)")
    if _hidden_below(target, root_real):
        return None, error(rel, 0, 0, "KB041", "symbolic link into a hidden folder of the knowledge base "
                                               f"({os.path.relpath(target, root_real)}); remove it")
    if not os.path.lexists(target) or not os.path.exists(link):
        return None, error(rel, 0, 0, "KB041", "symbolic link that points at nothing (or at a link loop); remove it")
    return target, None


def _special(rel: str, mode: int) -> Diagnostic:
    what = _KINDS.get(stat.S_IFMT(mode), "not a regular file")
    return error(rel, 0, 0, "KB041", f"{what}, not a regular file; kbgen never opens it (remove it)")


def walk(root: str, top_rel: str, limit: int = MAX_ENTRIES) -> Walk:
    """Every regular file under ``root/top_rel`` by the rules above, in a stable (sorted) order.

    ``root`` must be a real path (:func:`os.path.realpath`). Hidden entries
    (a name starting with ``.``) are skipped, as MkDocs skips them.
    """
    found = Walk()
    start = os.path.join(root, *top_rel.split("/"))
    if os.path.islink(start):
        real, problem = check_link(start, top_rel, root)
        if problem is not None:
            found.diagnostics.append(problem)
            return found
        start = real
    if not inside(os.path.realpath(start), root):
        found.diagnostics.append(error(top_rel, 0, 0, "KB041", "this folder is outside the knowledge base; not read"))
        return found
    if not os.path.isdir(start):
        return found
    seen: set[tuple[int, int]] = set()
    count = 0
    # Iterative, so depth is limited by MAX_DEPTH and not by Python's stack.
    stack: list[tuple[str, str, int]] = [(top_rel, start, 0)]
    while stack:
        rel_dir, real_dir, depth = stack.pop()
        try:
            info = os.stat(real_dir)
            key = (info.st_dev, info.st_ino)
            if key in seen:
                found.diagnostics.append(error(rel_dir, 0, 0, "KB041",
                                               "this folder is reached a second time through a symbolic link "
                                               "(a link loop, or two links to one folder); remove the link"))
                continue
            seen.add(key)
            with os.scandir(real_dir) as listing:
                entries = sorted(listing, key=lambda e: e.name)
        except OSError as exc:
            found.diagnostics.append(error(rel_dir, 0, 0, "KB026",
                                           f"cannot read the folder: {(exc.strerror or str(exc)).lower()}"))
            continue
        subdirs = []
        for entry in entries:
            if entry.name.startswith("."):
                continue
            count += 1
            if count > limit:
                found.diagnostics.append(error(top_rel, 0, 0, "KB042",
                                               f"more than {limit:,} files and folders; kbgen stops reading here"))
                stack.clear()
                break
            rel = f"{rel_dir}/{entry.name}"
            path = os.path.join(real_dir, entry.name)
            try:
                mode = entry.stat(follow_symlinks=False).st_mode
                if stat.S_ISLNK(mode):
                    real, problem = check_link(path, rel, root)
                    if problem is not None:
                        found.diagnostics.append(problem)
                        continue
                    path, mode = real, os.stat(real).st_mode
            except OSError as exc:
                found.diagnostics.append(error(rel, 0, 0, "KB026", f"cannot read it: {(exc.strerror or '').lower()}"))
                continue
            if stat.S_ISDIR(mode):
                if depth + 1 >= MAX_DEPTH:
                    found.diagnostics.append(error(rel, 0, 0, "KB042",
                                                   f"folders nested deeper than {MAX_DEPTH} levels; flatten them"))
                    continue
                subdirs.append((rel, path, depth + 1))
            elif stat.S_ISREG(mode):
                found.files.append((rel, path))
            else:
                found.diagnostics.append(_special(rel, mode))
        stack.extend(reversed(subdirs))
    found.files.sort()
    return found


def entry(root: str, rel: str) -> tuple[str | None, Diagnostic | None]:
    """The real path of the single file ``root/rel`` when kbgen may read it; ``(None, None)`` when absent."""
    path = os.path.join(root, *rel.split("/"))
    try:
        mode = os.lstat(path).st_mode
    except FileNotFoundError:
        return None, None
    except OSError as exc:
        return None, error(rel, 0, 0, "KB026", f"cannot read the file: {(exc.strerror or '').lower()}")
    if stat.S_ISLNK(mode):
        real, problem = check_link(path, rel, root)
        if problem is not None:
            return None, problem
        path, mode = real, os.stat(real).st_mode
    if stat.S_ISDIR(mode):
        return None, error(rel, 0, 0, "KB026", "a folder where a file should be")
    if not stat.S_ISREG(mode):
        return None, _special(rel, mode)
    return path, None


def read_regular(path: str, limit: int | None = None, follow: bool = False) -> bytes:
    """The bytes of the regular file ``path``, at most ``limit`` of them.

    Never blocks: a FIFO, socket or device (or, unless ``follow``, a link
    put there since it was checked) raises :class:`RefusedFile`, as does a
    file over ``limit`` (default :data:`MAX_FILE_BYTES`). Other failures
    raise ``OSError``. ``follow`` is for files named on the command line,
    whose links are the user's own.
    """
    limit = MAX_FILE_BYTES if limit is None else limit
    if follow:
        path = os.path.realpath(path)
    flags = os.O_RDONLY | getattr(os, "O_NONBLOCK", 0) | getattr(os, "O_NOFOLLOW", 0) | getattr(os, "O_CLOEXEC", 0)
    try:
        fd = os.open(path, flags)
    except OSError as exc:
        if exc.errno == errno.ELOOP:
            raise RefusedFile("a symbolic link appeared where a file was; refused") from None
        raise
    with os.fdopen(fd, "rb", buffering=0) as handle:
        info = os.fstat(fd)
        if not stat.S_ISREG(info.st_mode):
            raise RefusedFile(f"{_KINDS.get(stat.S_IFMT(info.st_mode), 'not a regular file')}, not a regular file")
        if info.st_size > limit:
            raise RefusedFile(f"{info.st_size:,} bytes, more than the {limit:,} kbgen reads", "KB042")
        chunks, total = [], 0
        while True:  # files in /proc say size 0 and still have content: read to the end, bounded
            chunk = handle.read(min(1 << 20, limit + 1 - total))
            if not chunk:
                break
            chunks.append(chunk)
            total += len(chunk)
            if total > limit:
                raise RefusedFile(f"more than the {limit:,} bytes kbgen reads", "KB042")
        return b"".join(chunks)
