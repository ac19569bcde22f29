"""What the checks could cover: the files that could not be read, and the checks they make moot.

A file that cannot be read defines nothing, so every reference to what it
would have defined would look unknown: one indentation slip in papers.yaml
would bury its own syntax error under dozens of "unknown id" errors with
nonsense suggestions. Instead the references into the namespaces such a file
fills are not checked (the summary says so) and the parse error is printed
first, since it is the cause.

>>> from kbgen.core.diagnostics import error
>>> diags = [error("content/paths/p.yaml", 2, 5, "KB004", "unknown entity id 'vit'"),
...          error("papers.yaml", 9, 3, "KB001", "YAML syntax error: ...")]
>>> [d.code for d in cause_first(diags)], unreadable_files(diags)
(['KB001', 'KB004'], ['papers.yaml'])
>>> skip_note(diags)
'1 file could not be read (papers.yaml); checks that depend on it were skipped'
"""

from __future__ import annotations

from typing import Iterable

from kbgen.core.diagnostics import Diagnostic
from kbgen.core.kinds import PAPERS_FILE, TOPICS_FILE

#: Problems that leave a whole file unread: syntax, encoding, empty, tabs, alias bombs,
#: unreadable, no front matter. (A BibTeX syntax error loses the entries it breaks.)
UNREADABLE_CODES = frozenset({"KB001", "KB002", "KB003", "KB005", "KB022", "KB026", "KB027"})


def is_cause(diag: Diagnostic) -> bool:
    """Whether ``diag`` says a file could not be read."""
    return diag.is_error and diag.code in UNREADABLE_CODES


def unreadable_files(diags: Iterable[Diagnostic]) -> list[str]:
    """The files that could not be read, sorted."""
    return sorted({d.file for d in diags if is_cause(d)})


def cause_first(diags: Iterable[Diagnostic]) -> list[Diagnostic]:
    """``diags`` with the files-could-not-be-read errors first, each group in its own order."""
    diags = list(diags)
    return [d for d in diags if is_cause(d)] + [d for d in diags if not is_cause(d)]


def skipped_namespaces(files: Iterable[str]) -> frozenset[str]:
    """Which reference targets (``paper``, ``entity``, ``topic``) unread ``files`` would have filled.

    Markdown pages are not here: a page's id is its file name, known even when
    its front matter is not.

    >>> sorted(skipped_namespaces(["content/refs.bib"])), sorted(skipped_namespaces([TOPICS_FILE]))
    (['entity', 'paper'], ['topic'])
    """
    skipped: set[str] = set()
    for rel in files:
        if rel == PAPERS_FILE or rel.endswith(".bib"):
            skipped |= {"paper", "entity"}
        elif rel == TOPICS_FILE:
            skipped.add("topic")
    return frozenset(skipped)


def skip_note(diags: Iterable[Diagnostic]) -> str:
    """The summary's note on unread files ("" when every file was read)."""
    files = unreadable_files(diags)
    if not files:
        return ""
    named = ", ".join(files[:3]) + (", ..." if len(files) > 3 else "")
    n = len(files)
    return (f"{n} file{'s' * (n != 1)} could not be read ({named}); "
            f"checks that depend on {'them' if n != 1 else 'it'} were skipped")
