"""Running an import (``import-bib``, ``add``) and printing what it did."""

from __future__ import annotations

import sys
from pathlib import Path

from kbgen.cli.common import EXIT_ERRORS, EXIT_OK, UsageError


def run_import(root: Path, candidates: list, *, header: str, dry_run: bool,
               source_warnings: list | None = None, out=None, progress=None) -> int:
    """Run the import use case and print what it did; returns the exit code.

    ``progress`` (a :class:`kbgen.app.progress.Progress`) is told the stages and closed before printing.
    """
    from kbgen.app.importing import ImportUsageError, import_candidates
    from kbgen.app.progress import NO_PROGRESS
    from kbgen.core.diagnostics import format_text

    out = out or sys.stdout
    progress = progress or NO_PROGRESS
    try:
        outcome = import_candidates(root, candidates, header=header, dry_run=dry_run,
                                    source_warnings=source_warnings, progress=progress)
    except ImportUsageError as exc:
        raise UsageError(str(exc)) from None
    finally:
        progress.done()
    if outcome.errors and outcome.failed is None:
        return print_abort(outcome.errors)
    if outcome.failed is not None:
        if outcome.errors:
            sys.stderr.write(format_text(outcome.errors))
        print(f"kbgen: {outcome.failed}; nothing written", file=sys.stderr)
        return EXIT_ERRORS
    plan = outcome.plan
    for dup in plan.duplicates:
        print(f"skipped {dup.describe()}", file=out)
    for warn in plan.warnings:
        print(format_text([warn]), end="", file=out)
    for note in plan.notes:
        print(f"dry run: {note}" if dry_run else note, file=out)
    if dry_run:
        if plan.text:
            print(f"dry run: would append to papers.yaml:\n{plan.text}", file=out)
        print(f"dry run: {plan.summary()} (nothing written)", file=out)
        return EXIT_OK
    for paper in plan.added:
        print(f"added {paper['id']}: {paper.get('title', '')}", file=out)
    print(plan.summary(), file=out)
    return EXIT_OK


def print_abort(diags: list) -> int:
    """Print the errors that stopped an import; returns exit code 1."""
    from kbgen.core.diagnostics import format_text

    sys.stderr.write(format_text([d for d in diags if d.is_error] or diags))
    print("kbgen: nothing written; fix the errors above and run the import again", file=sys.stderr)
    return EXIT_ERRORS
