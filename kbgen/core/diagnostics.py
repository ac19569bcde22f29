"""Diagnostics: the one type for every problem kbgen finds, and its output formats.

Errors are data until the edge of the program: every stage returns a list of
:class:`Diagnostic` and only the CLI or the MkDocs plugin turns them into text
and exit codes.

>>> d = Diagnostic("content/summaries/vit.md", 3, 8, "error", "KB004",
...                "unknown paper id 'vit-2020'; did you mean 'vit'?")
>>> format_text([d]).splitlines()[0]
"content/summaries/vit.md:3:8: error KB004: unknown paper id 'vit-2020'; did you mean 'vit'?"
"""

from __future__ import annotations

import difflib
import json
import re
from dataclasses import asdict, dataclass
from typing import Iterable, Literal

Severity = Literal["error", "warning"]

#: Stable codes; the message of each diagnostic says how to fix it.
CODES: dict[str, str] = {
    "KB001": "syntax error (YAML, front matter or BibTeX)",
    "KB002": "file is not valid UTF-8",
    "KB003": "file is empty",
    "KB004": "reference to an unknown id",
    "KB005": "tab used for indentation",
    "KB006": "unknown key",
    "KB007": "missing required field",
    "KB008": "wrong type or invalid value",
    "KB009": "malformed id",
    "KB010": "year out of range",
    "KB011": "malformed arXiv id",
    "KB012": "malformed DOI",
    "KB013": "URL is not http(s)",
    "KB014": "duplicate id",
    "KB015": "BibTeX entry with an empty key",
    "KB016": "duplicate BibTeX key in one file",
    "KB017": "the same paper entered twice (arXiv id or DOI)",
    "KB018": "probably the same paper twice (title and year)",
    "KB019": "prerequisite cycle",
    "KB020": "unsafe content (script, event handler, javascript:/data: URL)",
    "KB021": "YAML tag not allowed",
    "KB022": "YAML aliases expand too far",
    "KB023": "duplicate key in a YAML mapping",
    "KB024": "citation cycle (broken automatically)",
    "KB025": "curated path step placed before its prerequisite",
    "KB026": "file or directory cannot be read",
    "KB027": "front matter missing or not closed",
    "KB028": "cache problem (ignored and rebuilt)",
    "KB029": "undefined BibTeX @string macro",
    "KB030": "field repeated in one BibTeX entry",
    "KB031": "curated path leaves out a prerequisite of one of its steps",
    "KB032": "year earlier than the year of the paper's arXiv id",
    "KB033": "link to a page that does not exist",
    "KB034": "placeholder of `kbgen new` not replaced",
    "KB035": "probably the same paper twice (same title, years one apart: preprint and venue)",
    "KB040": "more problems of one code than are shown (the rest are counted)",
    "KB041": "file refused at the knowledge base's boundary (link leaving the root, link loop, FIFO, device)",
    "KB042": "a limit exceeded (file size, nesting, expansion, number of entries)",
    "KB043": "file that the site does not publish (unknown type, unsafe SVG, kbgen's own assets)",
    "KB044": "id reserved by the site",
    "KB045": "two files for one id",
    "KB046": "topic parent cycle or topic tree too deep",
}

#: At most this many diagnostics of one code are kept; one KB040 counts the rest.
MAX_PER_CODE = 100
_CAPPED = "KB040"


@dataclass(frozen=True, slots=True, order=True)
class Diagnostic:
    """One located problem. ``line`` and ``column`` are 1-based; 0 means unknown."""

    file: str
    line: int
    column: int
    severity: Severity
    code: str
    message: str

    @property
    def is_error(self) -> bool:
        return self.severity == "error"

    def to_dict(self) -> dict:
        return asdict(self)


def error(file: str, line: int, column: int, code: str, message: str) -> Diagnostic:
    """Shorthand for an error diagnostic."""
    return Diagnostic(file, line, column, "error", code, message)


def warning(file: str, line: int, column: int, code: str, message: str) -> Diagnostic:
    """Shorthand for a warning diagnostic."""
    return Diagnostic(file, line, column, "warning", code, message)


def suggest(word: str, candidates: Iterable[str], n: int = 3) -> str:
    """Return a "; did you mean ..." suffix for ``word``, or "" when nothing is close.

    >>> suggest("vit-2020", ["vit", "resnet"])
    "; did you mean 'vit'?"
    """
    pool = list(candidates)
    close = difflib.get_close_matches(word, pool, n=n, cutoff=0.6)
    if not close:
        # Prefixes catch 'vit-2020' -> 'vit' when the ratio is too low.
        close = [c for c in pool if word.startswith(c) or c.startswith(word)][:n]
    if not close:
        return ""
    return "; did you mean " + " or ".join(repr(c) for c in close) + "?"


def sort_diagnostics(diags: Iterable[Diagnostic], limit: int = MAX_PER_CODE) -> list[Diagnostic]:
    """Deduplicate, order by file, line, column, code, and keep at most ``limit`` of each code.

    What is left out of a code is counted in one KB040 diagnostic at the end
    (an error when an error was left out), so a reversed 1,500-step path
    gives a hundred warnings and "and 1,124,250 more KB025", not a million lines.

    >>> many = [warning("p.yaml", i, 1, "KB025", "late") for i in range(1, 6)]
    >>> [d.line for d in sort_diagnostics(many, limit=2)], sort_diagnostics(many, limit=2)[-1].message
    ([1, 2, 0], 'and 3 more KB025 warnings (not shown: fix the ones above and run again)')
    """
    ordered = sorted(set(diags), key=_order)
    kept: list[Diagnostic] = []
    shown: dict[str, int] = {}
    dropped: dict[str, list[int]] = {}  # code -> [errors, warnings] left out
    for d in ordered:
        if d.code == _CAPPED:
            number, _, rest = d.message.partition(" more ")
            code = rest.split(" ", 1)[0]
            tally = dropped.setdefault(code, [0, 0])
            tally[0 if d.is_error else 1] += _count_in(number)
            continue
        seen = shown.get(d.code, 0)
        if seen < limit:
            shown[d.code] = seen + 1
            kept.append(d)
        else:
            dropped.setdefault(d.code, [0, 0])[0 if d.is_error else 1] += 1
    for code, (errors, warnings) in sorted(dropped.items()):
        total = errors + warnings
        noun = ("error" if not warnings else "warning" if not errors else "problem") + "s" * (total != 1)
        kept.append(Diagnostic("", 0, 0, "error" if errors else "warning", _CAPPED,
                               f"and {total:,} more {code} {noun} (not shown: fix the ones above and run again)"))
    return kept


def _order(d: Diagnostic) -> tuple:
    return (d.code == _CAPPED, d.file, d.line, d.column, d.code, d.message)


def _count_in(text: str) -> int:
    digits = "".join(ch for ch in text if ch.isdigit())
    return int(digits) if digits and len(digits) < 19 else 0


#: C0 and C1 controls, DEL, and the bidirectional overrides ("Trojan source"): never sent raw to a terminal.
_CONTROL = re.compile("[\x00-\x1f\x7f-\x9f\u061c\u200e\u200f\u202a-\u202e\u2066-\u2069]")


def printable(text: str, keep_newlines: bool = False) -> str:
    r"""``text`` with every control character shown as an escape (``\x1b``, ``\n``), for a terminal or a log.

    A title carrying ESC or BEL must not set the window title or clear the
    screen of whoever runs ``kbgen validate`` on a pull request.

    >>> printable("Evil\x1b]0;pwned\x07 title\u202e")
    'Evil\\x1b]0;pwned\\x07 title\\u202e'
    >>> printable("two\nlines"), printable("two\nlines", keep_newlines=True)
    ('two\\nlines', 'two\nlines')
    """
    if not _CONTROL.search(text):
        return text
    return _CONTROL.sub(lambda m: m.group(0) if keep_newlines and m.group(0) == "\n" else _escape(m.group(0)), text)


def _escape(char: str) -> str:
    code = ord(char)
    return {"\n": "\\n", "\r": "\\r", "\t": "\\t"}.get(char) or (f"\\x{code:02x}" if code < 0x100 else f"\\u{code:04x}")


def count(diags: Iterable[Diagnostic]) -> tuple[int, int]:
    """Return ``(errors, warnings)``, counting those a KB040 stands for (it says whether they are errors)."""
    errors = warnings = 0
    for d in diags:
        n = _count_in(d.message.partition(" more ")[0]) if d.code == _CAPPED else 1
        if d.is_error:
            errors += n
        else:
            warnings += n
    return errors, warnings


def format_text(diags: list[Diagnostic], summary: bool = False, files: int | None = None) -> str:
    """``file:line:col: severity CODE: message`` lines, optionally with a summary line.

    The summary counts ``files`` (the files checked) when given, else the files with problems.
    """
    lines = [(f"{printable(d.file)}:{d.line}:{d.column}: " if d.file else "")
             + f"{d.severity} {d.code}: {printable(d.message)}" for d in diags]
    if summary:
        errors, warnings = count(diags)
        if files is None:
            files = len({d.file for d in diags})
        lines.append(
            f"{errors} error{'s' * (errors != 1)}, {warnings} warning{'s' * (warnings != 1)}"
            f" in {files} file{'s' * (files != 1)}"
        )
    return "\n".join(lines) + ("\n" if lines else "")


def _github_escape(value: str, *, prop: bool) -> str:
    # GitHub's workflow-command escaping; properties also escape ':' and ','.
    value = value.replace("%", "%25").replace("\r", "%0D").replace("\n", "%0A")
    value = printable(value)  # ESC would reach the log viewer, which renders ANSI sequences
    if prop:
        value = value.replace(":", "%3A").replace(",", "%2C")
    return value


def format_github(diags: list[Diagnostic]) -> str:
    """GitHub Actions workflow commands, so problems annotate the pull request."""
    out = []
    for d in diags:
        props = [f"file={_github_escape(d.file, prop=True)}"]
        if d.line:
            props.append(f"line={d.line}")
        if d.column:
            props.append(f"col={d.column}")
        props.append(f"title={d.code}")
        out.append(f"::{d.severity} {','.join(props)}::{_github_escape(d.message, prop=False)}")
    return "\n".join(out) + ("\n" if out else "")


def format_json(diags: list[Diagnostic]) -> str:
    """A JSON list of objects with keys file, line, column, severity, code, message."""
    return json.dumps([d.to_dict() for d in diags], indent=2, ensure_ascii=False) + "\n"


FORMATTERS = {"text": format_text, "github": format_github, "json": format_json}
