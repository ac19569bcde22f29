"""The CLI's progress reporter: what ``validate``, ``import-bib``, ``add`` (and build, export) show on stderr.

Quick work shows nothing. Once the work has run for ``delay`` seconds (2 by
default, ``$KBGEN_PROGRESS_DELAY``):

- on a terminal, one line that updates in place (``kbgen: checking 120/9,595``),
  at most ten times a second, erased when the work is done, so the command's
  own output follows on a clean line;
- not on a terminal (CI logs, a pipe), one line per stage: the stage running
  at that moment and each one after it, with its size when known
  (``kbgen: checking (9,595)``);
- with ``--quiet``, nothing (:data:`kbgen.app.progress.NO_PROGRESS`).

Everything goes to stderr, never stdout, which carries the machine output
(``--format json``). Stage names come from kbgen, but a stage may name a
stranger's file: every line is escaped (:func:`kbgen.output.terminal.one_line`)
before the reporter adds its own carriage return and erase sequence.

>>> import io
>>> out = io.StringIO()
>>> p = StageLines(out, delay=0); p.stage("reading files"); p.advance(3); p.stage("checking", total=3); p.done()
>>> out.getvalue()
'kbgen: reading files\\nkbgen: checking (3)\\n'
"""

from __future__ import annotations

import os
import time
from typing import Callable, TextIO

from kbgen.app.progress import Progress
from kbgen.output.terminal import one_line

DELAY_ENV = "KBGEN_PROGRESS_DELAY"
DEFAULT_DELAY = 2.0
#: Redraw at most this often: a terminal that redraws on every step slows the work down.
_INTERVAL = 0.1
_ERASE = "\r\x1b[2K"  # back to column 1, erase the line


def _label(name: str, done: int, total: int | None) -> str:
    count = f"{done:,}/{total:,}" if total is not None else (f"{done:,}" if done else "")
    return one_line(f"kbgen: {name} {count}".rstrip())


class StageLines(Progress):
    """One line per stage once the work has run for ``delay`` seconds, for a log: what CI shows.

    ``clock`` is the time source (seconds); a test passes its own to step through time.
    """

    def __init__(self, stream: TextIO, delay: float = DEFAULT_DELAY, clock: Callable[[], float] = time.monotonic):
        self._stream = stream
        self._delay = delay
        self._clock = clock
        self._start = clock()
        self._pending: str | None = None  # the line of the current stage, until it is written

    def stage(self, name: str, total: int | None = None) -> None:
        size = f" ({total:,})" if total is not None else ""
        self._pending = one_line(f"kbgen: {name}{size}")
        self._flush()

    def advance(self, steps: int = 1) -> None:
        if self._pending is not None:
            self._flush()

    def _flush(self) -> None:
        if self._pending is not None and self._clock() - self._start >= self._delay:
            self._stream.write(self._pending + "\n")
            self._stream.flush()
            self._pending = None


class TerminalLine(Progress):
    """One line updated in place on a terminal, once the work has run for ``delay`` seconds.

    ``clock`` is the time source (seconds); a test passes its own to step through time.
    """

    def __init__(self, stream: TextIO, delay: float = DEFAULT_DELAY, clock: Callable[[], float] = time.monotonic,
                 width: int | None = None):
        self._stream = stream
        self._delay = delay
        self._clock = clock
        self._start = clock()
        self._last = float("-inf")
        self._width = width
        self._name = ""
        self._total: int | None = None
        self._done = 0
        self._shown = False

    def stage(self, name: str, total: int | None = None) -> None:
        self._name, self._total, self._done = name, total, 0
        self._draw(force=True)

    def advance(self, steps: int = 1) -> None:
        self._done += steps
        self._draw(force=False)

    def done(self) -> None:
        if self._shown:
            self._stream.write(_ERASE)
            self._stream.flush()
            self._shown = False

    def _draw(self, force: bool) -> None:
        now = self._clock()
        if now - self._start < self._delay or (not force and now - self._last < _INTERVAL):
            return
        self._last = now
        text = _label(self._name, self._done, self._total)
        width = self._width or _columns(self._stream)
        # A line longer than the terminal wraps, and the carriage return would then erase only its tail.
        self._stream.write(_ERASE + text[:max(width - 1, 1)])
        self._stream.flush()
        self._shown = True


def _columns(stream: TextIO) -> int:
    try:
        columns = os.get_terminal_size(stream.fileno()).columns
    except (OSError, ValueError, AttributeError):
        return 80
    return columns if columns > 0 else 80  # a terminal whose size was never set says 0


def delay_from_environment(environ: dict | None = None) -> float:
    """Seconds before progress shows on a terminal: ``$KBGEN_PROGRESS_DELAY`` if it is a number >= 0, else 2."""
    value = (os.environ if environ is None else environ).get(DELAY_ENV, "")
    try:
        delay = float(value)
    except ValueError:
        return DEFAULT_DELAY
    return delay if delay >= 0 else DEFAULT_DELAY  # nan fails the comparison too


def reporter(stream: TextIO, quiet: bool = False) -> Progress:
    """The reporter for ``stream`` (stderr): nothing when ``quiet``, a line on a terminal, lines in a log."""
    if quiet:
        return Progress()
    raw = getattr(stream, "raw_stream", stream)  # past TerminalStream: the reporter writes its own escapes
    isatty = getattr(raw, "isatty", None)
    if callable(isatty) and isatty():
        return TerminalLine(raw, delay=delay_from_environment())
    return StageLines(raw, delay=delay_from_environment())
