"""The CLI reference page (``docs/cli.md``), generated from the argparse parser so it cannot drift.

Run ``python -m kbgen.cli.reference`` to rewrite ``docs/cli.md``, or with
``--check`` to exit 1 when the page is stale (a test does the same). The
usage lines are built here from the parser's actions, not by argparse's
help formatter, whose line wrapping depends on the terminal and on the
Python version.

>>> page = render_reference()
>>> page.splitlines()[0], "## `kbgen validate`" in page
('# The kbgen command line', True)
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

from kbgen.cli.main import build_parser

REFERENCE_FILE = Path("docs") / "cli.md"


def _subcommands(parser: argparse.ArgumentParser) -> dict[str, argparse.ArgumentParser]:
    for action in parser._actions:  # noqa: SLF001 - argparse keeps the subcommands only here
        if isinstance(action, argparse._SubParsersAction):  # noqa: SLF001
            return dict(action.choices)
    return {}


def _options(parser: argparse.ArgumentParser) -> list[argparse.Action]:
    return [a for a in parser._actions if not isinstance(a, argparse._HelpAction)]  # noqa: SLF001


def _metavar(action: argparse.Action) -> str:
    if action.nargs == 0:
        return ""
    if action.metavar is not None:
        name = action.metavar if isinstance(action.metavar, str) else " ".join(action.metavar)
    elif action.choices is not None:
        name = "{" + ",".join(map(str, action.choices)) + "}"
    else:
        name = action.dest.upper()
    if action.nargs in ("+",):
        return f"{name} [{name} ...]"
    if action.nargs in ("*",):
        return f"[{name} ...]"
    return name


def _usage(prog: str, parser: argparse.ArgumentParser) -> str:
    parts = [prog]
    positionals = []
    for action in _options(parser):
        if isinstance(action, argparse._SubParsersAction):  # noqa: SLF001
            positionals.append("COMMAND ...")
        elif not action.option_strings:
            name = _metavar(action)
            positionals.append(f"[{name}]" if action.nargs == "?" else name)
        else:
            flag = f"{action.option_strings[0]} {_metavar(action)}".strip()
            parts.append(flag if action.required else f"[{flag}]")
    return " ".join(parts + positionals)


def _cell(text: str | None) -> str:
    return " ".join((text or "").replace("|", "\\|").split())


def _table(parser: argparse.ArgumentParser) -> list[str]:
    rows = ["| argument | meaning |", "|---|---|"]
    for action in _options(parser):
        if isinstance(action, argparse._SubParsersAction):  # noqa: SLF001
            continue
        if action.option_strings:
            metavar = _metavar(action)
            names = ", ".join(f"`{s}{' ' + metavar if metavar else ''}`" for s in action.option_strings)
        else:
            names = f"`{_metavar(action)}`"
        rows.append(f"| {names} | {_cell(action.help)} |")
    return rows


def render_reference(parser: argparse.ArgumentParser | None = None) -> str:
    """The Markdown of ``docs/cli.md``."""
    parser = parser or build_parser()
    lines = ["# The kbgen command line", "",
             "<!-- Generated from kbgen's argparse parser by `python -m kbgen.cli.reference`; do not edit. -->", "",
             _cell(parser.description), "",
             "Every command takes `--root DIR` before or after its name (default: the current directory). "
             "Exit codes: 0 success (warnings allowed unless `--strict`), 1 the knowledge base has errors, "
             "2 bad usage or unreadable input (an unknown id on the command line is bad usage).", "",
             "```text", _usage("kbgen", parser), "```", ""]
    lines += _table(parser) + [""]
    commands = _subcommands(parser)
    lines += ["| command | what it does |", "|---|---|"]
    lines += [f"| [`{name}`](#kbgen-{name}) | {_cell(_help_of(parser, name))} |" for name in commands]
    for name, sub in commands.items():
        lines += ["", f"## `kbgen {name}`", "", _cell(sub.description), "", "```text",
                  _usage(f"kbgen {name}", sub), "```", ""]
        lines += _table(sub)
    return "\n".join(lines) + "\n"


def _help_of(parser: argparse.ArgumentParser, name: str) -> str:
    for action in parser._actions:  # noqa: SLF001
        if isinstance(action, argparse._SubParsersAction):  # noqa: SLF001
            for choice in action._choices_actions:  # noqa: SLF001
                if choice.dest == name:
                    return choice.help or ""
    return ""


def main(argv: list[str] | None = None) -> int:
    """Write ``docs/cli.md`` (or ``--check`` it) under the current directory or ``--root``."""
    from kbgen.io.atomic import write_atomic
    from kbgen.io.files import read_text_if_any

    cli = argparse.ArgumentParser(prog="python -m kbgen.cli.reference", description=main.__doc__)
    cli.add_argument("--root", type=Path, default=Path("."), help="the repository (default: .)")
    cli.add_argument("--check", action="store_true", help="write nothing; exit 1 if the page is stale")
    args = cli.parse_args(argv)
    path = args.root / REFERENCE_FILE
    text = render_reference()
    if args.check:
        stale = read_text_if_any(path) != text
        if stale:
            print(f"{path} is stale; run 'python -m kbgen.cli.reference'", file=sys.stderr)
        return 1 if stale else 0
    write_atomic(path, text)
    print(f"wrote {path}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
