"""Pagefind, the site's search indexer: the binary from the ``pagefind-bin`` wheel, run as a service.

``pagefind --service`` reads requests on stdin and answers on stdout, each a
base64-encoded JSON message followed by a comma (the protocol of Pagefind's
own Python and Node APIs). kbgen speaks it directly: the ``pagefind`` Python
package reads one answer per 0.1 s, which is 17 minutes for 10,000 pages.
Requests are written by one thread and answers read by another, so neither
pipe fills up; the bundle is written once every page has been answered.
"""

from __future__ import annotations

import base64
import json
import queue
import subprocess
import threading
import time
from collections.abc import Iterable
from dataclasses import dataclass
from pathlib import Path


class PagefindError(Exception):
    """Pagefind is missing, failed, or refused a page; the message says which and why."""


@dataclass(frozen=True)
class IndexStats:
    pages: int
    words: int
    seconds: float
    output: Path


def executable() -> Path:
    """The Pagefind binary that the ``pagefind-bin`` wheel installs."""
    try:
        from pagefind_bin import get_executable
    except ImportError:
        raise PagefindError("the search indexer is not installed (pip install pagefind-bin)") from None
    path = Path(get_executable())
    if not path.is_file():
        raise PagefindError(f"the search indexer's binary is missing: {path}")
    return path


def _encode(message_id: int, payload: dict) -> bytes:
    return base64.b64encode(json.dumps({"message_id": message_id, "payload": payload}).encode()) + b","


def _answers(stream) -> Iterable[dict]:
    buffer = b""
    while True:
        chunk = stream.read1(1 << 16)
        if not chunk:
            return
        buffer += chunk
        *complete, buffer = buffer.split(b",")
        for message in complete:
            if message.strip():
                yield json.loads(base64.b64decode(message))


def build_index(site_dir: Path | str, records: Iterable[tuple[str, str]], config: dict,
                output: str = "pagefind") -> IndexStats:
    """Index ``(url, html)`` records and write Pagefind's bundle to ``site_dir/output``.

    ``config`` holds Pagefind's indexing options (``exclude_selectors``,
    ``force_language``, ...). Raises :class:`PagefindError` when the binary
    cannot run, refuses a record or fails to write the bundle.
    """
    started = time.perf_counter()
    site = Path(site_dir).resolve()
    target = site / output
    try:
        proc = subprocess.Popen([str(executable()), "--service"], cwd=site, stdin=subprocess.PIPE,
                                stdout=subprocess.PIPE, stderr=subprocess.DEVNULL)
    except OSError as exc:
        raise PagefindError(f"cannot run the search indexer: {exc}") from None
    assert proc.stdin is not None and proc.stdout is not None
    answers: queue.Queue = queue.Queue()
    fed: dict = {"count": 0, "error": None, "done": False}

    def read() -> None:
        try:
            for message in _answers(proc.stdout):
                answers.put(message)
        except (OSError, ValueError) as exc:
            answers.put({"payload": {"type": "Error", "message": f"unreadable answer ({exc})"}})
        answers.put(None)  # the service's output ended

    def feed(index_id: int) -> None:
        try:
            for number, (url, text) in enumerate(records, start=2):
                proc.stdin.write(_encode(number, {"type": "AddFile", "index_id": index_id, "url": url,
                                                  "file_path": None, "file_contents": text}))
                fed["count"] += 1
        except Exception as exc:  # noqa: BLE001 - a page that cannot be read, or the service died: reported below
            fed["error"] = exc
        finally:
            try:
                proc.stdin.flush()  # the pages sent so far are answered, so the reader's count ends
            except (OSError, ValueError):
                pass
            fed["done"] = True

    def answer(what: str) -> dict | None:
        try:
            message = answers.get(timeout=0.2)
        except queue.Empty:
            return None
        if message is None:
            raise PagefindError(f"the search indexer exited while indexing {what}"
                                + (f" ({fed['error']})" if fed["error"] else ""))
        payload = message.get("payload") or {}
        if payload.get("type") == "Error":
            raise PagefindError(f"the search indexer refused {what}: {payload.get('message')}")
        return payload

    def wait_for(what: str) -> dict:
        while True:
            got = answer(what)
            if got is not None:
                return got

    threading.Thread(target=read, daemon=True).start()
    try:
        proc.stdin.write(_encode(1, {"type": "NewIndex", "config": config}))
        proc.stdin.flush()
        index_id = wait_for("the index's options")["index_id"]
        writer = threading.Thread(target=feed, args=(index_id,), daemon=True)
        writer.start()
        pages = words = 0
        # Every page is answered before the bundle is written: the service may answer out of order.
        while not (fed["done"] and pages >= fed["count"]):
            got = answer("a page")
            if got is not None:
                pages += 1
                words += int(got.get("page_word_count") or 0)
        writer.join()
        if fed["error"] is not None:
            raise PagefindError(f"the search index was not written: {fed['error']}")
        proc.stdin.write(_encode(0, {"type": "WriteFiles", "index_id": index_id, "output_path": str(target)}))
        proc.stdin.flush()
        wait_for("writing the bundle")
    except (OSError, ValueError, KeyError) as exc:
        raise PagefindError(f"the search indexer failed: {exc}") from None
    finally:
        try:
            proc.stdin.close()
        except OSError:
            pass
        try:
            proc.wait(timeout=30)
        except subprocess.TimeoutExpired:
            proc.kill()
            proc.wait()
    return IndexStats(pages, words, time.perf_counter() - started, target)



def iter_site_pages(site_dir: Path | str) -> Iterable[tuple[str, str]]:
    """``(path in the site, text)`` of every ``.html`` file of a built site, in path order, one at a time."""
    site = Path(site_dir)
    for path in sorted(site.rglob("*.html")):
        if path.is_file():
            yield path.relative_to(site).as_posix(), path.read_text(encoding="utf-8", errors="replace")


def material_search_files(site_dir: Path | str) -> tuple[Path, Path] | None:
    """Material for MkDocs' search index and search worker in a built site, when it has both."""
    site = Path(site_dir)
    index = site / "search" / "search_index.json"
    workers = sorted((site / "assets" / "javascripts" / "workers").glob("search.*.min.js"))
    if not index.is_file() or not workers:
        return None
    return index, workers[0]


def write_site_file(path: Path, text: str) -> None:
    """Replace one file of the built site (it keeps its permissions)."""
    from kbgen.io.atomic import write_atomic

    write_atomic(path, text, durable=False)
