"""The ``kbgen`` command: one entry point, a subcommand per module in :mod:`kbgen.cli.commands`.

Each command module defines ``NAME``, ``HELP``, ``add_arguments(parser)`` and
``run(args) -> int``, and shares what commands have in common through
:mod:`kbgen.cli.common`; this module only imports the commands, never the
other way round. Heavy libraries (MkDocs, scikit-learn) are imported
inside ``run`` so that ``kbgen --help`` and quick queries start fast.

Exit codes of every command: 0 success, 1 the knowledge base has errors,
2 bad usage or unreadable input.
"""

from __future__ import annotations

import argparse
import importlib
import pkgutil
import sys
from typing import Sequence

from kbgen import __version__
from kbgen.cli import commands
from kbgen.cli.common import EXIT_OK, EXIT_USAGE, UsageError, add_root_argument, guard_terminal


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
    add_root_argument(parser, top=True)
    sub = parser.add_subparsers(dest="command", metavar="COMMAND")
    modules = sorted(_command_modules(), key=lambda m: getattr(m, "ORDER", 50))
    for module in modules:
        cmd = sub.add_parser(module.NAME, help=module.HELP, description=getattr(module, "DESCRIPTION", module.HELP))
        module.add_arguments(cmd)
        cmd.set_defaults(_run=module.run)
    return parser


def main(argv: Sequence[str] | None = None) -> int:
    """Entry point of the ``kbgen`` console script."""
    guard_terminal()
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
