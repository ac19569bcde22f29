"""The ``kbgen`` command: one entry point, a subcommand per module in :mod:`kbgen.commands`.

Each command module defines ``NAME``, ``HELP``, ``add_arguments(parser)`` and
``run(args) -> int``. Heavy libraries (MkDocs, scikit-learn) are imported
inside ``run`` so that ``kbgen --help`` and quick queries start fast.

Exit codes of every command: 0 success, 1 the knowledge base has errors,
2 bad usage or unreadable input.
"""

from __future__ import annotations

import argparse
import importlib
import pkgutil
import sys
from pathlib import Path
from typing import Sequence, TextIO

from kbgen import __version__

from kbgen.cli import commands
from kbgen.core.diagnostics import FORMATTERS, Diagnostic, count

EXIT_OK, EXIT_ERRORS, EXIT_USAGE = 0, 1, 2


class UsageError(Exception):
    """Bad usage or unreadable input: printed as one line, exit code 2."""


def add_root_argument(parser: argparse.ArgumentParser) -> None:
    """The ``--root DIR`` option every command takes."""
    parser.add_argument("--root", type=Path, default=Path("."), metavar="DIR",
                        help="the knowledge base to work on (default: the current directory)")


def load_checked(args: argparse.Namespace, stream: TextIO | None = None):
    """Load and validate ``args.root`` for a query command.

    Returns ``(kb, diagnostics)``; raises :class:`SystemExit` with code 1 after
    printing the errors when the knowledge base has any, or 2 when the root is
    unreadable.
    """
    kb, diags = load_root(args.root)
    errors, _ = count(diags)
    if errors:
        out = stream or sys.stderr
        out.write(FORMATTERS["text"]([d for d in diags if d.is_error], summary=True))
        out.write("kbgen: fix these errors first ('kbgen validate' lists them)\n")
        raise SystemExit(EXIT_ERRORS)
    return kb, diags


def load_root(root: Path):
    """Load a knowledge base, through the content cache when one is available."""
    from kbgen.parse.sources import UnreadableRoot

    try:
        try:
            from kbgen.io.cache import load_cached
        except ImportError:  # the cache is optional
            from kbgen.check.validate import load_knowledge_base as load_cached
        return load_cached(root)
    except UnreadableRoot as exc:
        raise UsageError(str(exc)) from None


def report(diags: list[Diagnostic], fmt: str, stream: TextIO, files: int | None = None) -> None:
    """Write diagnostics in one of the formats text, github, json (text ends with a summary)."""
    if fmt == "text":
        stream.write(FORMATTERS["text"](diags, summary=True, files=files))
    else:
        stream.write(FORMATTERS[fmt](diags))


def _command_modules():
    for info in sorted(pkgutil.iter_modules(commands.__path__), key=lambda m: m.name):
        if not info.name.startswith("_"):
            yield importlib.import_module(f"{commands.__name__}.{info.name}")


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="kbgen",
        description="Validate a reading group's knowledge base of ML papers, plan reading paths, "
                    "and build its site.",
        epilog="Run 'kbgen COMMAND --help' for the options of a command.",
    )
    parser.add_argument("--version", action="version", version=f"kbgen {__version__}")
    sub = parser.add_subparsers(dest="command", metavar="COMMAND")
    modules = sorted(_command_modules(), key=lambda m: getattr(m, "ORDER", 50))
    for module in modules:
        cmd = sub.add_parser(module.NAME, help=module.HELP, description=getattr(module, "DESCRIPTION", module.HELP))
        module.add_arguments(cmd)
        cmd.set_defaults(_run=module.run)
    return parser


def main(argv: Sequence[str] | None = None) -> int:
    """Entry point of the ``kbgen`` console script."""
    parser = build_parser()
    args = parser.parse_args(argv)
    if not getattr(args, "_run", None):
        parser.print_help()
        return EXIT_USAGE
    try:
        return args._run(args)
    except UsageError as exc:
        print(f"kbgen {args.command}: {exc}", file=sys.stderr)
        return EXIT_USAGE
    except BrokenPipeError:  # e.g. `kbgen graph | head`
        return EXIT_OK
    except KeyboardInterrupt:
        return 130


if __name__ == "__main__":
    sys.exit(main())
