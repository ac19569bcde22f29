"""An exclusive lock per knowledge base, for everything that writes papers.yaml.

Two ``kbgen import-bib`` runs at once both read papers.yaml, both planned
their additions against it, and the second rename threw the first one's
entries away (36 reported added, 27 kept). Writers now take
:func:`locked` around read, plan and write::

    with locked(root):
        text = read_papers_text(root)
        ...  # plan against text
        append_papers(root, addition, expected=text)

The lock is ``flock`` on the root directory itself: nothing is created in
the knowledge base, the lock goes with the process (a killed run leaves no
stale lock), and papers.yaml may be replaced by a rename while it is held
(a lock on the file would stay on the old inode). It is re-entrant within a
process, so :func:`kbgen.io.atomic.append_papers` takes it too and a caller
holding it does not deadlock. A second process waits up to ``timeout``
seconds, then gets :class:`Busy`.
"""

from __future__ import annotations

import os
import threading
import time
from contextlib import contextmanager
from typing import Iterator

#: How long a writer waits for another kbgen to finish with the same knowledge base.
DEFAULT_TIMEOUT = 60.0
_POLL = 0.05

_guard = threading.Lock()
_held: dict[str, tuple[threading.RLock, list[int]]] = {}  # real root -> (lock, [fd, depth])


class Busy(OSError):
    """Another process holds the knowledge base's lock for longer than the timeout."""


@contextmanager
def locked(root: os.PathLike | str, timeout: float = DEFAULT_TIMEOUT) -> Iterator[None]:
    """Hold the exclusive lock of the knowledge base at ``root`` (see the module docs)."""
    key = os.path.realpath(root)
    with _guard:
        rlock, state = _held.setdefault(key, (threading.RLock(), [-1, 0]))
    deadline = time.monotonic() + timeout
    if not rlock.acquire(timeout=max(timeout, 0)):
        raise Busy(f"{root}: another kbgen is writing this knowledge base; try again when it is done")
    try:
        if state[1] == 0:
            state[0] = _acquire(key, deadline, root)
        state[1] += 1
        try:
            yield
        finally:
            state[1] -= 1
            if state[1] == 0:
                _release(state[0])
                state[0] = -1
    finally:
        rlock.release()


def _acquire(path: str, deadline: float, shown: object) -> int:
    fd = os.open(path, os.O_RDONLY | getattr(os, "O_DIRECTORY", 0) | getattr(os, "O_CLOEXEC", 0))
    try:
        import fcntl
    except ImportError:  # pragma: no cover - not POSIX: nothing to lock with, as before
        return fd
    while True:
        try:
            fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
            return fd
        except BlockingIOError:
            if time.monotonic() >= deadline:
                os.close(fd)
                raise Busy(f"{shown}: another kbgen is writing this knowledge base; "
                           "try again when it is done") from None
            time.sleep(_POLL)
        except OSError:
            os.close(fd)
            raise


def _release(fd: int) -> None:
    if fd >= 0:
        os.close(fd)  # closing the descriptor drops the flock
