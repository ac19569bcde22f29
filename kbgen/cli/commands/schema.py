"""``kbgen schema``: write the JSON Schemas editors use to complete and check fields."""

from __future__ import annotations

import argparse
from pathlib import Path

from kbgen.cli.common import EXIT_ERRORS, EXIT_OK, UsageError, add_root_argument

NAME = "schema"
ORDER = 70
HELP = "write JSON Schemas for papers.yaml, front matter, topics.yaml and path files"
DESCRIPTION = (
    "Write one JSON Schema per file kind (papers.yaml, each content kind's front matter, "
    "content/topics.yaml, content/paths/*.yaml), generated from kbgen's models, into "
    "ROOT/schemas (or --out DIR). Editors with the YAML language server use them through a "
    "first line '# yaml-language-server: $schema=./schemas/papers.schema.json'. With --check, "
    "write nothing and exit 1 when the files on disk are missing or out of date."
)


def add_arguments(parser: argparse.ArgumentParser) -> None:
    add_root_argument(parser)
    parser.add_argument("--out", type=Path, metavar="DIR", help="where to write (default: ROOT/schemas)")
    parser.add_argument("--check", action="store_true",
                        help="only compare with the files on disk; exit 1 if any differs")


def run(args: argparse.Namespace) -> int:
    from kbgen.app.schemas import render_schemas
    from kbgen.io.atomic import write_atomic

    out = args.out if args.out is not None else args.root / "schemas"
    schemas = render_schemas()
    if args.check:
        stale = [name for name, text in schemas.items() if _read(out / name) != text]
        for name in stale:
            print(f"{out / name}: missing or out of date; run 'kbgen schema'")
        return EXIT_ERRORS if stale else EXIT_OK
    written = 0
    for name, text in schemas.items():
        if _read(out / name) == text:
            continue
        try:
            write_atomic(out / name, text)
        except OSError as exc:
            raise UsageError(f"cannot write {out / name}: {exc.strerror}") from None
        written += 1
    print(f"{len(schemas)} schemas in {out} ({written} updated)")
    return EXIT_OK


def _read(path: Path) -> str | None:
    from kbgen.io.files import read_text

    try:
        return read_text(path)
    except (OSError, UnicodeDecodeError):
        return None
