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


def load(args: argparse.Namespace):
    """Load ``args.root`` (:func:`kbgen.app.load.load`); an unreadable root is a :class:`UsageError`."""
    from kbgen.app.load import UnreadableRoot
    from kbgen.app.load import load as load_root

    try:
        return load_root(args.root)
    except UnreadableRoot as exc:
        raise UsageError(str(exc)) from None


def load_checked(args: argparse.Namespace, stream: TextIO | None = None):
    """Load ``args.root`` for a command that needs a valid knowledge base.

    Returns the :class:`kbgen.app.load.Loaded`; raises :class:`SystemExit`
    with code 1 after printing the errors when the knowledge base has any.
    """
    loaded = load(args)
    if loaded.errors:
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
