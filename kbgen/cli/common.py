"""What every command shares: exit codes, ``--root``, loading with errors reported, output.

Commands import this module and :mod:`kbgen.app`; :mod:`kbgen.cli.main`
imports the commands. Nothing here imports back from either.
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path
from typing import TextIO

from kbgen.core.diagnostics import FORMATTERS, Diagnostic

EXIT_OK, EXIT_ERRORS, EXIT_USAGE = 0, 1, 2


class UsageError(Exception):
    """Bad usage or unreadable input: printed as one line, exit code 2."""


def add_root_argument(parser: argparse.ArgumentParser, *, top: bool = False) -> None:
    """The ``--root DIR`` option, accepted before the command (``top``) or after it."""
    parser.add_argument("--root", type=Path, metavar="DIR",
                        # After the command it overrides a --root given before it; absent, it leaves it.
                        default=Path(".") if top else argparse.SUPPRESS,
                        help="the knowledge base to work on (default: the current directory)")


def add_quiet_argument(parser: argparse.ArgumentParser) -> None:
    """The ``--quiet`` option: no progress on stderr (:func:`progress_for`)."""
    parser.add_argument("--quiet", action="store_true",
                        help="show no progress (by default, one line per stage on stderr, or on a terminal "
                             "a line updated in place once the work has run for $KBGEN_PROGRESS_DELAY "
                             "seconds, 2 by default)")


def progress_for(args: argparse.Namespace):
    """The :class:`kbgen.app.progress.Progress` a command passes to its use case: silent with ``--quiet``."""
    from kbgen.cli.progress import reporter

    return reporter(sys.stderr, quiet=getattr(args, "quiet", False))


def load(args: argparse.Namespace, progress=None):
    """Load ``args.root`` (:func:`kbgen.app.load.load`); an unreadable root is a :class:`UsageError`.

    ``progress`` (a :class:`kbgen.app.progress.Progress`, e.g. :func:`progress_for`) is told the
    stages; the command calls its ``done()`` before it prints, or goes on to its own stages.
    """
    from kbgen.app.load import UnreadableRoot
    from kbgen.app.load import load as load_root
    from kbgen.app.progress import NO_PROGRESS

    try:
        return load_root(args.root, progress=progress or NO_PROGRESS)
    except UnreadableRoot as exc:
        if progress is not None:
            progress.done()
        raise UsageError(str(exc)) from None


def load_checked(args: argparse.Namespace, stream: TextIO | None = None, progress=None):
    """Load ``args.root`` for a command that needs a valid knowledge base.

    Returns the :class:`kbgen.app.load.Loaded`; raises :class:`SystemExit`
    with code 1 after printing the errors when the knowledge base has any.
    ``progress`` as for :func:`load` (it is closed before the errors are printed).
    """
    loaded = load(args, progress)
    if loaded.errors:
        if progress is not None:
            progress.done()
        out = stream or sys.stderr
        out.write(text_report(loaded.errors))
        out.write("kbgen: fix these errors first ('kbgen validate' lists them)\n")
        raise SystemExit(EXIT_ERRORS)
    return loaded


def text_report(diags: list[Diagnostic], files: int | None = None) -> str:
    """``file:line:col`` lines and the summary, which names the files that could not be read."""
    from kbgen.check.coverage import skip_note

    text = FORMATTERS["text"](diags, summary=True, files=files)
    note = skip_note(diags)
    return f"{text.rstrip(chr(10))}; {note}\n" if note else text


def report(diags: list[Diagnostic], fmt: str, stream: TextIO, files: int | None = None) -> None:
    """Write diagnostics in one of the formats text, github, json (text ends with a summary)."""
    if fmt == "text":
        stream.write(text_report(diags, files))
    else:
        stream.write(FORMATTERS[fmt](diags))


class TerminalStream:
    """A text stream that shows control characters as escapes (``\\x1b``), for a terminal.

    Titles, ids and server texts come from strangers: ESC and BEL in one would
    set the window title or clear the screen of whoever runs kbgen. Line
    breaks and tabs pass; output redirected to a file or a pipe is not wrapped
    (an .ics calendar keeps its CRLF).
    """

    def __init__(self, stream: TextIO):
        self._stream = stream

    @property
    def raw_stream(self) -> TextIO:
        """The wrapped stream, for the progress reporter, which escapes its text and adds its own ``\\r``."""
        return self._stream

    def write(self, text: str) -> int:
        from kbgen.output.terminal import for_terminal

        safe = "\n".join(for_terminal(line.replace("\t", "    ")) for line in text.split("\n"))
        self._stream.write(safe)
        return len(text)

    def __getattr__(self, name: str):
        return getattr(self._stream, name)


def guard_terminal() -> None:
    """Wrap ``sys.stdout`` and ``sys.stderr`` in :class:`TerminalStream` where they are terminals."""
    for name in ("stdout", "stderr"):
        stream = getattr(sys, name)
        isatty = getattr(stream, "isatty", None)
        if callable(isatty) and isatty() and not isinstance(stream, TerminalStream):
            setattr(sys, name, TerminalStream(stream))
